package io.vpclab.dataplane.pipeline;

import static io.vpclab.dataplane.pipeline.NatGatewayTable.PRIVATE_VNI;
import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.vpclab.dataplane.packet.EtherType;
import io.vpclab.dataplane.packet.Ethernet;
import io.vpclab.dataplane.packet.Ipv4;
import io.vpclab.dataplane.packet.Vxlan;
import io.vpclab.dataplane.stats.NatGatewaySnapshot;
import io.vpclab.dataplane.table.ForwardingState;
import io.vpclab.dataplane.table.IpBinding;
import io.vpclab.dataplane.table.MacEntry;
import io.vpclab.dataplane.underlay.SendOnlyUnderlay;
import io.vpclab.net.Ipv4Address;
import io.vpclab.net.MacAddress;
import io.vpclab.net.Vni;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Arbitrary IPv4 packets at both sides of a NAT gateway, arriving over VXLAN as from the
 * instances' host: to the gateway's port (private side; the first input byte picks the side)
 * and to its public address on the provider segment. Nothing throws, nothing leaks, and each
 * packet is either sent on or counted as a drop. Sessions a packet opens stay (the clock moves
 * one second per input), so replies in later inputs may match them.
 */
class NatGatewayFuzzTest {

    static final int PUBLIC_VNI = 0xFFFFFF;
    static final int NAT_PUBLIC = NatGatewayTable.NAT_PUBLIC.bits();
    static final int INSTANCE = Ipv4Address.parseBits("10.0.2.5");

    static final AtomicLong CLOCK = new AtomicLong();
    static final List<ByteBuf> SENT = new ArrayList<>();
    static final Pipeline PIPELINE = new Pipeline(
            new SendOnlyUnderlay(NatGatewayTable.LOCAL, SENT::add), NatGatewayTable.LOCAL, table(), CLOCK::get, 256);

    /** Eight public ports, so sessions run out; one internet host and one instance, all behind VTEP "a". */
    static ForwardingState table() {
        MacAddress internet = MacAddress.parse("02:00:c6:33:64:0a");
        MacAddress instance = MacAddress.parse("02:00:0a:00:02:05");
        return NatGatewayTable.hostTable(PUBLIC_VNI, "a", 1024, 1031, 30)
                .binding(new IpBinding(Vni.of(PUBLIC_VNI), Ipv4Address.parse("198.51.100.10"), internet))
                .mac(new MacEntry(Vni.of(PUBLIC_VNI), internet, "a"))
                .binding(new IpBinding(Vni.of(PRIVATE_VNI), new Ipv4Address(INSTANCE), instance))
                .mac(new MacEntry(Vni.of(PRIVATE_VNI), instance, "a"))
                .build();
    }

    @FuzzTest(maxDuration = "10s")
    void packetsAtEitherSideAreTranslatedOrCountedAsDrops(byte[] data) {
        boolean publicSide = data.length > 0 && (data[data.length - 1] & 1) == 1;
        int length = Vxlan.HEADER_LENGTH + Ethernet.HEADER_LENGTH + data.length;
        ByteBuf datagram = ByteBufAllocator.DEFAULT.directBuffer(length);
        Vxlan.write(datagram.writerIndex(length), 0, publicSide ? PUBLIC_VNI : NatGatewayTable.NAT_VNI);
        Ethernet.write(
                datagram,
                Vxlan.HEADER_LENGTH,
                NatGatewayTable.NAT_MAC.bits(),
                NatGatewayTable.VPC_ROUTER_MAC.bits(),
                EtherType.IPV4_VALUE);
        int ip = Vxlan.HEADER_LENGTH + Ethernet.HEADER_LENGTH;
        datagram.setBytes(ip, data);
        if (data.length >= Ipv4.MIN_HEADER_LENGTH) {
            // steer most inputs past the address checks: the gateway's public address, or an associated source
            if (publicSide) {
                datagram.setInt(ip + 16, NAT_PUBLIC);
            } else if ((data[1] & 1) == 0) {
                datagram.setInt(ip + 12, INSTANCE);
            }
            int headerLength = (data[0] & 0x0F) * 4;
            if ((data[0] >> 4) == 4 && headerLength >= Ipv4.MIN_HEADER_LENGTH && headerLength <= data.length) {
                Ipv4.updateChecksum(datagram, ip);
            }
        }
        CLOCK.addAndGet(1_000_000_000L);
        long sentBefore = SENT.size();
        long dropsBefore = PIPELINE.counters().host().totalDrops();

        PIPELINE.fromUnderlay(datagram, NatGatewayTable.INSTANCES);

        long forwarded = SENT.size() - sentBefore;
        long dropped = PIPELINE.counters().host().totalDrops() - dropsBefore;
        assertThat(forwarded + dropped).isEqualTo(1);
        assertThat(datagram.refCnt()).isEqualTo(forwarded); // only a forwarded datagram is still held, by the underlay
        SENT.forEach(ByteBuf::release);
        SENT.clear();
        NatGatewaySnapshot figures = PIPELINE.natGateways(10).get(0);
        assertThat(figures.activeSessions()).isBetween(0L, 256L);
        assertThat(figures.sessions().size()).isLessThanOrEqualTo(10);
    }
}
