package io.vpclab.dataplane.wireguard;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.IoEventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.DatagramPacket;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.ScheduledFuture;
import io.vpclab.dataplane.packet.EtherType;
import io.vpclab.dataplane.packet.Ethernet;
import io.vpclab.dataplane.packet.Ipv4;
import io.vpclab.dataplane.port.FrameDevice;
import io.vpclab.dataplane.port.FrameSink;
import io.vpclab.dataplane.table.VpnGateway;
import io.vpclab.net.MacAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A VPN gateway's side in its VPC as a port device: frames the VPC routes to the port are
 * stripped to their IPv4 packet, encrypted and sent to the peer whose allowed IPs hold the
 * destination; packets decrypted from a peer come back as frames from the port's MAC to the
 * VPC's router MAC, so they enter the pipeline as routed traffic of the VPC. WireGuard's allowed
 * IPs are the port's anti-spoofing (a peer's packet from any other source is dropped before it
 * becomes a frame).
 *
 * <p>The socket and the {@link WireGuardDevice} live on a one-thread event loop of their own
 * (the pipeline's loop may not carry sockets, as the in-memory underlay's does not): frames hop
 * to it and decrypted packets hop back as new frames. Bound in {@link #open}, so a taken port
 * refuses the table before anything changes; nothing is read before {@link #start}.
 */
public final class WireGuardPort implements FrameDevice {

    private static final long TICK_MILLIS = 100;

    private final String name;
    private final WireGuardClock clock;
    private final long portMac;
    private final long routerMac;
    private final IoEventLoopGroup group;
    private final Channel channel;
    private final WireGuardDevice device;
    private final List<WireGuardPeer> peers;
    private final List<String> peerIds;
    private volatile EventLoop pipelineLoop;
    private volatile FrameSink sink;
    private ScheduledFuture<?> ticks;

    private WireGuardPort(
            String name,
            WireGuardClock clock,
            long portMac,
            long routerMac,
            IoEventLoopGroup group,
            Channel channel,
            WireGuardDevice device,
            List<WireGuardPeer> peers,
            List<String> peerIds) {
        this.name = name;
        this.clock = clock;
        this.portMac = portMac;
        this.routerMac = routerMac;
        this.group = group;
        this.channel = channel;
        this.device = device;
        this.peers = peers;
        this.peerIds = peerIds;
    }

    /**
     * Binds {@code local} for {@code gateway} (its key and peers), whose port has {@code portMac}
     * in a VPC routed by {@code routerMac}.
     *
     * @throws IllegalStateException when the address cannot be bound
     */
    public static WireGuardPort open(
            String name,
            VpnGateway gateway,
            InetSocketAddress local,
            MacAddress portMac,
            MacAddress routerMac,
            WireGuardClock clock) {
        boolean epoll = Epoll.isAvailable();
        IoEventLoopGroup group = new MultiThreadIoEventLoopGroup(
                1,
                new DefaultThreadFactory("vpn-" + local.getPort(), true),
                epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory());
        WireGuardPort[] self = new WireGuardPort[1];
        Channel[] socket = new Channel[1];
        try {
            WireGuardDevice device = new WireGuardDevice(
                    gateway.privateKey(),
                    clock,
                    PooledByteBufAllocator.DEFAULT,
                    (datagram, recipient) -> socket[0].writeAndFlush(new DatagramPacket(datagram, recipient)),
                    (peer, packet) -> self[0].decrypted(packet));
            Channel channel = new Bootstrap()
                    .group(group)
                    .channel(epoll ? EpollDatagramChannel.class : NioDatagramChannel.class)
                    .option(ChannelOption.AUTO_READ, false)
                    .option(ChannelOption.SO_RCVBUF, 4 << 20)
                    .option(ChannelOption.SO_SNDBUF, 4 << 20)
                    .handler(new SimpleChannelInboundHandler<DatagramPacket>() {
                        @Override
                        protected void channelRead0(ChannelHandlerContext context, DatagramPacket packet) {
                            device.receive(packet.content(), packet.sender());
                        }
                    })
                    .bind(local)
                    .sync()
                    .channel();
            socket[0] = channel;
            List<WireGuardPeer> peers = channel.eventLoop()
                    .submit(() -> gateway.peers().stream()
                            .map(peer -> device.addPeer(config(peer)))
                            .toList())
                    .get(10, TimeUnit.SECONDS);
            List<String> ids = gateway.peers().stream().map(VpnGateway.Peer::id).toList();
            self[0] = new WireGuardPort(
                    name, clock, portMac.bits(), routerMac.bits(), group, channel, device, peers, ids);
            return self[0];
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            group.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS);
            throw new IllegalStateException("interrupted binding " + local, e);
        } catch (Exception e) {
            group.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS);
            throw new IllegalStateException("VPN gateway " + name + " cannot listen on UDP " + local + ": " + e, e);
        }
    }

    private static WireGuardPeerConfig config(VpnGateway.Peer peer) {
        return new WireGuardPeerConfig(peer.publicKey(), peer.presharedKey(), null, peer.allowedIps(), 0);
    }

    @Override
    public String name() {
        return name;
    }

    /** Where the socket is bound. */
    public InetSocketAddress localAddress() {
        return (InetSocketAddress) channel.localAddress();
    }

    /**
     * The tunnel of each VPN connection, in the table's order, as of now. Read from any thread:
     * the figures are volatile, the timers the state derives from are read without the loop's
     * ordering (a report may lag a transition by one tick).
     */
    public List<Tunnel> tunnels() {
        long now = clock.nanos();
        List<Tunnel> tunnels = new java.util.ArrayList<>();
        for (int i = 0; i < peers.size(); i++) {
            WireGuardPeer peer = peers.get(i);
            tunnels.add(new Tunnel(peerIds.get(i), state(peer, now), peer));
        }
        return tunnels;
    }

    /** Up: a session younger than reject-after-time; handshaking: an initiation within the rekey timeout. */
    private static TunnelState state(WireGuardPeer peer, long now) {
        Keypair current = peer.current;
        if (current != null && !current.expired(now)) {
            return TunnelState.UP;
        }
        long sent = peer.lastHandshakeSent;
        if (sent != Long.MIN_VALUE && now - sent < WireGuardTimes.REKEY_TIMEOUT) {
            return TunnelState.HANDSHAKING;
        }
        return TunnelState.DOWN;
    }

    /** Where a VPN connection's tunnel stands. */
    public enum TunnelState {
        DOWN,
        HANDSHAKING,
        UP
    }

    /** A VPN connection's id, its tunnel's state and its peer's figures. */
    public record Tunnel(String connectionId, TunnelState state, WireGuardPeer peer) {}

    public long drops(DropReason reason) {
        return device.drops(reason);
    }

    @Override
    public void start(EventLoop loop, FrameSink sink) {
        this.pipelineLoop = loop;
        this.sink = sink;
        channel.eventLoop().execute(() -> {
            ticks = channel.eventLoop()
                    .scheduleAtFixedRate(device::tick, TICK_MILLIS, TICK_MILLIS, TimeUnit.MILLISECONDS);
            channel.config().setAutoRead(true);
            channel.read();
        });
    }

    /** An IPv4 frame toward the VPN: its packet is encrypted for the peer that holds the destination. */
    @Override
    public void write(ByteBuf frame) {
        int offset = frame.readerIndex();
        if (frame.readableBytes() <= Ethernet.HEADER_LENGTH
                || Ethernet.etherType(frame, offset) != EtherType.IPV4_VALUE) {
            frame.release(); // the router sends only IPv4 here; floods of the segment stop at the tunnel
            return;
        }
        int ip = offset + Ethernet.HEADER_LENGTH;
        // the packet without the Ethernet padding of short frames
        int length = Math.min(frame.readableBytes() - Ethernet.HEADER_LENGTH, Ipv4.totalLength(frame, ip));
        channel.eventLoop().execute(() -> {
            try {
                device.send(frame.slice(ip, length));
            } finally {
                frame.release();
            }
        });
    }

    /** On the socket's loop: a packet a peer sent, framed toward the VPC's router. */
    private void decrypted(ByteBuf packet) {
        EventLoop loop = pipelineLoop;
        FrameSink target = sink;
        if (loop == null || target == null) {
            return;
        }
        int length = packet.readableBytes();
        ByteBuf frame = PooledByteBufAllocator.DEFAULT.directBuffer(HEADROOM + Ethernet.HEADER_LENGTH + length);
        frame.writerIndex(HEADROOM).readerIndex(HEADROOM);
        frame.writeShort((int) (routerMac >>> 32)).writeInt((int) routerMac);
        frame.writeShort((int) (portMac >>> 32)).writeInt((int) portMac);
        frame.writeShort(EtherType.IPV4_VALUE);
        frame.writeBytes(packet, packet.readerIndex(), length);
        loop.execute(() -> target.accept(frame));
    }

    @Override
    public void close() {
        if (!group.isShuttingDown()) {
            channel.eventLoop().execute(() -> {
                if (ticks != null) {
                    ticks.cancel(false);
                }
            });
            channel.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
        }
    }
}
