package io.vpclab.benchmarks;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.vpclab.dataplane.packet.IpProtocol;
import io.vpclab.dataplane.packet.Ipv4;
import io.vpclab.dataplane.wireguard.WireGuardClock;
import io.vpclab.dataplane.wireguard.WireGuardDevice;
import io.vpclab.dataplane.wireguard.WireGuardEndpoint;
import io.vpclab.dataplane.wireguard.WireGuardPeerConfig;
import io.vpclab.net.WireGuardKeys;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * WireGuard transport without I/O, once the handshake is done: {@code seal1400} encrypts one
 * 1400-byte IPv4 packet into a transport message (counter, padding, ChaCha20-Poly1305) and
 * drops it; {@code sealAndOpen1400} also hands it to the peer device, which authenticates,
 * decrypts, checks the replay window and the allowed IPs and hands the packet over. Run with
 * {@code -prof gc}: the floor is 0 B per packet.
 *
 * <p>{@link HandshakeToFirstPacket} measures, on loopback UDP with two
 * {@link WireGuardEndpoint}s and fresh keys each time, the time from sending the first packet
 * (which starts the handshake) to its delivery at the other end. Printed, never asserted.
 *
 * <pre>java -jar benchmarks/target/benchmarks.jar WireGuard -f 1 -wi 3 -i 5 -prof gc</pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class WireGuardTransportBenchmark {

    static final int PACKET = 1400;
    static final InetSocketAddress A = new InetSocketAddress("127.0.0.1", 10001);
    static final InetSocketAddress B = new InetSocketAddress("127.0.0.1", 10002);

    private WireGuardDevice sealer;
    private WireGuardDevice sender;
    private WireGuardDevice receiver;
    private ByteBuf packet;
    long delivered;

    @Setup
    public void setUp() {
        packet = packet(0x0a000101, 0x0a000201);
        // a pair whose datagrams go straight into the other device
        byte[] aKey = WireGuardKeys.generatePrivateKey();
        byte[] bKey = WireGuardKeys.generatePrivateKey();
        WireGuardDevice[] devices = new WireGuardDevice[2];
        devices[0] = new WireGuardDevice(
                aKey,
                WireGuardClock.system(),
                (d, to) -> devices[1].receive(d, A),
                (peer, p) -> delivered += p.readableBytes());
        devices[1] = new WireGuardDevice(
                bKey,
                WireGuardClock.system(),
                (d, to) -> devices[0].receive(d, B),
                (peer, p) -> delivered += p.readableBytes());
        devices[0].addPeer(peer(bKey, B, "10.0.2.0/24"));
        devices[1].addPeer(peer(aKey, A, "10.0.1.0/24"));
        sender = devices[0];
        receiver = devices[1];
        sender.send(packet); // handshake, then the first packet confirms the session
        if (delivered != PACKET) {
            throw new IllegalStateException("the handshake did not complete: " + delivered);
        }
        // a device whose datagrams are dropped, for sealing alone
        byte[] cKey = WireGuardKeys.generatePrivateKey();
        WireGuardDevice[] sealing = new WireGuardDevice[1];
        WireGuardDevice sink = new WireGuardDevice(
                bKey, WireGuardClock.system(), (d, to) -> sealing[0].receive(d, B), (peer, p) -> {});
        sealing[0] = new WireGuardDevice(
                cKey,
                WireGuardClock.system(),
                (d, to) -> {
                    if (d.getByte(d.readerIndex()) != 4) { // transport messages are dropped
                        sink.receive(d, A);
                    }
                },
                (peer, p) -> {});
        sealing[0].addPeer(peer(bKey, B, "10.0.2.0/24"));
        sink.addPeer(peer(cKey, A, "10.0.1.0/24"));
        sealing[0].send(packet);
        sealer = sealing[0];
    }

    private static WireGuardPeerConfig peer(byte[] privateKey, InetSocketAddress endpoint, String allowed) {
        return WireGuardPeerConfig.of(WireGuardKeys.toBase64(WireGuardKeys.publicKey(privateKey)), endpoint, allowed);
    }

    static ByteBuf packet(int source, int destination) {
        ByteBuf packet = Unpooled.directBuffer(PACKET);
        Ipv4.write(packet, 0, PACKET, 1, 64, IpProtocol.UDP_VALUE, source, destination);
        packet.setZero(Ipv4.MIN_HEADER_LENGTH, PACKET - Ipv4.MIN_HEADER_LENGTH);
        return packet.writerIndex(PACKET);
    }

    @TearDown
    public void tearDown() {
        packet.release();
    }

    @Benchmark
    public void seal1400() {
        sealer.send(packet);
    }

    @Benchmark
    public long sealAndOpen1400() {
        sender.send(packet);
        return delivered;
    }

    /** Handshake to first packet on loopback UDP, fresh endpoints and keys per measurement. */
    @State(Scope.Thread)
    @BenchmarkMode(Mode.SingleShotTime)
    @OutputTimeUnit(TimeUnit.MILLISECONDS)
    @Warmup(iterations = 20)
    @Measurement(iterations = 50)
    @Fork(1)
    public static class HandshakeToFirstPacket {

        private WireGuardEndpoint a;
        private WireGuardEndpoint b;
        private ByteBuf packet;
        private volatile boolean arrived;

        @Setup(Level.Invocation)
        public void open() {
            arrived = false;
            packet = packet(0x0a000101, 0x0a000201);
            a = WireGuardEndpoint.open(
                    WireGuardKeys.generatePrivateKey(),
                    new InetSocketAddress("127.0.0.1", 0),
                    WireGuardClock.system(),
                    (peer, p) -> {});
            b = WireGuardEndpoint.open(
                    WireGuardKeys.generatePrivateKey(),
                    new InetSocketAddress("127.0.0.1", 0),
                    WireGuardClock.system(),
                    (peer, p) -> arrived = true);
            a.addPeer(WireGuardPeerConfig.of(b.publicKey(), b.localAddress(), "10.0.2.0/24"));
            b.addPeer(WireGuardPeerConfig.of(a.publicKey(), null, "10.0.1.0/24"));
        }

        @TearDown(Level.Invocation)
        public void close() {
            a.close();
            b.close();
            packet.release();
        }

        @Benchmark
        public boolean handshakeToFirstPacket() {
            a.send(packet);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (!arrived) {
                if (System.nanoTime() - deadline > 0) {
                    throw new IllegalStateException("no packet within 5 s");
                }
                Thread.onSpinWait();
            }
            return arrived;
        }
    }
}
