package io.vpclab.dataplane.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.EventLoop;
import io.vpclab.dataplane.offload.TestFrames;
import io.vpclab.dataplane.packet.Vxlan;
import io.vpclab.dataplane.port.FrameDevice;
import io.vpclab.dataplane.port.FrameSink;
import io.vpclab.dataplane.table.ElasticIp;
import io.vpclab.dataplane.table.ForwardingState;
import io.vpclab.dataplane.table.IngressPolicy;
import io.vpclab.dataplane.table.IpBinding;
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
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Single frames (no burst) whose TCP or UDP checksum a kernel sender with checksum offload left
 * partial (the field holds the folded pseudo-header sum) cross an elastic IP and a NAT gateway
 * both ways. The rewrite must keep the checksum partial for the new addresses and ports, as for
 * a burst: completed afterwards as the receiving kernel completes it
 * ({@link TestFrames#finishPartialChecksum}, independent of the product's {@code Checksums}), every
 * frame verifies.
 */
class PartialChecksumNatTest {

    private static final int PUBLIC_VNI = 0xFFFFFF;
    private static final InetSocketAddress HERE = new InetSocketAddress("10.255.0.1", 4789);
    private static final InetSocketAddress PEER = new InetSocketAddress("10.255.0.2", 4789);
    private static final MacAddress VM_MAC = MacAddress.parse("02:00:0a:00:01:05");
    private static final Ipv4Address VM_IP = Ipv4Address.parse("10.0.1.5");
    private static final MacAddress VPC_ROUTER_MAC = MacAddress.parse("02:00:00:00:00:fe");
    private static final MacAddress PUBLIC_ROUTER_MAC = MacAddress.parse("02:00:00:00:01:fe");
    private static final MacAddress INTERNET_MAC = MacAddress.parse("02:00:c6:33:64:0a");
    private static final Ipv4Address INTERNET_IP = Ipv4Address.parse("198.51.100.10");
    private static final Ipv4Address EIP = Ipv4Address.parse("203.0.113.10");

    private final List<ByteBuf> sent = new ArrayList<>();
    private final List<ByteBuf> delivered = new ArrayList<>();

    @AfterEach
    void release() {
        sent.forEach(ByteBuf::release);
        delivered.forEach(ByteBuf::release);
    }

    @Test
    void aPartialTcpChecksumStaysRightThroughAnElasticIpBothWays() {
        Pipeline pipeline = elasticIpPipeline();
        Pipeline.Attachment vm = pipeline.attach("vm", new Collecting("vm"));

        byte[] out = send(pipeline, vm, tcp(VM_MAC, VPC_ROUTER_MAC, VM_IP, INTERNET_IP));
        assertThat(sourceIp(out)).isEqualTo(EIP.bits());
        assertVerifiesOnceCompleted(out);

        byte[] in =
                receive(pipeline, PUBLIC_VNI, tcp(INTERNET_MAC, PUBLIC_ROUTER_MAC, INTERNET_IP, EIP), delivered, PEER);
        assertThat(destinationIp(in)).isEqualTo(VM_IP.bits());
        assertVerifiesOnceCompleted(in);
    }

    @Test
    void aPartialUdpChecksumStaysRightThroughAnElasticIpBothWays() {
        Pipeline pipeline = elasticIpPipeline();
        Pipeline.Attachment vm = pipeline.attach("vm", new Collecting("vm"));

        byte[] out = send(pipeline, vm, udp(VM_MAC, VPC_ROUTER_MAC, VM_IP, INTERNET_IP));
        assertThat(sourceIp(out)).isEqualTo(EIP.bits());
        assertVerifiesOnceCompleted(out);

        byte[] in =
                receive(pipeline, PUBLIC_VNI, udp(INTERNET_MAC, PUBLIC_ROUTER_MAC, INTERNET_IP, EIP), delivered, PEER);
        assertThat(destinationIp(in)).isEqualTo(VM_IP.bits());
        assertVerifiesOnceCompleted(in);
    }

    @Test
    void aPartialTcpChecksumStaysRightThroughANatGatewayBothWays() {
        natGatewayBothWays(true);
    }

    @Test
    void aPartialUdpChecksumStaysRightThroughANatGatewayBothWays() {
        natGatewayBothWays(false);
    }

    /** The NAT gateway of {@link NatGatewayFuzzTest#table}, held here; its instance 10.0.2.5 on the peer. */
    private void natGatewayBothWays(boolean tcp) {
        Pipeline pipeline = new Pipeline(
                new SendOnlyUnderlay(NatGatewayTable.LOCAL, sent::add),
                NatGatewayTable.LOCAL,
                NatGatewayFuzzTest.table());
        Ipv4Address instance = Ipv4Address.parse("10.0.2.5");
        MacAddress router = NatGatewayTable.VPC_ROUTER_MAC;
        byte[] outbound = tcp
                ? tcp(router, NatGatewayTable.NAT_MAC, instance, INTERNET_IP)
                : udp(router, NatGatewayTable.NAT_MAC, instance, INTERNET_IP);

        byte[] out = receive(pipeline, NatGatewayTable.NAT_VNI, outbound, sent, NatGatewayTable.INSTANCES);
        assertThat(sourceIp(out)).isEqualTo(NatGatewayFuzzTest.NAT_PUBLIC);
        assertVerifiesOnceCompleted(out);

        Ipv4Address nat = Ipv4Address.parse("203.0.113.20"); // NatGatewayFuzzTest.NAT_PUBLIC
        byte[] reply = tcp ? tcp(INTERNET_MAC, router, INTERNET_IP, nat) : udp(INTERNET_MAC, router, INTERNET_IP, nat);
        // from the port the instance sent to, to the port the gateway chose (ports lie outside the pseudo-header)
        put16(reply, 14 + 20, u16(out, 14 + 20 + 2));
        put16(reply, 14 + 20 + 2, u16(out, 14 + 20));
        byte[] in = receive(pipeline, NatGatewayFuzzTest.PUBLIC_VNI, reply, sent, NatGatewayTable.INSTANCES);
        assertThat(destinationIp(in)).isEqualTo(instance.bits());
        assertThat(u16(in, 14 + 20 + 2)).isEqualTo(40000);
        assertVerifiesOnceCompleted(in);
    }

    private Pipeline elasticIpPipeline() {
        Vni vpc = Vni.of(100);
        Vni internet = Vni.of(PUBLIC_VNI);
        ForwardingState state = ForwardingState.builder()
                .host(new TableHost(Ipv4Address.parse("10.255.0.1"), 4789, 1500))
                .vtep(new RemoteVtep("peer", Ipv4Address.parse("10.255.0.2"), 4789))
                .segment(new Segment(
                        vpc, Ipv4Prefix.parse("10.0.1.0/24"), Ipv4Address.parse("10.0.1.1"), "r", List.of(), null))
                .segment(
                        new Segment(internet, null, Ipv4Address.parse("198.51.100.1"), "public", List.of("peer"), null))
                .publicVni(internet)
                .port(LocalPort.simulated("vm", vpc, VM_MAC, VM_IP, 24, Ipv4Address.parse("10.0.1.1")))
                .router(new Router("r", VPC_ROUTER_MAC, List.of(new Route(Ipv4Prefix.parse("10.0.1.0/24"), vpc))))
                .router(new Router(
                        "public",
                        PUBLIC_ROUTER_MAC,
                        List.of(
                                new Route(Ipv4Prefix.parse("203.0.113.0/24"), internet),
                                new Route(Ipv4Prefix.parse("198.51.100.0/24"), internet))))
                .binding(new IpBinding(internet, INTERNET_IP, INTERNET_MAC))
                .mac(new MacEntry(internet, INTERNET_MAC, "peer"))
                .elasticIp(new ElasticIp(EIP, vpc, VM_IP, IngressPolicy.ALLOW_ALL, null))
                .build();
        return new Pipeline(new SendOnlyUnderlay(HERE, sent::add), HERE, state);
    }

    /** Sends {@code frame} from the instance's port; returns the inner frame of the one datagram sent. */
    private byte[] send(Pipeline pipeline, Pipeline.Attachment port, byte[] frame) {
        ByteBuf buf = Unpooled.directBuffer(FrameDevice.HEADROOM + frame.length);
        buf.writerIndex(FrameDevice.HEADROOM).readerIndex(FrameDevice.HEADROOM).writeBytes(frame);
        pipeline.fromPort(port, buf);
        pipeline.flush();
        assertThat(sent).as("one datagram to the peer").hasSize(1);
        ByteBuf datagram = sent.remove(0);
        try {
            return ByteBufUtil.getBytes(
                    datagram,
                    datagram.readerIndex() + Vxlan.HEADER_LENGTH,
                    datagram.readableBytes() - Vxlan.HEADER_LENGTH);
        } finally {
            datagram.release();
        }
    }

    /**
     * {@code frame} over VXLAN from {@code from}; returns the one frame that came out in
     * {@code output} (a datagram's inner frame when it is {@link #sent}).
     */
    private byte[] receive(Pipeline pipeline, int vni, byte[] frame, List<ByteBuf> output, InetSocketAddress from) {
        ByteBuf datagram = Unpooled.directBuffer(Vxlan.HEADER_LENGTH + frame.length);
        Vxlan.write(datagram, 0, vni);
        datagram.writerIndex(Vxlan.HEADER_LENGTH).writeBytes(frame);
        pipeline.fromUnderlay(datagram, from);
        pipeline.flush(); // a TCP frame for a public address waits in receive coalescing until the batch ends
        assertThat(output).as("one frame out; %s", pipeline.counters().host()).hasSize(1);
        ByteBuf out = output.remove(0);
        try {
            int skip = output == sent ? Vxlan.HEADER_LENGTH : 0;
            return ByteBufUtil.getBytes(out, out.readerIndex() + skip, out.readableBytes() - skip);
        } finally {
            out.release();
        }
    }

    private static byte[] tcp(MacAddress source, MacAddress destination, Ipv4Address from, Ipv4Address to) {
        TestFrames.Spec spec = spec(source, destination, from, to);
        return TestFrames.frame(spec, TestFrames.pattern(300, 7), false);
    }

    private static byte[] udp(MacAddress source, MacAddress destination, Ipv4Address from, Ipv4Address to) {
        TestFrames.Spec spec = spec(source, destination, from, to);
        return TestFrames.udpFrame(spec, TestFrames.pattern(300, 9), false);
    }

    private static TestFrames.Spec spec(MacAddress source, MacAddress destination, Ipv4Address from, Ipv4Address to) {
        TestFrames.Spec spec = new TestFrames.Spec();
        spec.sourceMac = source.bits();
        spec.destinationMac = destination.bits();
        spec.sourceIp = from.bits();
        spec.destinationIp = to.bits();
        spec.tcpOptions = new byte[0];
        return spec;
    }

    /**
     * Asserts the frame's L4 checksum is still partial (the receiver completes it) and verifies
     * once completed: TCP or UDP over IPv4 without options.
     */
    private static void assertVerifiesOnceCompleted(byte[] frame) {
        assertThat(TestFrames.ipv4ChecksumValid(frame))
                .as("IPv4 header checksum")
                .isTrue();
        assertThat(u16(frame, checksumField(frame)))
                .as("still partial: the pseudo-header sum of the new addresses")
                .isEqualTo(partialChecksum(frame));
        byte[] completed = frame.clone();
        TestFrames.finishPartialChecksum(completed, 14 + 20, checksumField(frame) - 14 - 20);
        boolean tcp = (frame[14 + 9] & 0xFF) == 6;
        assertThat(tcp ? TestFrames.tcpChecksumValid(completed) : TestFrames.udpChecksumValid(completed))
                .as("the checksum verifies once completed")
                .isTrue();
    }

    /** The folded pseudo-header sum of the frame's addresses, protocol and L4 length. */
    static int partialChecksum(byte[] f) {
        int ip = 14;
        long sum = u16(f, ip + 12)
                + u16(f, ip + 14)
                + u16(f, ip + 16)
                + u16(f, ip + 18)
                + (f[ip + 9] & 0xFF)
                + (u16(f, ip + 2) - 20);
        while (sum >>> 16 != 0) {
            sum = (sum & 0xFFFF) + (sum >>> 16);
        }
        return (int) sum;
    }

    private static int checksumField(byte[] f) {
        return 14 + 20 + ((f[14 + 9] & 0xFF) == 6 ? 16 : 6);
    }

    private static int sourceIp(byte[] f) {
        return (u16(f, 14 + 12) << 16) | u16(f, 14 + 14);
    }

    private static int destinationIp(byte[] f) {
        return (u16(f, 14 + 16) << 16) | u16(f, 14 + 18);
    }

    private static void put16(byte[] b, int i, int value) {
        b[i] = (byte) (value >>> 8);
        b[i + 1] = (byte) value;
    }

    private static int u16(byte[] b, int i) {
        return ((b[i] & 0xFF) << 8) | (b[i + 1] & 0xFF);
    }

    private final class Collecting implements FrameDevice {
        private final String name;

        Collecting(String name) {
            this.name = name;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public void start(EventLoop loop, FrameSink sink) {}

        @Override
        public void write(ByteBuf frame) {
            delivered.add(frame);
        }

        @Override
        public void close() {}
    }
}
