package io.vpclab.controlplane.southbound;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vpclab.client.model.ForwardingTable;
import io.vpclab.client.model.IpBinding;
import io.vpclab.client.model.ProbeResult;
import io.vpclab.client.model.Segment;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

/** The provider takes generations from the database's allocation and moves to another replica's number for the same table. */
class TableGenerationsInTheProviderTest {

    private final SseSouthboundProvider provider = new SseSouthboundProvider(
            JsonMapper.builder().build(),
            new NoAgents(),
            new SimpleMeterRegistry(),
            StreamIncarnation.fixed("0123456789abcdef"),
            1);
    private final List<String> allocatedDigests = new ArrayList<>();
    private long nextGeneration = 5;

    @AfterEach
    void stop() {
        provider.destroy();
    }

    private OptionalLong allocate(String hostId, String digest) {
        allocatedDigests.add(digest);
        return OptionalLong.of(nextGeneration++);
    }

    @Test
    void anUnchangedTableAsksTheDatabaseForNothingAndAChangedOneTakesItsNumber() {
        assertThat(provider.publish("h", table("10.0.0.5"), this::allocate)).hasValue(5);
        assertThat(provider.publish("h", table("10.0.0.5"), this::allocate)).hasValue(5);
        assertThat(allocatedDigests).hasSize(1);

        assertThat(provider.publish("h", table("10.0.0.6"), this::allocate)).hasValue(6);
        assertThat(allocatedDigests).hasSize(2).doesNotHaveDuplicates();
        assertThat(provider.desiredTable("h").orElseThrow().getGeneration()).isEqualTo(6);
    }

    @Test
    void aHostGoneFromTheDatabaseGetsNoTable() {
        assertThat(provider.publish("gone", table("10.0.0.5"), (host, digest) -> OptionalLong.empty()))
                .isEmpty();
        assertThat(provider.desiredTable("gone")).isEmpty();
    }

    @Test
    void theSameTableUnderALaterNumberIsRelabelledAnotherTableIsNot() {
        provider.publish("h", table("10.0.0.5"), this::allocate);
        String digest = allocatedDigests.get(0);

        assertThat(provider.relabel("h", "another-table", 9)).isFalse();
        assertThat(provider.relabel("h", digest, 4)).as("never backwards").isFalse();
        assertThat(provider.relabel("h", digest, 9)).isTrue();

        ForwardingTable held = provider.desiredTable("h").orElseThrow();
        assertThat(held.getGeneration()).isEqualTo(9);
        assertThat(held.getBindings()).extracting(IpBinding::getIpAddress).containsExactly("10.0.0.5");
        assertThat(provider.publish("h", table("10.0.0.5"), this::allocate))
                .as("the relabelled table is still the same table")
                .hasValue(9);
    }

    private static ForwardingTable table(String ip) {
        return new ForwardingTable()
                .segments(List.of(new Segment().vni(100)))
                .bindings(List.of(new IpBinding().vni(100).ipAddress(ip).mac("02:00:00:00:00:05")));
    }

    private static final class NoAgents implements SouthboundProviderService {
        @Override
        public void acknowledged(String hostId, long generation) {}

        @Override
        public void connected(String hostId) {}

        @Override
        public void disconnected(String hostId) {}

        @Override
        public void probeResult(String hostId, ProbeResult result) {}
    }
}
