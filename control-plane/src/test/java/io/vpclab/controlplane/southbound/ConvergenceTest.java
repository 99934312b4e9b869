package io.vpclab.controlplane.southbound;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConvergenceTest {

    private final Convergence convergence = new Convergence();
    private final List<Long> completed = new ArrayList<>();

    @Test
    void changeCompletesWhenTheLastAffectedHostAcks() {
        convergence.changed(1_000, Map.of("h1", 5L, "h2", 9L), 1_000, completed::add);

        assertThat(convergence.acknowledged("h1", 5, 3_000_000, completed::add)).hasValue(2);
        assertThat(completed).isEmpty();
        convergence.acknowledged("h2", 9, 7_000_000, completed::add);

        assertThat(completed).containsExactly(7_000_000L - 1_000);
        assertThat(convergence.lastMillis()).isEqualTo(6);
    }

    @Test
    void anOlderGenerationDoesNotComplete() {
        convergence.changed(0, Map.of("h1", 5L), 0, completed::add);

        convergence.acknowledged("h1", 4, 10, completed::add);

        assertThat(completed).isEmpty();
    }

    @Test
    void ackThatArrivedBeforeTheChangeWasRegisteredCounts() {
        convergence.acknowledged("h1", 5, 2_000, completed::add);

        convergence.changed(1_000, Map.of("h1", 5L), 3_000, completed::add);

        assertThat(completed).containsExactly(2_000L);
    }

    @Test
    void changeTouchingNoHostRecordsNothing() {
        convergence.changed(0, Map.of(), 10, completed::add);

        assertThat(completed).isEmpty();
        assertThat(convergence.lastMillis()).isEqualTo(-1);
    }
}
