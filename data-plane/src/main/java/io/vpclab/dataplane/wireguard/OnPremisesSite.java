package io.vpclab.dataplane.wireguard;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.DefaultEventLoopGroup;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.vpclab.dataplane.host.SimulatedHost;
import io.vpclab.dataplane.packet.Arp;
import io.vpclab.dataplane.packet.ArpOperation;
import io.vpclab.dataplane.packet.EtherType;
import io.vpclab.dataplane.packet.Ethernet;
import io.vpclab.dataplane.packet.Ipv4;
import io.vpclab.net.Ipv4Address;
import io.vpclab.net.Ipv4Prefix;
import io.vpclab.net.MacAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * A simulated on-premises site: a LAN of {@link SimulatedHost}s behind the project's WireGuard
 * endpoint, as a customer's data centre is behind its VPN router. The site's router answers every
 * ARP request of its hosts with its own MAC (proxy ARP, so a host reaches the VPC and its LAN
 * neighbours alike), hands packets for another host of the LAN to it, and sends everything else
 * into the tunnel; decrypted packets go to the host that holds their destination, and packets for
 * no host of the LAN are dropped, as a router with no route for them would. Hosts answer pings,
 * TCP SYNs (SYN-ACK on open ports, RST elsewhere) and UDP echo, and probe like any simulated host.
 */
public final class OnPremisesSite implements AutoCloseable {

    /** WireGuard's default interface MTU (wg-quick): 1500 minus the outer IPv4, UDP and WireGuard headers. */
    public static final int TUNNEL_MTU = 1420;

    private static final long ROUTER_MAC = 0x02_00_5e_00_53_01L;
    private static final int HEADROOM = 64;

    private final Ipv4Prefix lan;
    private final DefaultEventLoopGroup hostLoop;
    private final Map<Integer, SimulatedHost> hosts = new ConcurrentHashMap<>();
    private final WireGuardEndpoint endpoint;

    private OnPremisesSite(byte[] privateKey, Ipv4Prefix lan, InetSocketAddress local) {
        this.lan = lan;
        this.hostLoop = new DefaultEventLoopGroup(1, new DefaultThreadFactory("site-" + lan, true));
        try {
            this.endpoint = WireGuardEndpoint.open(privateKey, local, WireGuardClock.system(), this::fromTunnel);
        } catch (RuntimeException e) {
            hostLoop.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS);
            throw e;
        }
    }

    /** A site for the LAN {@code lan} whose router holds {@code privateKey}, its UDP socket on {@code local}. */
    public static OnPremisesSite open(byte[] privateKey, Ipv4Prefix lan, InetSocketAddress local) {
        return new OnPremisesSite(privateKey, lan, local);
    }

    /** A host of the LAN at {@code ip}; its default gateway is the LAN's first address, answered by the router. */
    public SimulatedHost addHost(String name, Ipv4Address ip) {
        if (!lan.contains(ip.bits())) {
            throw new IllegalArgumentException("host " + name + ": " + ip + " is outside the site's LAN " + lan);
        }
        SimulatedHost host = new SimulatedHost(
                name,
                new MacAddress(0x02_00_00_00_00_00L | (ip.bits() & 0xFFFF_FFFFL)),
                ip,
                lan.length(),
                new Ipv4Address((int) lan.first() + 1),
                TUNNEL_MTU);
        if (hosts.putIfAbsent(ip.bits(), host) != null) {
            throw new IllegalArgumentException("host " + name + ": " + ip + " is taken on the site's LAN");
        }
        EventLoop loop = hostLoop.next();
        host.start(loop, frame -> fromHost(host, frame));
        return host;
    }

    /** The VPN gateway as the router's peer: its key, the preshared key (or null), where it listens, the VPC's blocks. */
    public WireGuardPeer connect(
            byte[] peerPublicKey,
            byte[] presharedKey,
            InetSocketAddress peerEndpoint,
            List<Ipv4Prefix> allowedIps,
            int persistentKeepaliveSeconds) {
        WireGuardPeerConfig config =
                new WireGuardPeerConfig(peerPublicKey, null, peerEndpoint, allowedIps, persistentKeepaliveSeconds);
        return endpoint.addPeer(presharedKey == null ? config : config.withPresharedKey(presharedKey));
    }

    /** The router's WireGuard public key, base64. */
    public String publicKey() {
        return endpoint.publicKey();
    }

    public InetSocketAddress localAddress() {
        return endpoint.localAddress();
    }

    public List<WireGuardPeer> peers() {
        return endpoint.peers();
    }

    public Ipv4Prefix lan() {
        return lan;
    }

    /** A frame a host sent: ARP answered by the router, IPv4 to a LAN neighbour or into the tunnel. Releases it. */
    private void fromHost(SimulatedHost sender, ByteBuf frame) {
        try {
            int offset = frame.readerIndex();
            int etherType = Ethernet.etherType(frame, offset);
            int payload = offset + Ethernet.HEADER_LENGTH;
            if (etherType == EtherType.ARP_VALUE) {
                if (frame.readableBytes() >= Ethernet.HEADER_LENGTH + Arp.LENGTH
                        && Arp.operation(frame, payload) == ArpOperation.REQUEST_VALUE
                        && Arp.targetIp(frame, payload) != sender.ip().bits()) {
                    ByteBuf reply = frame.retainedDuplicate();
                    Arp.toReply(reply, payload, ROUTER_MAC, Arp.targetIp(frame, payload));
                    Ethernet.setDestination(reply, offset, sender.mac().bits());
                    Ethernet.setSource(reply, offset, ROUTER_MAC);
                    sender.write(reply);
                }
                return;
            }
            if (etherType != EtherType.IPV4_VALUE
                    || frame.readableBytes() < Ethernet.HEADER_LENGTH + Ipv4.MIN_HEADER_LENGTH) {
                return;
            }
            int length = Math.min(frame.readableBytes() - Ethernet.HEADER_LENGTH, Ipv4.totalLength(frame, payload));
            SimulatedHost neighbour = hosts.get(Ipv4.destination(frame, payload));
            if (neighbour != null) {
                neighbour.write(framed(neighbour, frame, payload, length));
            } else {
                endpoint.send(frame.slice(payload, length));
            }
        } finally {
            frame.release();
        }
    }

    /** A packet a peer sent (lent by the device): framed to the host that holds its destination. */
    private void fromTunnel(WireGuardPeer from, ByteBuf packet) {
        if (packet.readableBytes() < Ipv4.MIN_HEADER_LENGTH) {
            return;
        }
        SimulatedHost host = hosts.get(Ipv4.destination(packet, packet.readerIndex()));
        if (host != null) {
            host.write(framed(host, packet, packet.readerIndex(), packet.readableBytes()));
        }
    }

    private static ByteBuf framed(SimulatedHost to, ByteBuf source, int ipOffset, int length) {
        ByteBuf frame = PooledByteBufAllocator.DEFAULT.directBuffer(HEADROOM + Ethernet.HEADER_LENGTH + length);
        frame.writerIndex(HEADROOM).readerIndex(HEADROOM);
        frame.writerIndex(Ethernet.write(frame, HEADROOM, to.mac().bits(), ROUTER_MAC, EtherType.IPV4_VALUE));
        frame.writeBytes(source, ipOffset, length);
        return frame;
    }

    @Override
    public void close() {
        endpoint.close();
        hosts.values().forEach(SimulatedHost::close);
        hostLoop.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
    }
}
