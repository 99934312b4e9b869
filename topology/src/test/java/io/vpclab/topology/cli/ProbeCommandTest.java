package io.vpclab.topology.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.vpclab.client.model.Instance;
import io.vpclab.client.model.InstanceState;
import io.vpclab.client.model.ProbeResult;
import org.junit.jupiter.api.Test;

/** The probe's one-line answer says when the source instance is still pending, so an unanswered ping is not a mystery. */
class ProbeCommandTest {

    @Test
    void aPendingSourceIsNamedInTheAnswer() {
        ProbeResult unanswered = new ProbeResult().sent(3).received(0);

        String pending = ProbeCommand.describe(instance(InstanceState.PENDING), "10.0.1.5", unanswered);
        String running = ProbeCommand.describe(instance(InstanceState.RUNNING), "10.0.1.5", unanswered);

        assertThat(pending)
                .isEqualTo(
                        "web-1 (10.0.1.4) -> 10.0.1.5: 0/3 answered; web-1 is pending: its host's agent has not applied it yet");
        assertThat(running).isEqualTo("web-1 (10.0.1.4) -> 10.0.1.5: 0/3 answered");
    }

    private static Instance instance(InstanceState state) {
        Instance instance = new Instance().name("web-1").privateIpAddress("10.0.1.4");
        instance.setState(state);
        return instance;
    }
}
