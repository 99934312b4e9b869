package io.vpclab.dataplane.table;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vpclab.net.Ipv4Address;
import io.vpclab.net.Ipv4Prefix;
import io.vpclab.net.MacAddress;
import io.vpclab.net.Vni;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

class ForwardingStateTest {

    static final Vni VNI = Vni.of(0x800000);
    static final MacAddress LOCAL_MAC = MacAddress.parse("02:00:00:00:00:01");
    static final MacAddress REMOTE_MAC = MacAddress.parse("02:00:00:00:00:02");

    static ForwardingState.Builder valid() {
        return ForwardingState.builder()
                .generation(7)
                .host(new TableHost(Ipv4Address.parse("192.168.77.1"), 4789, 1500))
                .vtep(new RemoteVtep("b", Ipv4Address.parse("192.168.77.2"), 4789))
                .vtep(new RemoteVtep("c", Ipv4Address.parse("192.168.200.3"), 8472))
                .segment(new Segment(
                        VNI,
                        Ipv4Prefix.parse("10.0.1.0/24"),
                        Ipv4Address.parse("10.0.1.1"),
                        "r",
                        List.of("b", "c"),
                        42))
                .segment(new Segment(
                        Vni.of(2),
                        Ipv4Prefix.parse("10.0.2.0/24"),
                        Ipv4Address.parse("10.0.2.1"),
                        "r",
                        List.of(),
                        null))
                .port(LocalPort.simulated(
                        "p1", VNI, LOCAL_MAC, Ipv4Address.parse("10.0.1.5"), 24, Ipv4Address.parse("10.0.1.1")))
                .mac(new MacEntry(VNI, REMOTE_MAC, "c"))
                .binding(new IpBinding(VNI, Ipv4Address.parse("10.0.1.6"), REMOTE_MAC))
                .router(new Router(
                        "r",
                        MacAddress.parse("02:00:00:00:00:fe"),
                        List.of(
                                new Route(Ipv4Prefix.parse("10.0.0.0/16"), Vni.of(2)),
                                new Route(Ipv4Prefix.parse("10.0.1.0/24"), VNI))));
    }

    @Test
    void compilesLookupsByPrimitiveKeys() {
        ForwardingState state = valid().build();

        assertThat(state.generation()).isEqualTo(7);
        assertThat(state.maxInnerFrameLength()).isEqualTo(1500 - 50 + 14);
        int segment = state.segmentIndexOf(0x800000);
        assertThat(state.segmentVni(segment)).isEqualTo(0x800000);
        assertThat(state.segmentIndexOf(3)).isEqualTo(ForwardingState.NONE);
        assertThat(state.vtepIndexOf(Ipv4Address.parseBits("192.168.200.3"))).isEqualTo(1); // high-bit address
        assertThat(state.vtepAddress(1).getPort()).isEqualTo(8472);
        assertThat(state.vtepIndexOf(Ipv4Address.parseBits("192.168.77.9"))).isEqualTo(ForwardingState.NONE);
        int local = state.macEntry(segment, LOCAL_MAC.bits());
        assertThat(ForwardingState.isLocalPortEntry(local)).isTrue();
        assertThat(ForwardingState.entryIndex(local)).isEqualTo(state.portIndexOf("p1"));
        int remote = state.macEntry(segment, REMOTE_MAC.bits());
        assertThat(ForwardingState.isLocalPortEntry(remote)).isFalse();
        assertThat(ForwardingState.entryIndex(remote)).isEqualTo(1);
        assertThat(state.bindingMac(segment, Ipv4Address.parseBits("10.0.1.6"))).isEqualTo(REMOTE_MAC.bits());
        assertThat(state.bindingMac(segment, Ipv4Address.parseBits("10.0.1.5")))
                .as("implicit for a local port")
                .isEqualTo(LOCAL_MAC.bits());
        assertThat(state.bindingMac(segment, Ipv4Address.parseBits("10.0.1.7"))).isEqualTo(ForwardingState.NO_MAC);
        assertThat(state.floodCount(segment)).isEqualTo(2);
        assertThat(state.localPortCount(segment)).isEqualTo(1);
    }

