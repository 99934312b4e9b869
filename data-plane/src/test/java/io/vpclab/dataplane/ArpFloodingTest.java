package io.vpclab.dataplane;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vpclab.dataplane.host.PingResult;
import io.vpclab.dataplane.host.SimulatedHost;
import io.vpclab.dataplane.packet.Vxlan;
import io.vpclab.dataplane.stats.CountersSnapshot;
import io.vpclab.dataplane.stats.TrafficSnapshot;
import io.vpclab.dataplane.table.ForwardingState;
import io.vpclab.dataplane.table.IpBinding;
import io.vpclab.dataplane.table.LocalPort;
import io.vpclab.dataplane.table.MacEntry;
import io.vpclab.dataplane.table.RemoteVtep;
import io.vpclab.dataplane.table.Route;
import io.vpclab.dataplane.table.Router;
import io.vpclab.dataplane.table.Segment;
import io.vpclab.dataplane.table.TableHost;
import io.vpclab.dataplane.underlay.InMemoryUnderlay;
import io.vpclab.net.Ipv4Address;
import io.vpclab.net.Ipv4Prefix;
import io.vpclab.net.MacAddress;
import io.vpclab.net.Vni;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * ARP suppression switched off: a broadcast ARP request leaves by head-end replication, one copy
 * per remote VTEP of the segment, and reaches every other port of the segment. Three VTEPs, one
 * segment: a1 and a2 on A, b1 on B, c1 on C, so a flood from A costs two underlay copies.
 */
class ArpFloodingTest {

    static final Duration TIMEOUT = Duration.ofSeconds(2);
    static final int VNI = 300;
    static final Ipv4Address GATEWAY = Ipv4Address.parse("10.3.1.1");
    static final Map<String, String> PLACEMENT = placement();
    static final List<String> VTEPS = List.of("A", "B", "C");

    final InMemoryUnderlay.Hub hub = new InMemoryUnderlay.Hub();
    final Map<String, Vtep> vteps = new LinkedHashMap<>();
    final Map<String, SimulatedHost> hosts = new LinkedHashMap<>();

    void start(boolean arpSuppression) {
        Map<String, InMemoryUnderlay> underlays = new LinkedHashMap<>();
        for (int i = 0; i < VTEPS.size(); i++) {
            underlays.put(VTEPS.get(i), hub.join(new InetSocketAddress("10.255.3." + (i + 1), Vxlan.PORT)));
        }
        for (String self : VTEPS) {
            Vtep vtep = new Vtep(underlays.get(self));
            vtep.apply(table(self, underlays, arpSuppression));
            vteps.put(self, vtep);
        }
        PLACEMENT.forEach((id, vtep) -> {
            SimulatedHost host = SimulatedHost.forPort(port(id));
            hosts.put(id, host);
            vteps.get(vtep).attachPort(id, host);
        });
    }

    @AfterEach
    void stop() {
        vteps.values().forEach(Vtep::close);
    }

