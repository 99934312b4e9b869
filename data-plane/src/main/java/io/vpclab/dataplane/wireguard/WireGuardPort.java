package io.vpclab.dataplane.wireguard;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.IoEventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollChannelOption;
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
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A VPN gateway's side in its VPC as a port device: frames the VPC routes to the port are
 * stripped to their IPv4 packet, encrypted and sent to the peer whose allowed IPs hold the
 * destination; packets decrypted from a peer come back as frames from the port's MAC to the
 * VPC's router MAC, so they enter the pipeline as routed traffic of the VPC. WireGuard's allowed
 * IPs are the port's anti-spoofing (a peer's packet from any other source is dropped before it
 * becomes a frame).
 *
 * <p>The socket and the {@link WireGuardDevice} live on one event loop: the pipeline's own when it
 * is an epoll loop (the agent's), so a packet is encrypted or decrypted on the thread that routes
 * it, with no hand-over between threads; otherwise (an in-memory loop cannot carry
 * sockets) a one-thread loop of the port's, which frames hop to and decrypted packets hop back
 * from. Bound in {@link #open}, so a taken port refuses the table before anything changes;
 * nothing is read before {@link #start}.
 */
public final class WireGuardPort implements FrameDevice {

    private static final long TICK_MILLIS = 100;

    private final String name;
    private final WireGuardClock clock;
    private final long portMac;
    private final long routerMac;
    private final IoEventLoopGroup group;
    private final WireGuardDevice device;
    /** The socket; replaced once by {@link #start} by one on the pipeline's loop where that loop can carry it. */
    private volatile Channel channel;
    /** Datagrams written to {@link #channel} since its last flush; touched on the channel's loop only. */
    private boolean unflushed;

    private final AtomicBoolean closed = new AtomicBoolean();
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
     * in a VPC routed by {@code routerMac}. A peer with an endpoint address is reached at
     * {@code customerGatewayPort} there until it shows another (the downloaded configuration's
     * ListenPort), so the VPC side starts the tunnel when it sends first; a peer without one is
     * reached once it has sent a handshake.
     *
     * @throws IllegalStateException when the address cannot be bound
     */
    public static WireGuardPort open(
            String name,
            VpnGateway gateway,
            InetSocketAddress local,
            int customerGatewayPort,
            MacAddress portMac,
            MacAddress routerMac,
            WireGuardClock clock) {
        boolean epoll = Epoll.isAvailable();
        IoEventLoopGroup group = new MultiThreadIoEventLoopGroup(
                1,
                new DefaultThreadFactory("vpn-" + local.getPort(), true),
                epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory());
        WireGuardPort[] self = new WireGuardPort[1];
        try {
            WireGuardDevice device = new WireGuardDevice(
                    gateway.privateKey(),
                    clock,
                    (datagram, recipient) -> self[0].queue(datagram, recipient),
                    (peer, packet) -> self[0].decrypted(packet));
            Channel channel = new Bootstrap()
                    .group(group)
                    .channelFactory(() -> newChannel(epoll))
                    .handler(new Reader(device, self))
                    .bind(local)
                    .sync()
                    .channel();
            List<WireGuardPeer> peers = channel.eventLoop()
                    .submit(() -> gateway.peers().stream()
                            .map(peer -> device.addPeer(config(peer, customerGatewayPort)))
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

    /**
     * An unregistered socket with large buffers that reads nothing until told to; with epoll, with
     * SO_REUSEPORT, so {@link #start} can bind its own socket on the pipeline's loop before this one
     * closes.
     */
    private static Channel newChannel(boolean epoll) {
        Channel channel = epoll ? new EpollDatagramChannel() : new NioDatagramChannel();
        channel.config().setAutoRead(false);
        channel.config().setOption(ChannelOption.SO_RCVBUF, 4 << 20);
        channel.config().setOption(ChannelOption.SO_SNDBUF, 4 << 20);
        if (epoll) {
            channel.config().setOption(EpollChannelOption.SO_REUSEPORT, true);
        }
        return channel;
    }

    /** Hands each datagram to the device; after a read batch, sends what the device queued. */
    private static final class Reader extends SimpleChannelInboundHandler<DatagramPacket> {

        private final WireGuardDevice device;
        private final WireGuardPort[] port;

        Reader(WireGuardDevice device, WireGuardPort[] port) {
            this.device = device;
            this.port = port;
        }

        @Override
        protected void channelRead0(ChannelHandlerContext context, DatagramPacket packet) {
            device.receive(packet.content(), packet.sender());
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext context) {
            port[0].flushDatagrams();
        }
    }

    private static WireGuardPeerConfig config(VpnGateway.Peer peer, int customerGatewayPort) {
        InetSocketAddress endpoint = peer.endpointIp() == null
                ? null
                : new InetSocketAddress(peer.endpointIp().toInetAddress(), customerGatewayPort);
        return new WireGuardPeerConfig(peer.publicKey(), peer.presharedKey(), endpoint, peer.allowedIps(), 0);
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

    /**
     * Starts reading. Where {@code loop} (the pipeline's) is an epoll loop and this is called on
     * it, as the VTEP does, the socket moves onto it: a second socket bound with SO_REUSEPORT on
     * that loop takes over and the first closes before it ever read. Encryption, decryption and
     * the socket then run on the pipeline's thread, with no hand-over between threads per packet
     * (each one costs a wake-up, and under load a wait for the scheduler that TCP sees as
     * round-trip time). Elsewhere (an in-memory loop) the port keeps its own loop.
     */
    @Override
    public void start(EventLoop loop, FrameSink sink) {
        this.pipelineLoop = loop;
        this.sink = sink;
        Channel own = channel;
        if (loop.inEventLoop() && own instanceof EpollDatagramChannel) {
            Channel shared = bindOn(loop, (InetSocketAddress) own.localAddress());
            if (shared != null) {
                channel = shared;
                own.close();
                group.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS);
            }
        }
        Channel socket = channel;
        socket.eventLoop().execute(() -> {
            ticks = socket.eventLoop().scheduleAtFixedRate(this::tick, TICK_MILLIS, TICK_MILLIS, TimeUnit.MILLISECONDS);
            socket.config().setAutoRead(true);
            socket.read();
        });
    }

    /** A socket on {@code loop} bound to {@code local}, or null when the loop cannot carry it. Called on the loop. */
    private Channel bindOn(EventLoop loop, InetSocketAddress local) {
        Channel shared = newChannel(true);
        WireGuardPort[] self = {this};
        shared.pipeline().addLast(new Reader(device, self));
        try {
            // on the loop itself, registering and binding complete within the calls
            ChannelFuture registered = loop.register(shared);
            if (!registered.isDone() || !registered.isSuccess()) {
                shared.close();
                return null;
            }
            ChannelFuture bound = shared.bind(local);
            if (!bound.isDone() || !bound.isSuccess()) {
                shared.close();
                return null;
            }
            return shared;
        } catch (RuntimeException incompatible) {
            shared.close();
            return null;
        }
    }

    private void tick() {
        device.tick();
        flushDatagrams();
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
        EventLoop socketLoop = channel.eventLoop();
        if (socketLoop.inEventLoop()) {
            encrypt(frame, ip, length); // sent at the pipeline's flush
            return;
        }
        socketLoop.execute(() -> {
            encrypt(frame, ip, length);
            flushDatagrams();
        });
    }

    private void encrypt(ByteBuf frame, int ip, int length) {
        try {
            device.send(frame.slice(ip, length));
        } finally {
            frame.release();
        }
    }

    /** The pipeline's end of a batch: the datagrams encrypted on its thread leave together. */
    @Override
    public void flush() {
        if (channel.eventLoop().inEventLoop()) {
            flushDatagrams();
        }
    }

    /**
     * On the socket's loop: a copy of a datagram the device lends, sent now. (Held for the
     * pipeline's flush instead, the datagrams of a batch would share one sendmmsg, but the
     * wireguard-go interop test then moved 2 Mbit/s with no retransmits, as if some path waited
     * for the 100 ms tick's flush; not found yet.)
     */
    private void queue(ByteBuf datagram, InetSocketAddress recipient) {
        if (!channel.isWritable()) {
            // past the channel's high water mark: Netty would otherwise hold every datagram
            device.drop(DropReason.QUEUE_FULL);
            return;
        }
        ByteBuf copy = PooledByteBufAllocator.DEFAULT
                .directBuffer(datagram.readableBytes())
                .writeBytes(datagram);
        channel.writeAndFlush(new DatagramPacket(copy, recipient), channel.voidPromise());
    }

    private void flushDatagrams() {
        if (unflushed) {
            unflushed = false;
            channel.flush();
        }
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
        if (loop.inEventLoop()) {
            target.accept(frame);
        } else {
            loop.execute(() -> target.accept(frame));
        }
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        Channel socket = channel;
        socket.eventLoop().execute(() -> {
            if (ticks != null) {
                ticks.cancel(false);
            }
        });
        socket.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
    }
}