    @Test
    void routesMatchTheLongestPrefixFirst() {
        ForwardingState state = valid().build();
        int router = state.segmentRouter(state.segmentIndexOf(0x800000));

        assertThat(state.route(router, Ipv4Address.parseBits("10.0.1.9"))).isEqualTo(state.segmentIndexOf(0x800000));
        assertThat(state.route(router, Ipv4Address.parseBits("10.0.7.9"))).isEqualTo(state.segmentIndexOf(2));
        assertThat(state.route(router, Ipv4Address.parseBits("10.1.0.1"))).isEqualTo(ForwardingState.NONE);
        assertThat(state.gatewaySegment(router, Ipv4Address.parseBits("10.0.2.1")))
                .isEqualTo(state.segmentIndexOf(2));
        assertThat(state.gatewaySegment(router, Ipv4Address.parseBits("10.0.2.2")))
                .isEqualTo(ForwardingState.NONE);
    }

    /**
     * The table rules live in the agent's TableValidator (see its test); the builder only
     * refuses a reference it cannot resolve, so unchecked input never indexes out of range.
     */
    @Test
    void refusesAReferenceThatDoesNotResolveAndNamesTheEntry() {
        expectRefused(
                b -> b.mac(new MacEntry(VNI, MacAddress.parse("02:00:00:00:00:09"), "zz")),
                "mac 02:00:00:00:00:09 on vni 8388608: vtep zz is not in this table (build only validated tables)");
        expectRefused(
                b -> b.port(
                        LocalPort.simulated("p2", Vni.of(9), MacAddress.parse("02:00:00:00:00:09"), null, 24, null)),
                "port p2: vni 9 is not in this table (build only validated tables)");
        expectRefused(
                b -> b.binding(new IpBinding(Vni.of(9), Ipv4Address.parse("10.0.9.6"), LOCAL_MAC)),
                "binding 10.0.9.6: vni 9 is not in this table (build only validated tables)");
        expectRefused(
                b -> b.segment(Segment.l2(Vni.of(5), List.of("nope"))),
                "segment 5: floodList vtep nope is not in this table (build only validated tables)");
        expectRefused(
                b -> b.segment(new Segment(Vni.of(5), null, Ipv4Address.parse("10.0.5.1"), "nope", List.of(), null)),
                "segment 5: router nope is not in this table (build only validated tables)");
        expectRefused(
                b -> b.router(new Router(
                        "r2",
                        MacAddress.parse("02:00:00:00:00:fd"),
                        List.of(new Route(Ipv4Prefix.parse("10.9.0.0/16"), Vni.of(77))))),
                "router r2: route vni 77 is not in this table (build only validated tables)");
        expectRefused(b -> b.host(null), "host is required");
    }

    @Test
    void entriesValidateThemselves() {
        assertThatThrownBy(() -> new TableHost(Ipv4Address.parse("1.2.3.4"), 0, 1500))
                .hasMessage("host.udpPort must be 1..65535: 0");
        assertThatThrownBy(() -> new TableHost(Ipv4Address.parse("1.2.3.4"), 4789, 1279))
                .hasMessage("host.underlayMtu must be 1280..65535: 1279");
        assertThatThrownBy(() -> new MacEntry(VNI, MacAddress.BROADCAST, "b")).hasMessageContaining("group address");
        assertThatThrownBy(() -> LocalPort.simulated("p", VNI, MacAddress.parse("01:00:5e:00:00:01"), null, 24, null))
                .hasMessageContaining("port p: mac 01:00:5e:00:00:01 is a group address");
        assertThatThrownBy(() -> new Segment(VNI, null, null, null, List.of(), 4095))
                .hasMessage("segment 8388608: vlanId must be 1..4094: 4095");
        assertThatThrownBy(() -> new Segment(
                        VNI, Ipv4Prefix.parse("10.0.1.0/24"), Ipv4Address.parse("10.0.2.1"), "r", List.of(), null))
                .hasMessage("segment 8388608: gatewayIp 10.0.2.1 is outside 10.0.1.0/24");
        assertThatThrownBy(() -> PortKind.parse("vm"))
                .hasMessage("port kind must be simulated, netns, tap, nat-gateway or vpn-gateway: vm");
        assertThat(PortKind.parse("NetNS")).isEqualTo(PortKind.NETNS);
        assertThatThrownBy(() -> ForwardingState.builder().generation(-1)).hasMessage("generation must be >= 0: -1");
    }

