package io.vpclab.dataplane.host;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.vpclab.dataplane.Vtep;
import io.vpclab.dataplane.packet.EtherType;
import io.vpclab.dataplane.packet.Ethernet;
import io.vpclab.dataplane.packet.IpProtocol;
import io.vpclab.dataplane.packet.Ipv4;
import io.vpclab.dataplane.packet.Tcp;
import io.vpclab.dataplane.port.InMemoryFrameDevice;
import io.vpclab.dataplane.table.ForwardingState;
import io.vpclab.dataplane.table.LocalPort;
import io.vpclab.dataplane.table.Segment;
import io.vpclab.dataplane.table.TableHost;
import io.vpclab.dataplane.underlay.InMemoryUnderlay;
import io.vpclab.net.Ipv4Address;
import io.vpclab.net.Ipv4Prefix;
import io.vpclab.net.MacAddress;
import io.vpclab.net.Vni;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A simulated host and a raw test port on one VTEP, talking TCP frame by frame. */
class SimulatedHostTest {

    static final Vni VNI = Vni.of(7);
    static final MacAddress HOST_MAC = MacAddress.parse("02:00:0a:00:00:05");
    static final MacAddress CLIENT_MAC = MacAddress.parse("02:00:0a:00:00:06");
    static final int HOST_IP = Ipv4Address.parseBits("10.0.0.5");
    static final int CLIENT_IP = Ipv4Address.parseBits("10.0.0.6");

    Vtep vtep;
    SimulatedHost host;
    InMemoryFrameDevice client;

    @BeforeEach
    void start() {
        vtep = new Vtep(new InMemoryUnderlay.Hub().join(new InetSocketAddress("10.255.1.1", 4789)));
        vtep.apply(ForwardingState.builder()
                .host(new TableHost(Ipv4Address.parse("10.255.1.1"), 4789, 1500))
                .segment(new Segment(VNI, Ipv4Prefix.parse("10.0.0.0/24"), null, null, List.of(), null))
                .port(LocalPort.simulated("host", VNI, HOST_MAC, new Ipv4Address(HOST_IP), 24, null))
                .port(LocalPort.simulated("client", VNI, CLIENT_MAC, new Ipv4Address(CLIENT_IP), 24, null))
                .build());
        host = SimulatedHost.forPort(vtep.state().ports().get(0)).openTcpPort(3306);
        client = new InMemoryFrameDevice("client");
        vtep.attachPort("host", host);
        vtep.attachPort("client", client);
    }

    @AfterEach
    void stop() {
        vtep.close();
    }

    @Test
    void theListenerCompletesAHandshakeOnAnOpenPort() throws Exception {
        client.inject(tcp(50000, 3306, 1000, 0, Tcp.SYN));
        ByteBuf synAck = nextTcp();
        int tcp = Ethernet.HEADER_LENGTH + Ipv4.MIN_HEADER_LENGTH;
        assertThat(Tcp.flags(synAck, tcp)).isEqualTo(Tcp.SYN | Tcp.ACK);
        assertThat(Tcp.acknowledgment(synAck, tcp)).isEqualTo(1001);
        // the SYN-ACK carries one option, the MSS: the host's MTU (1450) minus 40 bytes of headers
        assertThat(Tcp.headerLength(synAck, tcp)).isEqualTo(Tcp.MIN_HEADER_LENGTH + 4);
        assertThat((int) synAck.getUnsignedByte(tcp + Tcp.MIN_HEADER_LENGTH)).isEqualTo(2);
        assertThat(synAck.getUnsignedShort(tcp + Tcp.MIN_HEADER_LENGTH + 2)).isEqualTo(1450 - 40);
        assertThat(Tcp.verifyChecksum(synAck, tcp, Tcp.MIN_HEADER_LENGTH + 4, HOST_IP, CLIENT_IP))
                .isTrue();

        client.inject(tcp(50000, 3306, 1001, Tcp.sequence(synAck, tcp) + 1, Tcp.ACK));

        await().atMost(Duration.ofSeconds(5)).until(() -> host.handshakesCompleted() == 1);
    }

    @Test
    void aClosedPortAnswersReset() throws Exception {
        client.inject(tcp(50001, 3307, 77, 0, Tcp.SYN));

        ByteBuf reset = nextTcp();
        int tcp = Ethernet.HEADER_LENGTH + Ipv4.MIN_HEADER_LENGTH;
        assertThat(Tcp.flags(reset, tcp)).isEqualTo(Tcp.RST | Tcp.ACK);
        assertThat(Tcp.acknowledgment(reset, tcp)).isEqualTo(78);
        assertThat(host.handshakesCompleted()).isZero();
    }

    @Test
    void clientsNeedAnAttachedHostAndValidPorts() {
        SimulatedHost detached = new SimulatedHost("x", CLIENT_MAC, new Ipv4Address(CLIENT_IP), 24, null, 1500);
        assertThat(detached.ping(new Ipv4Address(HOST_IP), 1, Duration.ofSeconds(1)))
                .failsWithin(Duration.ofSeconds(1))
                .withThrowableThat()
                .withMessageContaining("not attached");
        assertThatThrownBy(() -> host.openTcpPort(0)).hasMessage("port must be 1..65535: 0");
        assertThatThrownBy(() -> new SimulatedHost("y", MacAddress.BROADCAST, new Ipv4Address(1), 24, null, 1500))
                .hasMessageContaining("unicast MAC");
    }

    /** The next TCP frame the VTEP wrote to the client (ARP requests from the host are answered by the VTEP). */
    private ByteBuf nextTcp() throws InterruptedException {
        for (int i = 0; i < 10; i++) {
            byte[] frame = client.take(Duration.ofSeconds(5));
            assertThat(frame).as("a frame for the client").isNotNull();
            ByteBuf buf = Unpooled.wrappedBuffer(frame);
            if (Ethernet.etherType(buf, 0) == EtherType.IPV4_VALUE
                    && Ipv4.protocol(buf, Ethernet.HEADER_LENGTH) == IpProtocol.TCP_VALUE) {
                return buf;
            }
        }
        throw new AssertionError("no TCP frame");
    }

    private static byte[] tcp(int sourcePort, int destinationPort, long sequence, long acknowledgment, int flags) {
        int length = Ethernet.HEADER_LENGTH + Ipv4.MIN_HEADER_LENGTH + Tcp.MIN_HEADER_LENGTH;
        ByteBuf frame = Unpooled.buffer(length).writerIndex(length);
        int at = Ethernet.write(frame, 0, HOST_MAC.bits(), CLIENT_MAC.bits(), EtherType.IPV4_VALUE);
        at = Ipv4.write(
                frame,
                at,
                Ipv4.MIN_HEADER_LENGTH + Tcp.MIN_HEADER_LENGTH,
                1,
                64,
                IpProtocol.TCP_VALUE,
                CLIENT_IP,
                HOST_IP);
        Tcp.write(frame, at, sourcePort, destinationPort, sequence, acknowledgment, flags, 1000);
        Tcp.updateChecksum(frame, at, Tcp.MIN_HEADER_LENGTH, CLIENT_IP, HOST_IP);
        return frame.array();
    }
}
