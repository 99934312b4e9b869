package io.vpclab.dataplane.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.vpclab.dataplane.packet.EtherType;
import io.vpclab.dataplane.packet.Ethernet;
import io.vpclab.dataplane.packet.Vxlan;
import io.vpclab.dataplane.port.InMemoryFrameDevice;
import io.vpclab.dataplane.stats.DropReason;
import io.vpclab.dataplane.table.ForwardingState;
import io.vpclab.dataplane.table.LocalPort;
import io.vpclab.dataplane.table.MacEntry;
import io.vpclab.dataplane.table.RemoteVtep;
import io.vpclab.dataplane.table.Route;
import io.vpclab.dataplane.table.Router;
import io.vpclab.dataplane.table.Segment;
import io.vpclab.dataplane.table.TableHost;
import io.vpclab.dataplane.underlay.SendOnlyUnderlay;
import io.vpclab.net.Ipv4Address;
import io.vpclab.net.Ipv4Prefix;
import io.vpclab.net.MacAddress;
import io.vpclab.net.Vni;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Anti-spoofing at the underlay: a VTEP speaks only for the MACs the table places behind its IP
 * on that VNI, and for routers (whose MAC routed frames carry from any host). Everything else,
 * group and zero source MACs included, is dropped as VTEP_SPOOFED_SOURCE. A VTEP the table names
 * no MAC behind (a flood-only peer such as a learning Linux vxlan device) is only refused group
 * and zero sources.
 */
class VtepSpoofingTest {

    private static final MacAddress LOCAL = MacAddress.parse("02:00:0a:00:01:05");
    private static final MacAddress OF_B = MacAddress.parse("02:00:0a:00:01:0b");
    private static final MacAddress OF_B_ELSEWHERE = MacAddress.parse("02:00:0a:00:02:0b");
    private static final MacAddress OF_C = MacAddress.parse("02:00:0a:00:01:0c");
    private static final MacAddress OF_D = MacAddress.parse("02:00:0a:00:01:0d");
    private static final MacAddress ROUTER = MacAddress.parse("02:00:00:00:00:fe");
    private static final MacAddress PEER_ROUTER = MacAddress.parse("02:00:00:00:00:fd");
    private static final MacAddress UNKNOWN = MacAddress.parse("02:00:0a:00:01:99");

    private final InMemoryFrameDevice port = new InMemoryFrameDevice("p1");
    private final Pipeline pipeline;

    VtepSpoofingTest() {
        ForwardingState state = ForwardingState.builder()
                .host(new TableHost(Ipv4Address.parse("10.255.0.1"), 4789, 1500))
                .vtep(new RemoteVtep("b", Ipv4Address.parse("10.255.0.2"), 4789))
                // a second agent on b's machine: same IP, another port
                .vtep(new RemoteVtep("d", Ipv4Address.parse("10.255.0.2"), 4790))
                .vtep(new RemoteVtep("c", Ipv4Address.parse("10.255.0.3"), 4789))
                .vtep(new RemoteVtep("flood-only", Ipv4Address.parse("10.255.0.5"), 4789))
                .segment(new Segment(
                        Vni.of(100),
                        Ipv4Prefix.parse("10.0.1.0/24"),
                        Ipv4Address.parse("10.0.1.1"),
                        "r",
                        List.of("b", "c", "d", "flood-only"),
                        null))
                .segment(new Segment(Vni.of(200), Ipv4Prefix.parse("10.0.2.0/24"), null, null, List.of("b"), null))
                .port(LocalPort.simulated(
                        "p1", Vni.of(100), LOCAL, Ipv4Address.parse("10.0.1.5"), 24, Ipv4Address.parse("10.0.1.1")))
                .mac(new MacEntry(Vni.of(100), OF_B, "b"))
                .mac(new MacEntry(Vni.of(100), OF_C, "c"))
                .mac(new MacEntry(Vni.of(100), OF_D, "d"))
                .mac(new MacEntry(Vni.of(200), OF_B_ELSEWHERE, "b"))
                .router(new Router("r", ROUTER, List.of(new Route(Ipv4Prefix.parse("10.0.1.0/24"), Vni.of(100)))))
                .router(new Router("peer", PEER_ROUTER, List.of()))
                .build();
        InetSocketAddress local = new InetSocketAddress("10.255.0.1", 4789);
        pipeline = new Pipeline(new SendOnlyUnderlay(local, ByteBuf::release), local, state);
        pipeline.attach("p1", port);
    }

    @AfterEach
    void close() {
        port.close();
    }

    @ParameterizedTest(name = "{0} from {1}: delivered={2}")
    @CsvSource({
        "02:00:0a:00:01:0b, 10.255.0.2, true", // b's own instance
        "02:00:0a:00:01:0d, 10.255.0.2, true", // behind d, which shares b's IP (agents on one machine)
        "02:00:00:00:00:fe, 10.255.0.2, true", // routed by the VPC's router at b
        "02:00:00:00:00:fd, 10.255.0.3, true", // routed by a peer VPC's router, named without routes
        "02:00:0a:00:01:0c, 10.255.0.2, false", // c's instance, claimed by b
        "02:00:0a:00:01:0b, 10.255.0.3, false", // b's instance, claimed by c
        "02:00:0a:00:02:0b, 10.255.0.2, false", // b holds it, but on vni 200
        "02:00:0a:00:01:05, 10.255.0.2, false", // this host's own port
        "02:00:0a:00:01:99, 10.255.0.2, false", // nobody's
        "ff:ff:ff:ff:ff:ff, 10.255.0.2, false", // broadcast
        "01:00:5e:00:00:01, 10.255.0.2, false", // multicast
        "00:00:00:00:00:00, 10.255.0.2, false", // zero
        "02:00:0a:00:01:99, 10.255.0.5, true", // a flood-only peer: the table names none of its MACs
        "ff:ff:ff:ff:ff:ff, 10.255.0.5, false", // ... but never a group source
    })
    void aVtepSpeaksOnlyForItsOwnMacsAndRouters(String source, String vtep, boolean delivered) throws Exception {
        pipeline.fromUnderlay(datagram(100, MacAddress.parse(source).bits()), new InetSocketAddress(vtep, 4789));

        var counters = pipeline.counters();
        if (delivered) {
            assertThat(port.take(Duration.ofSeconds(1))).isNotNull();
            assertThat(counters.host().totalDrops()).isZero();
        } else {
            assertThat(port.pending()).isZero();
            assertThat(counters.host().dropped(DropReason.VTEP_SPOOFED_SOURCE)).isEqualTo(1);
            assertThat(counters.segment(100).dropped(DropReason.VTEP_SPOOFED_SOURCE))
                    .isEqualTo(1);
            assertThat(counters.host().totalDrops()).isEqualTo(1);
        }
    }

    /** A broadcast frame (so delivery needs no MAC of p1) on {@code vni} from {@code source}. */
    private static ByteBuf datagram(int vni, long source) {
        int length = Vxlan.HEADER_LENGTH + Ethernet.HEADER_LENGTH + 46;
        ByteBuf datagram = ByteBufAllocator.DEFAULT.directBuffer(length).writeZero(length);
        Vxlan.write(datagram, 0, vni);
        Ethernet.write(datagram, Vxlan.HEADER_LENGTH, MacAddress.BROADCAST.bits(), source, EtherType.IPV4_VALUE);
        return datagram;
    }
}
