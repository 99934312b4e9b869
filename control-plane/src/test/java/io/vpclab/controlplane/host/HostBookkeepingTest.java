package io.vpclab.controlplane.host;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vpclab.controlplane.system.ApiException;
import io.vpclab.controlplane.system.Caller;
import io.vpclab.controlplane.system.VpcLabProperties;
import java.time.Instant;
import java.util.OptionalLong;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.data.jpa.test.autoconfigure.DataJpaTest;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.event.ApplicationEvents;
import org.springframework.test.context.event.RecordApplicationEvents;

/**
 * The southbound's bookkeeping on a host (generations compiled and acknowledged, stream status)
 * is stored, and announces nothing: a HostChanged would make the compiler re-read the host after
 * every ack, so listeners had to filter it out again.
 */
@DataJpaTest
@Import(HostService.class)
@EnableConfigurationProperties(VpcLabProperties.class)
@RecordApplicationEvents
class HostBookkeepingTest {

    @Autowired
    HostService hosts;

    @Autowired
    ApplicationEvents events;

    private String register() {
        String id = hosts.register(
                        Caller.admin(),
                        new HostService.Registration("h-" + System.nanoTime(), "192.168.77.1", null, null, Set.of()))
                .host()
                .id();
        assertThat(events.stream(HostChanged.class)).hasSize(1);
        events.clear();
        return id;
    }

    @Test
    void generationsAndStatusAreRecordedWithoutAHostChanged() {
        String id = register();
        Instant seen = Instant.parse("2026-12-06T10:00:00Z");

        hosts.recordDesiredGeneration(id, 7);
        hosts.recordDesiredGeneration(id, 5); // a late compile never lowers it
        hosts.recordSeen(id, Host.Status.CONNECTED, seen);
        hosts.recordAcknowledged(id, 6, OptionalLong.of(42), seen.plusSeconds(1));
        hosts.recordAcknowledged(id, 7, OptionalLong.empty(), seen.plusSeconds(2));

        Host host = hosts.get(Caller.admin(), id);
        assertThat(host.desiredGeneration()).isEqualTo(7);
        assertThat(host.appliedGeneration()).isEqualTo(7);
        assertThat(host.convergenceMillis())
                .as("an ack that completes no change keeps the last figure")
                .isEqualTo(42);
        assertThat(host.status()).isEqualTo(Host.Status.CONNECTED);
        assertThat(host.lastSeen()).isEqualTo(seen.plusSeconds(2));
        assertThat(events.stream(HostChanged.class)).isEmpty();
    }

    @Test
    void bookkeepingOfADeregisteredHostIsRefusedAsNotFound() {
        String id = register();
        hosts.deregister(Caller.admin(), id);

        assertThatThrownBy(() -> hosts.recordAcknowledged(id, 1, OptionalLong.empty(), Instant.now()))
                .isInstanceOf(ApiException.class)
                .hasMessageContaining(id);
    }
}
