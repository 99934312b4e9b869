package io.vpclab.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vpclab.client.model.InstanceKind;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class FollowAgentOptionsTest {

    private static FollowAgent.Builder builder() {
        return FollowAgent.Options.builder(
                URI.create("http://127.0.0.1:8080"),
                "token",
                "host-1",
                "127.0.0.1",
                4789,
                Path.of("host-1.properties"));
    }

    @Test
    void theBuilderDefaultsToEthernetSimulatedInstancesReportsEverySecondAndAllOffloads() {
        FollowAgent.Options options = builder().build();

        assertThat(options.underlayMtu()).isEqualTo(1500);
        assertThat(options.capabilities()).containsExactly(InstanceKind.SIMULATED);
        assertThat(options.statsInterval()).isEqualTo(Duration.ofSeconds(1));
        assertThat(options.offloads()).isEqualTo(OffloadChoice.ALL);
        assertThat(options.udpPort()).isEqualTo(4789);
        assertThat(options.stateFile()).isEqualTo(Path.of("host-1.properties"));
    }

    @Test
    void everyDefaultCanBeReplaced() {
        FollowAgent.Options options = builder()
                .underlayMtu(9000)
                .capabilities(List.of(InstanceKind.SIMULATED, InstanceKind.NETNS))
                .statsInterval(Duration.ZERO)
                .offloads(OffloadChoice.NONE)
                .build();

        assertThat(options.underlayMtu()).isEqualTo(9000);
        assertThat(options.capabilities()).containsExactly(InstanceKind.SIMULATED, InstanceKind.NETNS);
        assertThat(options.statsInterval()).isZero();
        assertThat(options.offloads()).isEqualTo(OffloadChoice.NONE);
    }

    @Test
    void aMissingRequiredValueIsNamed() {
        assertThatThrownBy(() -> FollowAgent.Options.builder(null, "t", "h", "127.0.0.1", 1, Path.of("s"))
                        .build())
                .isInstanceOf(NullPointerException.class)
                .hasMessage("controlPlane");
    }
}