    @ParameterizedTest(name = "arpSuppression={0}")
    @ValueSource(booleans = {false, true})
    void aPingsFirstArpIsFloodedToEveryVtepOfTheSegmentOnlyWithoutSuppression(boolean arpSuppression) throws Exception {
        start(arpSuppression);

        PingResult ping = hosts.get("a1").ping(ip("b1"), 2, TIMEOUT).get(10, TimeUnit.SECONDS);

        assertThat(ping.received()).isEqualTo(2);
        int remoteVteps = 2; // B and C host ports of the segment; A is the source
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
            TrafficSnapshot segment = vteps.get("A").counters().segment(VNI);
            assertThat(segment.floodCopies()).isEqualTo(arpSuppression ? 0 : remoteVteps);
            assertThat(vteps.get("A").counters().host().floodCopies()).isEqualTo(arpSuppression ? 0 : remoteVteps);
            assertThat(segment.floods()).isEqualTo(arpSuppression ? 0 : 1);
            assertThat(vteps.get("A").counters().port("a1").arpRepliesSuppressed())
                    .isEqualTo(arpSuppression ? 1 : 0);
            // every other port of the segment heard the broadcast, wherever it is
            for (String other : List.of("a2", "b1", "c1")) {
                assertThat(counters(other).port(other).broadcastsReceived())
                        .as(other)
                        .isEqualTo(arpSuppression ? 0 : 1);
            }
        });
        assertThat(counters("a1").port("a1").broadcastsReceived()).isZero(); // never back to the sender
    }

    @ParameterizedTest(name = "arpSuppression={0}")
    @ValueSource(booleans = {false, true})
    void aBroadcastStormCostsCopiesTimesRemoteVtepsAndReachesEveryPort(boolean arpSuppression) throws Exception {
        start(arpSuppression);
        int broadcasts = 25;

        int sent = hosts.get("a1").arpBurst(ip("c1"), broadcasts).get(10, TimeUnit.SECONDS);

        assertThat(sent).isEqualTo(broadcasts);
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
            CountersSnapshot a = vteps.get("A").counters();
            assertThat(a.segment(VNI).floodCopies()).isEqualTo(arpSuppression ? 0 : 2L * broadcasts);
            assertThat(a.port("a1").arpRepliesSuppressed()).isEqualTo(arpSuppression ? broadcasts : 0);
            assertThat(a.port("a2").broadcastsReceived()).isEqualTo(arpSuppression ? 0 : broadcasts);
            assertThat(counters("b1").port("b1").broadcastsReceived()).isEqualTo(arpSuppression ? 0 : broadcasts);
            assertThat(counters("c1").port("c1").broadcastsReceived()).isEqualTo(arpSuppression ? 0 : broadcasts);
            // the owner answered every request itself: one unicast ARP reply each
            assertThat(counters("c1").port("c1").packetsIn()).isEqualTo(arpSuppression ? 0 : broadcasts);
        });
        assertThat(vteps.get("A").counters().host().totalDrops()).isZero();
    }

    @ParameterizedTest(name = "arpSuppression={0}")
    @ValueSource(booleans = {false, true})
    void theGatewayIsAnsweredByTheLocalRouterEitherWay(boolean arpSuppression) throws Exception {
        start(arpSuppression);

        assertThat(hosts.get("a1")
                        .ping(GATEWAY, 1, TIMEOUT)
                        .get(10, TimeUnit.SECONDS)
                        .received())
                .isEqualTo(1);

        CountersSnapshot a = vteps.get("A").counters();
        assertThat(a.port("a1").arpRepliesSuppressed()).isEqualTo(1);
        assertThat(a.segment(VNI).floodCopies()).isZero();
    }

    private static Map<String, String> placement() {
        Map<String, String> placement = new LinkedHashMap<>();
        placement.put("a1", "A");
        placement.put("a2", "A");
        placement.put("b1", "B");
        placement.put("c1", "C");
        return placement;
    }

    private CountersSnapshot counters(String instance) {
        return vteps.get(PLACEMENT.get(instance)).counters();
    }

    static ForwardingState table(String self, Map<String, InMemoryUnderlay> underlays, boolean arpSuppression) {
        InMemoryUnderlay own = underlays.get(self);
        ForwardingState.Builder b = ForwardingState.builder()
                .generation(1)
                .host(new TableHost(TwoVteps.address(own), own.localAddress().getPort(), 1500));
        List<String> floodList = new ArrayList<>();
        for (String other : VTEPS) {
            if (!other.equals(self)) {
                InMemoryUnderlay underlay = underlays.get(other);
                b.vtep(new RemoteVtep(
                        other,
                        TwoVteps.address(underlay),
                        underlay.localAddress().getPort()));
                floodList.add(other);
            }
        }
        b.segment(new Segment(
                        Vni.of(VNI),
                        Ipv4Prefix.parse("10.3.1.0/24"),
                        GATEWAY,
                        "r1",
                        floodList,
                        null,
                        false,
                        arpSuppression))
                .router(new Router(
                        "r1", TwoVteps.ROUTER_MAC, List.of(new Route(Ipv4Prefix.parse("10.3.1.0/24"), Vni.of(VNI)))));
        PLACEMENT.forEach((id, vtep) -> {
            b.binding(new IpBinding(Vni.of(VNI), ip(id), mac(id)));
            if (vtep.equals(self)) {
                b.port(port(id));
            } else {
                b.mac(new MacEntry(Vni.of(VNI), mac(id), vtep));
            }
        });
        return b.build();
    }

    static LocalPort port(String id) {
        return LocalPort.simulated(id, Vni.of(VNI), mac(id), ip(id), 24, GATEWAY);
    }

    static Ipv4Address ip(String id) {
        return Ipv4Address.parse(
                "10.3.1." + (10 + List.copyOf(PLACEMENT.keySet()).indexOf(id)));
    }

    static MacAddress mac(String id) {
        return MacAddress.parse(String.format(
                "02:00:0a:03:01:%02x", 10 + List.copyOf(PLACEMENT.keySet()).indexOf(id)));
    }
}
