package io.vpclab.dataplane;

import static io.vpclab.dataplane.ElasticIpTest.EIP;
import static io.vpclab.dataplane.ElasticIpTest.INTERNET_IP;
import static io.vpclab.dataplane.ElasticIpTest.INTERNET_MAC;
import static io.vpclab.dataplane.ElasticIpTest.PUBLIC_GATEWAY;
import static io.vpclab.dataplane.ElasticIpTest.PUBLIC_ROUTER_MAC;
import static io.vpclab.dataplane.ElasticIpTest.PUBLIC_VNI;
import static io.vpclab.dataplane.ElasticIpTest.RAW_IP;
import static io.vpclab.dataplane.ElasticIpTest.RAW_MAC;
import static io.vpclab.dataplane.ElasticIpTest.TIMEOUT;
import static io.vpclab.dataplane.ElasticIpTest.VM_IP;
import static io.vpclab.dataplane.ElasticIpTest.VM_MAC;
import static io.vpclab.dataplane.ElasticIpTest.VPC_GATEWAY;
import static io.vpclab.dataplane.ElasticIpTest.VPC_VNI;
import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.vpclab.dataplane.host.ProbeReply;
import io.vpclab.dataplane.host.SimulatedHost;
import io.vpclab.dataplane.packet.Ethernet;
import io.vpclab.dataplane.packet.Icmp;
import io.vpclab.dataplane.packet.IcmpType;
import io.vpclab.dataplane.packet.IpProtocol;
import io.vpclab.dataplane.packet.Ipv4;
import io.vpclab.dataplane.packet.Vxlan;
import io.vpclab.dataplane.port.InMemoryFrameDevice;
import io.vpclab.dataplane.stats.DropReason;
import io.vpclab.dataplane.table.ElasticIp;
import io.vpclab.dataplane.table.IngressPolicy;
import io.vpclab.dataplane.table.LocalPort;
import io.vpclab.dataplane.table.MacEntry;
import io.vpclab.dataplane.table.Whitelist;
import io.vpclab.dataplane.underlay.InMemoryUnderlay;
import io.vpclab.dataplane.underlay.Underlay;
import io.vpclab.net.Vni;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * ICMP errors about an instance's own flows come back through its elastic IP under a policy that
 * admits nothing new (WHITELIST with no rules), translated so the instance's stack recognises the
 * packet it quotes; an error about a flow the instance never started is dropped.
 */
class IcmpErrorsThroughElasticIpTest {

    final InMemoryUnderlay.Hub hub = new InMemoryUnderlay.Hub();
    final Underlay underlayA = hub.join(new InetSocketAddress("10.255.0.1", Vxlan.PORT));
    final Underlay underlayB = hub.join(new InetSocketAddress("10.255.0.2", Vxlan.PORT));
    final Vtep a = new Vtep(underlayA);
    final Vtep b = new Vtep(underlayB);
    final SimulatedHost vm = new SimulatedHost("vm", VM_MAC, VM_IP, 24, VPC_GATEWAY, 1450);
    final SimulatedHost internet = new SimulatedHost("internet", INTERNET_MAC, INTERNET_IP, 24, PUBLIC_GATEWAY, 1450);
    final InMemoryFrameDevice raw = new InMemoryFrameDevice("raw");

    @BeforeEach
    void start() {
        a.apply(ElasticIpTest.table(underlayA, "B", underlayB, IngressPolicy.WHITELIST)
                .port(LocalPort.simulated("vm", Vni.of(VPC_VNI), VM_MAC, VM_IP, 24, VPC_GATEWAY))
                .mac(new MacEntry(Vni.of(PUBLIC_VNI), INTERNET_MAC, "B"))
                .mac(new MacEntry(Vni.of(PUBLIC_VNI), RAW_MAC, "B"))
                .whitelist(new Whitelist("wl-none", List.of()))
                .elasticIp(new ElasticIp(EIP, Vni.of(VPC_VNI), VM_IP, IngressPolicy.WHITELIST, "wl-none"))
                .build());
        b.apply(ElasticIpTest.table(underlayB, "A", underlayA, IngressPolicy.DENY_ALL)
                .port(LocalPort.simulated(
                        "internet", Vni.of(PUBLIC_VNI), INTERNET_MAC, INTERNET_IP, 24, PUBLIC_GATEWAY))
                .port(LocalPort.simulated("raw", Vni.of(PUBLIC_VNI), RAW_MAC, RAW_IP, 24, PUBLIC_GATEWAY))
                .mac(new MacEntry(Vni.of(PUBLIC_VNI), VM_MAC, "A"))
                .build());
        a.attachPort("vm", vm);
        b.attachPort("internet", internet);
        b.attachPort("raw", raw);
    }

