package io.vpclab.controlplane.southbound;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vpclab.client.model.ForwardingTable;
import io.vpclab.client.model.IpBinding;
import io.vpclab.client.model.ProbeResult;
import io.vpclab.client.model.Segment;
import io.vpclab.client.table.TableEventId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

/** The provider takes generations from the database's allocation and moves to another replica's number for the same table. */
class TableGenerationsInTheProviderTest {

    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final SseSouthboundProvider provider = new SseSouthboundProvider(
            JsonMapper.builder().build(), new NoAgents(), meters, StreamIncarnation.fixed("0123456789abcdef"), 1);
    private final List<String> allocatedDigests = new ArrayList<>();
    private long nextGeneration = 5;

    @AfterEach
    void stop() {
        provider.destroy();
    }

    private Map<String, Long> allocate(Map<String, String> digests) {
        Map<String, Long> generations = new HashMap<>();
        digests.forEach((hostId, digest) -> {
            allocatedDigests.add(digest);
            generations.put(hostId, nextGeneration++);
        });
        return generations;
    }

    private OptionalLong publish(String hostId, ForwardingTable table) {
        Long generation =
                provider.publish(Map.of(hostId, table), this::allocate).get(hostId);
        return generation == null ? OptionalLong.empty() : OptionalLong.of(generation);
    }

    @Test
    void anUnchangedTableAsksTheDatabaseForNothingAndAChangedOneTakesItsNumber() {
        assertThat(publish("h", table("10.0.0.5"))).hasValue(5);
        assertThat(publish("h", table("10.0.0.5"))).hasValue(5);
        assertThat(allocatedDigests).hasSize(1);

        assertThat(publish("h", table("10.0.0.6"))).hasValue(6);
        assertThat(allocatedDigests).hasSize(2).doesNotHaveDuplicates();
        assertThat(provider.desiredTable("h").orElseThrow().getGeneration()).isEqualTo(6);
    }

    @Test
    void severalHostsAskTheDatabaseOnceForTheTablesThatChanged() {
        List<Map<String, String>> calls = new ArrayList<>();
        SseSouthboundProvider.Allocator counting = digests -> {
            calls.add(digests);
            return allocate(digests);
        };
        provider.publish(Map.of("a", table("10.0.0.5"), "b", table("10.0.0.5")), counting);
        Map<String, Long> second = provider.publish(Map.of("a", table("10.0.0.5"), "b", table("10.0.0.6")), counting);

        assertThat(calls).hasSize(2);
        assertThat(calls.get(0)).containsOnlyKeys("a", "b");
        assertThat(calls.get(1)).as("a's table did not change").containsOnlyKeys("b");
        assertThat(second).containsEntry("a", 5L).containsEntry("b", 7L);
        assertThat(provider.desiredTable("b").orElseThrow().getBindings())
                .extracting(IpBinding::getIpAddress)
                .containsExactly("10.0.0.6");
    }

    @Test
    void anAgentAheadOfThisReplicaGetsNothingUntilTheReplicaReachesItsTableThenWhatFollows() {
        publish("h", table("10.0.0.5"));
        provider.subscribe("h", new TableEventId("0123456789abcdef", 6));
        assertThat(pushed("vpclab.table.stream.events"))
                .as("generation 5 would take the agent back from 6")
                .isZero();

        assertThat(publish("h", table("10.0.0.6")))
                .as("another replica gave this table 6")
                .hasValue(6);
        assertThat(pushed("vpclab.table.stream.events"))
                .as("the agent holds 6 already")
                .isZero();

        assertThat(publish("h", table("10.0.0.7"))).hasValue(7);
        assertThat(pushed("vpclab.table.stream.events")).as("the delta 6 -> 7").isEqualTo(1);
        assertThat(pushed("vpclab.table.stream.snapshots")).isZero();

        provider.subscribe("h", new TableEventId("0123456789abcdef", 3));
        assertThat(pushed("vpclab.table.stream.snapshots"))
                .as("an agent behind what the log holds gets a snapshot")
                .isEqualTo(1);
    }

    private double pushed(String counter) {
        return meters.counter(counter).count();
    }

    @Test
    void aHostGoneFromTheDatabaseGetsNoTable() {
        assertThat(provider.publish(Map.of("gone", table("10.0.0.5")), digests -> Map.of()))
                .isEmpty();
        assertThat(provider.desiredTable("gone")).isEmpty();
    }

    @Test
    void theSameTableUnderALaterNumberIsRelabelledAnotherTableIsNot() {
        publish("h", table("10.0.0.5"));
        String digest = allocatedDigests.get(0);

        assertThat(provider.relabel("h", "another-table", 9)).isFalse();
        assertThat(provider.relabel("h", digest, 4)).as("never backwards").isFalse();
        assertThat(provider.relabel("h", digest, 9)).isTrue();

        ForwardingTable held = provider.desiredTable("h").orElseThrow();
        assertThat(held.getGeneration()).isEqualTo(9);
        assertThat(held.getBindings()).extracting(IpBinding::getIpAddress).containsExactly("10.0.0.5");
        assertThat(publish("h", table("10.0.0.5")))
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
