package io.vpclab.dataplane.wireguard;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.vpclab.net.WireGuardKeys;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * Two devices on one fake clock joined by an in-memory wire the test pumps: A (10.0.1.1 behind
 * it) and B (10.0.2.0/24 behind it), each the other's peer.
 */
final class DevicePair {

    record Datagram(InetSocketAddress from, InetSocketAddress to, byte[] bytes) {
        int type() {
            return bytes[0];
        }
    }

    static final InetSocketAddress A_ADDRESS = new InetSocketAddress("127.0.0.1", 10001);
    static final InetSocketAddress B_ADDRESS = new InetSocketAddress("127.0.0.1", 10002);

    final FakeClock clock = new FakeClock();
    final byte[] aKey = WireGuardKeys.generatePrivateKey();
    final byte[] bKey = WireGuardKeys.generatePrivateKey();
    final Deque<Datagram> inFlight = new ArrayDeque<>();
    final List<Datagram> wire = new ArrayList<>();
    final List<byte[]> deliveredToA = new ArrayList<>();
    final List<byte[]> deliveredToB = new ArrayList<>();
    final WireGuardDevice a = device(aKey, A_ADDRESS, deliveredToA);
    final WireGuardDevice b = device(bKey, B_ADDRESS, deliveredToB);
    WireGuardPeer bAtA;
    WireGuardPeer aAtB;

    /** Each device knows the other with the right keys. */
    static DevicePair connected(byte[] presharedKey) {
        DevicePair pair = new DevicePair();
        pair.bAtA =
                pair.a.addPeer(pair.peerB(WireGuardKeys.publicKey(pair.bKey)).withPresharedKey(presharedKey));
        pair.aAtB = pair.b.addPeer(new WireGuardPeerConfig(
                WireGuardKeys.publicKey(pair.aKey),
                presharedKey,
                null,
                List.of(io.vpclab.net.Ipv4Prefix.parse("10.0.1.1/32")),
                0));
        return pair;
    }

    WireGuardPeerConfig peerB(byte[] publicKey) {
        return new WireGuardPeerConfig(
                publicKey, null, B_ADDRESS, List.of(io.vpclab.net.Ipv4Prefix.parse("10.0.2.0/24")), 0);
    }

    private WireGuardDevice device(byte[] key, InetSocketAddress self, List<byte[]> delivered) {
        return new WireGuardDevice(
                key,
                clock,
                (datagram, to) -> {
                    Datagram sent = new Datagram(self, to, ByteBufUtil.getBytes(datagram));
                    inFlight.add(sent);
                    wire.add(sent);
                },
                (peer, packet) -> delivered.add(ByteBufUtil.getBytes(packet)));
    }

    /** Delivers everything in flight, and what that provokes, until the wire is quiet. */
    void pump() {
        for (int bounded = 0; bounded < 1000 && !inFlight.isEmpty(); bounded++) {
            deliver(inFlight.poll());
        }
    }

    void deliver(Datagram datagram) {
        WireGuardDevice target = datagram.to().equals(A_ADDRESS) ? a : b;
        ByteBuf buf = Unpooled.wrappedBuffer(datagram.bytes().clone());
        target.receive(buf, datagram.from());
        buf.release();
    }

    void aSends(String payload) {
        ByteBuf packet = IpPackets.udp("10.0.1.1", "10.0.2.7", payload);
        a.send(packet);
        packet.release();
    }

    void bSends(String payload) {
        ByteBuf packet = IpPackets.udp("10.0.2.7", "10.0.1.1", payload);
        b.send(packet);
        packet.release();
    }

    List<Datagram> sentBy(InetSocketAddress from, int type) {
        return wire.stream()
                .filter(d -> d.from().equals(from) && d.type() == type)
                .toList();
    }

    /** A handshake and one packet from A to B, so both sides hold a confirmed session. */
    DevicePair established() {
        aSends("hello");
        pump();
        return this;
    }
}
