package io.vpclab.dataplane.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.vpclab.dataplane.packet.EtherType;
import io.vpclab.dataplane.packet.Ethernet;
import io.vpclab.dataplane.packet.IpProtocol;
import io.vpclab.dataplane.packet.Ipv4;
import io.vpclab.dataplane.packet.Udp;
import io.vpclab.dataplane.packet.Vxlan;
import io.vpclab.dataplane.port.FrameDevice;
import io.vpclab.dataplane.stats.DropReason;
import io.vpclab.dataplane.table.TableRoute;
import io.vpclab.net.Ipv4Address;
import io.vpclab.net.Ipv4Prefix;
import io.vpclab.net.MacAddress;
import io.vpclab.net.Vni;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Route selection with route tables: a source segment's table routes (appliance, blackhole) and
 * the VPC router's routes compete by longest prefix, the table winning at equal length, and only
 * for packets routed from that segment (its subnet's association).
 */
class TableRouteTest {

    private static final Vni WEB = Vni.of(100);
    private static final Vni APP = Vni.of(0xFFFFFF);
    private static final Ipv4Address APPLIANCE = Ipv4Address.parse("10.0.2.6");

    private PipelineFixture fixture;

    @AfterEach
    void release() {
        if (fixture != null) {
            fixture.assertEverythingReleased();
        }
    }

    @Test
    void aBlackholeRouteDropsWhatItMatchesAndCountsIt() {
        fixture = new PipelineFixture(List.of(TableRoute.blackhole(WEB, Ipv4Prefix.parse("0.0.0.0/0"))));

        fixture.pipeline.fromPort(fixture.attachment, fromWeb("8.8.8.8"));

        assertThat(fixture.sent).isEmpty();
        var counters = fixture.pipeline.counters();
        assertThat(counters.port("p1").dropped(DropReason.BLACKHOLE_ROUTE)).isEqualTo(1);
        assertThat(counters.host().dropped(DropReason.BLACKHOLE_ROUTE)).isEqualTo(1);
        assertThat(counters.host().dropped(DropReason.NO_ROUTE)).isZero();

        // the router's /24 to the app subnet is longer than the /0: still routed
        fixture.pipeline.fromPort(fixture.attachment, fromWeb("10.0.2.6"));
        assertThat(fixture.sent).hasSize(1);
        assertThat(Vxlan.vni(fixture.sent.get(0), fixture.sent.get(0).readerIndex()))
                .isEqualTo(APP.value());
    }

    @Test
    void anApplianceRouteSendsThePacketToTheAppliancesMacWithItsDestinationUnchanged() {
        fixture = new PipelineFixture(List.of(new TableRoute(WEB, Ipv4Prefix.parse("0.0.0.0/0"), APP, APPLIANCE)));

        fixture.pipeline.fromPort(fixture.attachment, fromWeb("198.51.100.10"));

        assertThat(fixture.sent).hasSize(1);
        ByteBuf datagram = fixture.sent.get(0);
        int inner = datagram.readerIndex() + Vxlan.HEADER_LENGTH;
        int ip = inner + Ethernet.HEADER_LENGTH;
        assertThat(Vxlan.vni(datagram, datagram.readerIndex())).isEqualTo(APP.value());
        assertThat(Ethernet.destination(datagram, inner)).isEqualTo(PipelineFixture.REMOTE_MAC_2.bits());
        assertThat(Ethernet.source(datagram, inner)).isEqualTo(PipelineFixture.ROUTER_MAC.bits());
        assertThat(Ipv4.destination(datagram, ip)).isEqualTo(Ipv4Address.parseBits("198.51.100.10"));
        assertThat(Ipv4.ttl(datagram, ip)).isEqualTo(63);
        assertThat(Ipv4.verifyChecksum(datagram, ip)).isTrue();
    }

    @Test
    void atEqualLengthTheTableRouteWinsAndALongerRouterRouteBeatsAShorterTableRoute() {
        fixture = new PipelineFixture(List.of(
                TableRoute.blackhole(WEB, Ipv4Prefix.parse("10.0.2.0/24")),
                TableRoute.blackhole(WEB, Ipv4Prefix.parse("10.0.0.0/16"))));

        fixture.pipeline.fromPort(fixture.attachment, fromWeb("10.0.2.6"));
        assertThat(fixture.sent).isEmpty();
        assertThat(fixture.pipeline.counters().port("p1").dropped(DropReason.BLACKHOLE_ROUTE))
                .isEqualTo(1);
    }

    @Test
    void aLongerTableRouteBeatsTheRoutersShorterOne() {
        fixture = new PipelineFixture(List.of(
                TableRoute.blackhole(WEB, Ipv4Prefix.parse("10.0.0.0/16")),
                new TableRoute(WEB, Ipv4Prefix.parse("10.0.2.99/32"), APP, APPLIANCE)));

        fixture.pipeline.fromPort(fixture.attachment, fromWeb("10.0.2.6"));
        assertThat(fixture.sent).as("router /24 beats table /16").hasSize(1);
        fixture.pipeline.fromPort(fixture.attachment, fromWeb("10.0.2.99"));
        assertThat(fixture.sent).as("table /32 beats router /24").hasSize(2);
        ByteBuf toAppliance = fixture.sent.get(1);
        int inner = toAppliance.readerIndex() + Vxlan.HEADER_LENGTH;
        assertThat(Ethernet.destination(toAppliance, inner)).isEqualTo(PipelineFixture.REMOTE_MAC_2.bits());
        assertThat(Ipv4.destination(toAppliance, inner + Ethernet.HEADER_LENGTH))
                .isEqualTo(Ipv4Address.parseBits("10.0.2.99"));
        assertThat(fixture.pipeline.counters().port("p1").dropped(DropReason.BLACKHOLE_ROUTE))
                .isZero();
    }

    @Test
    void aSegmentsTableRoutesServeOnlyPacketsRoutedFromIt() {
        fixture = new PipelineFixture(List.of(TableRoute.blackhole(WEB, Ipv4Prefix.parse("0.0.0.0/0"))));

        fixture.pipeline.fromPort(
                fixture.attachment2,
                frame(PipelineFixture.LOCAL_MAC_2, "10.0.2.5", PipelineFixture.ROUTER_MAC.bits(), "8.8.8.8"));

        var counters = fixture.pipeline.counters();
        assertThat(counters.port("p2").dropped(DropReason.NO_ROUTE)).isEqualTo(1);
        assertThat(counters.host().dropped(DropReason.BLACKHOLE_ROUTE)).isZero();
    }

    /**
     * The local port p2 (10.0.2.5) is the next hop of web's default route: an appliance, which
     * forwards web's packets with their sources. Any other port sending a foreign source is spoofing.
     */
    @Test
    void anAppliancesPortSendsPacketsOfOtherSourcesAndOtherPortsStillCannot() {
        fixture = new PipelineFixture(
                List.of(new TableRoute(WEB, Ipv4Prefix.parse("0.0.0.0/0"), APP, Ipv4Address.parse("10.0.2.5"))));

        fixture.pipeline.fromPort(fixture.attachment2, forwardedByP2());
        fixture.pipeline.fromPort(
                fixture.attachment,
                frame(PipelineFixture.LOCAL_MAC, "10.0.2.77", PipelineFixture.ROUTER_MAC.bits(), "10.0.2.6"));

        assertThat(fixture.sent).as("routed to web's 10.0.1.6 with its source").hasSize(1);
        int ip = fixture.sent.get(0).readerIndex() + Vxlan.HEADER_LENGTH + Ethernet.HEADER_LENGTH;
        assertThat(Ipv4.source(fixture.sent.get(0), ip)).isEqualTo(Ipv4Address.parseBits("10.0.1.77"));
        var counters = fixture.pipeline.counters();
        assertThat(counters.port("p2").dropped(DropReason.SPOOFED_SOURCE)).isZero();
        assertThat(counters.port("p1").dropped(DropReason.SPOOFED_SOURCE)).isEqualTo(1);
        fixture.assertEverythingReleased();

        // without the route p2 is an ordinary instance again
        fixture = new PipelineFixture(List.of());
        fixture.pipeline.fromPort(fixture.attachment2, forwardedByP2());
        assertThat(fixture.sent).isEmpty();
        assertThat(fixture.pipeline.counters().port("p2").dropped(DropReason.SPOOFED_SOURCE))
                .isEqualTo(1);
    }

    @Test
    void anApplianceRouteNeedsBothSegmentAndNextHop() {
        assertThatThrownBy(() -> new TableRoute(WEB, Ipv4Prefix.parse("0.0.0.0/0"), APP, null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("vni and nextHop go together");
        assertThat(TableRoute.blackhole(WEB, Ipv4Prefix.parse("0.0.0.0/0")).isBlackhole())
                .isTrue();
    }

    /** A packet of web's 10.0.1.77 that p2 (10.0.2.5) forwards to 10.0.1.6. */
    private static ByteBuf forwardedByP2() {
        return frame(PipelineFixture.LOCAL_MAC_2, "10.0.1.77", PipelineFixture.ROUTER_MAC.bits(), "10.0.1.6");
    }

    private static ByteBuf fromWeb(String destination) {
        return frame(PipelineFixture.LOCAL_MAC, "10.0.1.5", PipelineFixture.ROUTER_MAC.bits(), destination);
    }

    private static ByteBuf frame(MacAddress sourceMac, String source, long destinationMac, String destination) {
        int ipLength = 64;
        ByteBuf frame = ByteBufAllocator.DEFAULT.directBuffer(FrameDevice.HEADROOM + Ethernet.HEADER_LENGTH + ipLength);
        frame.writerIndex(FrameDevice.HEADROOM + Ethernet.HEADER_LENGTH + ipLength)
                .readerIndex(FrameDevice.HEADROOM);
        int at = Ethernet.write(frame, FrameDevice.HEADROOM, destinationMac, sourceMac.bits(), EtherType.IPV4_VALUE);
        at = Ipv4.write(
                frame,
                at,
                ipLength,
                1,
                64,
                IpProtocol.UDP_VALUE,
                Ipv4Address.parseBits(source),
                Ipv4Address.parseBits(destination));
        Udp.write(frame, at, 40000, 5001, ipLength - Ipv4.MIN_HEADER_LENGTH);
        return frame;
    }
}