    /** Agents on one machine (the in-JVM demo, tests) share an IP and differ by UDP port. */
    @Test
    void vtepsOnOneMachineDifferByPort() {
        ForwardingState state = valid().vtep(new RemoteVtep("same-ip", Ipv4Address.parse("192.168.77.2"), 4790))
                .vtep(new RemoteVtep("own-ip", Ipv4Address.parse("192.168.77.1"), 4791))
                .build();

        assertThat(state.vteps()).hasSize(4);
        assertThat(state.vtepAddress(2).getPort()).isEqualTo(4790);
        assertThat(state.vtepIndexOf(Ipv4Address.parseBits("192.168.77.1"))).isEqualTo(3);
        assertThat(state.vtepIndexOf(Ipv4Address.parseBits("192.168.77.2"))).isEqualTo(0);
    }

    /** The point-to-point shape (one flood VTEP, no MAC behind it) is no learning peer unless declared. */
    @Test
    void aSegmentWhoseOneFloodVtepHoldsNoMacIsNoLearningPeerUnlessDeclared() {
        Vni vni = Vni.of(3);
        ForwardingState state = valid().vtep(new RemoteVtep("peer", Ipv4Address.parse("192.168.77.9"), 4789))
                .segment(Segment.l2(vni, List.of("peer")))
                .port(LocalPort.simulated(
                        "p3", vni, MacAddress.parse("02:00:00:00:00:31"), Ipv4Address.parse("10.0.3.5"), 24, null))
                .build();

        assertThat(state.learningPeer(state.segmentIndexOf(3), state.portIndexOf("p3")))
                .isEqualTo(ForwardingState.NONE);
    }

    @Test
    void aDeclaredLearningPeerTakesUnknownUnicastAndAnyMac() {
        Vni vni = Vni.of(3);
        ForwardingState state = valid().vtep(new RemoteVtep("peer", Ipv4Address.parse("192.168.77.9"), 4789))
                .segment(Segment.toLearningPeer(vni, "peer"))
                .port(LocalPort.simulated(
                        "p3", vni, MacAddress.parse("02:00:00:00:00:31"), Ipv4Address.parse("10.0.3.5"), 24, null))
                .build();
        int segment = state.segmentIndexOf(3);
        int peer = state.vtepIndexOf(Ipv4Address.parseBits("192.168.77.9"));

        assertThat(state.learningPeer(segment, state.portIndexOf("p3"))).isEqualTo(2);
        assertThat(state.maySendFrom(
                        peer, segment, MacAddress.parse("02:00:00:00:00:77").bits()))
                .isTrue();
    }

    @Test
    void aLearningPeerIsTheOnlyFloodVtepBesideOnePortAndNoListedMac() {
        Vni vni = Vni.of(3);
        MacAddress mac = MacAddress.parse("02:00:00:00:00:31");
        assertThatThrownBy(() -> new Segment(vni, null, null, null, List.of("a", "b"), null, true))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("the one VTEP of the flood list");
        expectRefused(
                b -> b.vtep(new RemoteVtep("peer", Ipv4Address.parse("192.168.77.9"), 4789))
                        .segment(Segment.toLearningPeer(vni, "peer"))
                        .mac(new MacEntry(vni, mac, "peer")),
                "segment 3: a learning peer's MACs are learned, not listed");
        expectRefused(
                b -> b.vtep(new RemoteVtep("peer", Ipv4Address.parse("192.168.77.9"), 4789))
                        .segment(Segment.toLearningPeer(vni, "peer"))
                        .port(LocalPort.simulated("p3", vni, mac, null, 0, null))
                        .port(LocalPort.simulated("p4", vni, MacAddress.parse("02:00:00:00:00:41"), null, 0, null)),
                "segment 3: a segment with a learning peer has at most one local port");
    }

    private static void expectRefused(UnaryOperator<ForwardingState.Builder> change, String message) {
        ForwardingState.Builder builder = change.apply(valid());
        assertThatThrownBy(builder::build)
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(message);
    }
}