    @AfterEach
    void stop() {
        a.close();
        b.close();
    }

    @Test
    void aPortUnreachableFromTheInternetReachesTheInstance() throws Exception {
        ProbeReply reply = vm.udpRequest(INTERNET_IP, 9, "anyone?".getBytes(StandardCharsets.US_ASCII), TIMEOUT)
                .get(10, TimeUnit.SECONDS);

        assertThat(reply.kind()).isEqualTo(ProbeReply.Kind.UNREACHABLE);
        assertThat(reply.from()).isEqualTo(INTERNET_IP);
        assertThat(a.counters().host().totalDrops()).isZero();
        assertThat(a.whitelistCounters().get("wl-none").drops())
                .as("related, not a new flow")
                .isZero();
    }

    @Test
    void anErrorQuotingAFlowTheInstanceNeverStartedIsDropped() throws Exception {
        CompletableFuture<ProbeReply> query =
                vm.udpRequest(RAW_IP, 53, "query".getBytes(StandardCharsets.US_ASCII), TIMEOUT);
        byte[] sent = raw.take(TIMEOUT);
        assertThat(sent).as("the query left through the elastic IP").isNotNull();
        long deliveredBefore = a.counters().port("vm").packetsOut(); // the gateway's ARP reply

        byte[] forged = portUnreachableQuoting(sent);
        int quotedSourcePort =
                Ethernet.HEADER_LENGTH + Ipv4.MIN_HEADER_LENGTH + Icmp.HEADER_LENGTH + Ipv4.MIN_HEADER_LENGTH;
        forged[quotedSourcePort] ^= 0x01; // another local port: a flow that does not exist
        fixIcmpChecksum(forged);
        raw.inject(forged);
        raw.inject(portUnreachableQuoting(sent));

        assertThat(query.get(10, TimeUnit.SECONDS).kind()).isEqualTo(ProbeReply.Kind.UNREACHABLE);
        assertThat(a.counters().segment(PUBLIC_VNI).dropped(DropReason.WHITELIST_DENIED))
                .isEqualTo(1);
        assertThat(a.counters().port("vm").packetsOut())
                .as("only the genuine error")
                .isEqualTo(deliveredBefore + 1);
    }

    /** What a router at RAW_IP sends back for {@code sent}: ICMP port unreachable quoting its IPv4 header + 8 bytes. */
    static byte[] portUnreachableQuoting(byte[] sent) {
        int quoted = Ipv4.MIN_HEADER_LENGTH + Icmp.QUOTED_PAYLOAD;
        int icmpLength = Icmp.HEADER_LENGTH + quoted;
        ByteBuf frame = Unpooled.buffer(Ethernet.HEADER_LENGTH + Ipv4.MIN_HEADER_LENGTH + icmpLength);
        frame.writerIndex(frame.capacity());
        Ethernet.setDestination(frame, 0, PUBLIC_ROUTER_MAC.bits());
        Ethernet.setSource(frame, 0, RAW_MAC.bits());
        frame.setShort(12, 0x0800);
        int icmp = Ipv4.write(
                frame,
                Ethernet.HEADER_LENGTH,
                Ipv4.MIN_HEADER_LENGTH + icmpLength,
                7,
                64,
                IpProtocol.ICMP_VALUE,
                RAW_IP.bits(),
                EIP.bits());
        frame.setBytes(Icmp.quotedPacket(icmp), sent, Ethernet.HEADER_LENGTH, quoted);
        Icmp.write(frame, icmp, icmpLength, IcmpType.DESTINATION_UNREACHABLE_VALUE, Icmp.CODE_PORT_UNREACHABLE, 0);
        byte[] bytes = new byte[frame.readableBytes()];
        frame.getBytes(0, bytes);
        return bytes;
    }

    static void fixIcmpChecksum(byte[] bytes) {
        ByteBuf frame = Unpooled.wrappedBuffer(bytes);
        int icmp = Ethernet.HEADER_LENGTH + Ipv4.MIN_HEADER_LENGTH;
        Icmp.updateChecksum(frame, icmp, bytes.length - icmp);
    }
}
