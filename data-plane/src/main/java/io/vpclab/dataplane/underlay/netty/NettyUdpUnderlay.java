package io.vpclab.dataplane.underlay.netty;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.IoEventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.SegmentedDatagramPacket;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.DatagramPacket;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.vpclab.dataplane.packet.Vxlan;
import io.vpclab.dataplane.underlay.DatagramSink;
import io.vpclab.dataplane.underlay.Underlay;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The VTEP's UDP socket on a one-thread Netty event loop: epoll on Linux (batched receive with
 * recvmmsg, and TAP file descriptors can share the loop), NIO elsewhere.
 *
 * <p>Checksums are the kernel's business: a UDP socket fills them in on send and checks them
 * on receive. Sends that would grow the outbound queue past {@link UnderlayOptions#sendQueueBytes}
 * are dropped and counted ({@link #sendDrops()}) rather than buffered without bound, so a slow
 * socket never stalls the loop or eats the heap.
 */
public final class NettyUdpUnderlay implements Underlay {

    private static final Logger log = LoggerFactory.getLogger(NettyUdpUnderlay.class);

    /** Linux UDP_MAX_SEGMENTS was 64 before 5.x raised it to 128: the lower bound works everywhere. */
    public static final int MAX_GSO_SEGMENTS = 64;
    /** The largest UDP payload in one IPv4 datagram (65535 - 20 - 8), the cap of one GSO send. */
    public static final int MAX_GSO_BYTES = 65507;
    /** A GRO read holds at most one 64 KB coalesced datagram. */
    private static final int GRO_BUFFER_BYTES = 65536;
    /** Reads per wake-up with GRO (or NIO): up to 32 datagrams or coalesced runs before the burst ends. */
    private static final int GRO_READS_PER_WAKEUP = 32;
    /** recvmmsg calls per wake-up: 4 x 32 datagrams, then the loop serves the TAP again. */
    private static final int RECVMMSG_CALLS_PER_WAKEUP = 4;

    /** Enough source ports for an underlay's ECMP to spread flows; each is one more socket. */
    static final int FLOW_PORT_SOCKETS = 8;

    private static final int FLOW_PORT_ATTEMPTS = 64;

    private final IoEventLoopGroup group;
    private final Channel channel;
    private final boolean epoll;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final AtomicLong sendDrops = new AtomicLong();
    private final AtomicLong gsoSends = new AtomicLong();
    private final AtomicLong gsoSegments = new AtomicLong();
    private final AtomicLong datagramsReceived = new AtomicLong();
    private final AtomicLong receiveBatches = new AtomicLong();
    // The I/O edge for the reactor's figures: plain longs written on the loop only.
    /** recvmmsg / recvmsg calls that returned data: a GRO buffer or a recvmmsg batch is one. */
    private long receiveCalls;
    /** sendmmsg / sendmsg calls: one per socket with something queued at a flush. */
    private long sendCalls;
    /** Datagrams handed to the kernel as on the wire (a GSO send counts its segments). */
    private long datagramsSent;

    private boolean mainUnflushed;
    private final boolean gso;
    private final boolean gro;
    private Runnable readComplete = () -> {};
    /** Send-only sockets on flow-hashed source ports; written and flushed on the loop only. */
    private final Channel[] senders;

    private final boolean[] unflushed;
    private volatile DatagramSink sink;

    /** The underlay of {@code channel}, which owns {@code group} and shuts it down on {@link #close()}. */
    private NettyUdpUnderlay(IoEventLoopGroup group, Channel channel, Channel[] senders, Set<SocketFeature> features) {
        this.epoll = features.contains(SocketFeature.EPOLL);
        this.gso = features.contains(SocketFeature.UDP_GSO);
        this.gro = features.contains(SocketFeature.UDP_GRO);
        this.senders = senders;
        this.unflushed = new boolean[senders.length];
        this.group = group;
        this.channel = channel;
    }

    /**
     * Binds a UDP socket to {@code local} on a new one-thread event loop (epoll when available),
     * which this underlay shuts down on {@link #close()}.
     */
    public static NettyUdpUnderlay bind(InetSocketAddress local, UnderlayOptions options) {
        return bind(local, options, false);
    }

    /**
     * Binds {@code count} sockets to {@code local}, each on its own one-thread event loop, with
     * {@code SO_REUSEPORT}: the kernel steers each underlay 4-tuple (each remote flow port) to
     * one of them, so several loops share the receive work and a flow stays on one loop. A port
     * 0 in {@code local} is chosen by the first bind and taken by the others. Without epoll (no
     * {@code SO_REUSEPORT} on Netty's NIO transport) one socket is bound, and that is logged.
     */
    public static List<NettyUdpUnderlay> bindGroup(InetSocketAddress local, UnderlayOptions options, int count) {
        if (count < 1) {
            throw new IllegalArgumentException("count must be >= 1, got " + count);
        }
        if (count == 1) {
            return List.of(bind(local, options));
        }
        if (!(options.preferEpoll() && Epoll.isAvailable())) {
            log.warn("{} event loops asked for, but SO_REUSEPORT needs the epoll transport: one loop", count);
            return List.of(bind(local, options));
        }
        List<NettyUdpUnderlay> group = new ArrayList<>(count);
        try {
            NettyUdpUnderlay first = bind(local, options, true);
            group.add(first);
            InetSocketAddress bound = new InetSocketAddress(
                    local.getAddress(), first.localAddress().getPort());
            for (int i = 1; i < count; i++) {
                group.add(bind(bound, options, true));
            }
        } catch (RuntimeException e) {
            group.forEach(NettyUdpUnderlay::close);
            throw e;
        }
        return List.copyOf(group);
    }

    private static NettyUdpUnderlay bind(InetSocketAddress local, UnderlayOptions options, boolean reusePort) {
        boolean epoll = options.preferEpoll() && Epoll.isAvailable();
        // daemon: an agent embedded in another JVM (the all-in-one demo, tests) must not keep it alive
        IoEventLoopGroup group = new MultiThreadIoEventLoopGroup(
                1,
                new DefaultThreadFactory("vtep-" + local.getPort(), true),
                epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory());
        try {
            return bind(local, options, group, epoll, reusePort);
        } catch (RuntimeException e) {
            group.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS);
            throw e;
        }
    }

    /** Binds with the default {@link UnderlayOptions}. */
    public static NettyUdpUnderlay bind(InetSocketAddress local) {
        return bind(local, UnderlayOptions.defaults());
    }

    private static NettyUdpUnderlay bind(
            InetSocketAddress local,
            UnderlayOptions options,
            IoEventLoopGroup group,
            boolean epoll,
            boolean reusePort) {
        Objects.requireNonNull(local, "local");
        Bootstrap bootstrap = new Bootstrap()
                .group(group)
                // nothing is read before start(sink): datagrams wait in the socket buffer
                .option(ChannelOption.AUTO_READ, false)
                // receive buffers of 47-64 KB (recvmmsg batch, GRO): Netty 4.2's adaptive allocator
                // does not pool that size and zeroes a fresh direct buffer per read (6% of a core)
                .option(ChannelOption.ALLOCATOR, PooledByteBufAllocator.DEFAULT)
                .option(ChannelOption.SO_RCVBUF, options.socketBufferBytes())
                .option(ChannelOption.SO_SNDBUF, options.socketBufferBytes())
                .option(
                        ChannelOption.WRITE_BUFFER_WATER_MARK,
                        new WriteBufferWaterMark(options.sendQueueBytes() / 2, options.sendQueueBytes()))
                .handler(new ChannelInboundHandlerAdapter());
        if (epoll) {
            int size = receiveSlotBytes(options);
            bootstrap
                    .channel(EpollDatagramChannel.class)
                    // recvmmsg: one syscall fills up to batch datagrams into one buffer of batch x size
                    .option(EpollChannelOption.MAX_DATAGRAM_PAYLOAD_SIZE, size)
                    .option(
                            ChannelOption.RCVBUF_ALLOCATOR,
                            readsPerWakeUp(size * options.receiveBatch(), RECVMMSG_CALLS_PER_WAKEUP));
        } else {
            bootstrap
                    .channel(NioDatagramChannel.class)
                    .option(
                            ChannelOption.RCVBUF_ALLOCATOR,
                            readsPerWakeUp(receiveSlotBytes(options), GRO_READS_PER_WAKEUP));
        }
        Channel channel;
        try {
            Bootstrap receiving =
                    reusePort ? bootstrap.clone().option(EpollChannelOption.SO_REUSEPORT, true) : bootstrap;
            channel = receiving.bind(local).sync().channel();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while binding UDP " + local, e);
        } catch (Exception e) {
            throw new IllegalStateException("cannot bind UDP " + local + ": " + e.getMessage(), e);
        }
        Set<SocketFeature> features = EnumSet.noneOf(SocketFeature.class);
        if (epoll) {
            features.add(SocketFeature.EPOLL);
        }
        if (epoll && options.udpGro() && enableGro(channel)) {
            features.add(SocketFeature.UDP_GRO);
        }
        if (epoll && options.udpGso() && SegmentedDatagramPacket.isSupported()) {
            features.add(SocketFeature.UDP_GSO);
        }
        // the kernel refuses UDP_SEGMENT sends on a socket with SO_NO_CHECK (udp_send_skb: EINVAL);
        // with GSO the checksum is offloaded (CHECKSUM_PARTIAL), so it costs nothing anyway
        boolean noChecksum = epoll && !features.contains(SocketFeature.UDP_GSO);
        if (noChecksum) {
            UdpChecksum.disable(channel);
        }
        Channel[] senders = flowPortSenders(bootstrap, local, noChecksum);
        NettyUdpUnderlay underlay = new NettyUdpUnderlay(group, channel, senders, features);
        channel.pipeline().addLast(underlay.new Receiver());
        log.debug("underlay bound to {} with {}", channel.localAddress(), features);
        return underlay;
    }

    /**
     * One byte more than the largest datagram of the underlay MTU: the kernel truncates a longer
     * one to the slot, which then still shows as too long, so the pipeline drops and counts it
     * as oversize instead of passing a cut frame.
     */
    private static int receiveSlotBytes(UnderlayOptions options) {
        return options.maxDatagramBytes() + 1;
    }

    /**
     * Send-only sockets on the underlay address, bound to ports in 49152..65535: the pipeline's
     * hash of the inner flow picks one, so one flow keeps one source port and many flows spread
     * over several, as RFC 7348 section 5 asks (for ECMP in the underlay). Ports that are taken
     * are skipped; with none free, everything leaves from the VXLAN port.
     */
    private static Channel[] flowPortSenders(Bootstrap bootstrap, InetSocketAddress local, boolean noChecksum) {
        List<Channel> bound = new ArrayList<>();
        int first = Vxlan.SOURCE_PORT_MIN + ThreadLocalRandom.current().nextInt(Vxlan.SOURCE_PORT_RANGE);
        for (int attempt = 0; attempt < FLOW_PORT_ATTEMPTS && bound.size() < FLOW_PORT_SOCKETS; attempt++) {
            int port = Vxlan.SOURCE_PORT_MIN + (first - Vxlan.SOURCE_PORT_MIN + attempt) % Vxlan.SOURCE_PORT_RANGE;
            try {
                // a handler instance belongs to one channel: each sender gets its own
                Channel sender = bootstrap
                        .clone()
                        .option(ChannelOption.SO_RCVBUF, 65536)
                        .handler(new ChannelInboundHandlerAdapter())
                        .bind(new InetSocketAddress(local.getAddress(), port))
                        .sync()
                        .channel();
                if (noChecksum) {
                    UdpChecksum.disable(sender);
                }
                bound.add(sender);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            } catch (Exception taken) {
                log.debug("flow source port {} not usable: {}", port, taken.toString());
            }
        }
        return bound.toArray(Channel[]::new);
    }

    /**
     * Buffers of {@code bytes} and up to {@code reads} reads per wake-up. A bare
     * FixedRecvByteBufAllocator reads once per wake-up (its default, unlike the channel's own
     * allocator): with GRO that was one datagram per epoll turn, and one TAP write each, whenever
     * the kernel had nothing to coalesce (a sender without GSO).
     */
    private static FixedRecvByteBufAllocator readsPerWakeUp(int bytes, int reads) {
        FixedRecvByteBufAllocator allocator = new FixedRecvByteBufAllocator(bytes);
        allocator.maxMessagesPerRead(reads);
        return allocator;
    }

    /**
     * Switches the bound socket from recvmmsg batches to UDP_GRO: the kernel hands over runs of
     * same-sized datagrams of one sender as one buffer and Netty splits it into slices (it knows
     * the segment size from the UDP_GRO control message). MAX_DATAGRAM_PAYLOAD_SIZE must go back
     * to 0: with it set, Netty takes the recvmmsg path, which truncates coalesced datagrams.
     */
    private static boolean enableGro(Channel channel) {
        try {
            if (!channel.config().setOption(EpollChannelOption.UDP_GRO, true)
                    || !Boolean.TRUE.equals(channel.config().getOption(EpollChannelOption.UDP_GRO))) {
                return false;
            }
        } catch (RuntimeException refused) {
            log.info("UDP_GRO refused on {}: {}", channel.localAddress(), refused.toString());
            return false;
        }
        channel.config().setOption(EpollChannelOption.MAX_DATAGRAM_PAYLOAD_SIZE, 0);
        channel.config().setRecvByteBufAllocator(readsPerWakeUp(GRO_BUFFER_BYTES, GRO_READS_PER_WAKEUP));
        return true;
    }

    /** True when batches leave with one UDP_SEGMENT send ({@link #sendSegments}). */
    public boolean isGso() {
        return gso;
    }

    /** True when the socket receives with UDP_GRO. */
    public boolean isGro() {
        return gro;
    }

    /**
     * Runs {@code action} on the loop after each burst of datagrams handed to the sink (one
     * epoll wake-up's reads), so a receiver can coalesce per burst. Call before {@link #start}.
     */
    @Override
    public boolean onReadComplete(Runnable action) {
        this.readComplete = Objects.requireNonNull(action, "action");
        return true;
    }

    /**
     * Queues {@code payload}, consecutive datagrams of {@code segmentSize} bytes each (the last
     * may be shorter), for {@code destination} from the flow's source port: one UDP_SEGMENT send
     * with GSO, else one datagram per segment (slices of the same buffer). Takes ownership. At
     * most 64 segments and 65507 bytes (the kernel's UDP_MAX_SEGMENTS and IPv4 limit).
     */
    @Override
    public void sendSegments(ByteBuf payload, int segmentSize, InetSocketAddress destination, int sourcePort) {
        int length = payload.readableBytes();
        if (segmentSize <= 0 || length > MAX_GSO_BYTES) {
            payload.release();
            throw new IllegalArgumentException("segmentSize " + segmentSize + " / " + length + " bytes");
        }
        if (length <= segmentSize) {
            send(payload, destination, sourcePort);
            return;
        }
        int segments = (length + segmentSize - 1) / segmentSize;
        if (gso && segments <= MAX_GSO_SEGMENTS) {
            Channel sender = senders.length == 0 ? channel : senders[Math.floorMod(sourcePort, senders.length)];
            if (!sender.isWritable()) {
                sendDrops.addAndGet(segments);
                payload.release();
                return;
            }
            sender.write(new SegmentedDatagramPacket(payload, segmentSize, destination), sender.voidPromise());
            gsoSends.lazySet(gsoSends.get() + 1);
            gsoSegments.lazySet(gsoSegments.get() + segments);
            datagramsSent += segments;
            if (senders.length > 0) {
                unflushed[Math.floorMod(sourcePort, senders.length)] = true;
            }
            return;
        }
        Underlay.super.sendSegments(payload, segmentSize, destination, sourcePort);
    }

    @Override
    public boolean sendsSegmentsAtOnce() {
        return gso;
    }

    /** True when the socket runs on the epoll transport (so TAP devices can join its loop). */
    public boolean isEpoll() {
        return epoll;
    }

    @Override
    public EventLoop loop() {
        return channel.eventLoop();
    }

    @Override
    public InetSocketAddress localAddress() {
        return (InetSocketAddress) channel.localAddress();
    }

    @Override
    public void start(DatagramSink sink) {
        this.sink = Objects.requireNonNull(sink, "sink");
        channel.config().setAutoRead(true);
    }

    @Override
    public void send(ByteBuf payload, InetSocketAddress destination) {
        if (!channel.isWritable()) {
            // the kernel send buffer and our queue are full: dropping is what a NIC ring does
            sendDrops.incrementAndGet();
            payload.release();
            return;
        }
        channel.write(new DatagramPacket(payload, destination), channel.voidPromise());
        datagramsSent++;
        mainUnflushed = true;
    }

    @Override
    public void send(ByteBuf payload, InetSocketAddress destination, int sourcePort) {
        if (senders.length == 0) {
            send(payload, destination);
            return;
        }
        int index = Math.floorMod(sourcePort, senders.length);
        Channel sender = senders[index];
        if (!sender.isWritable()) {
            sendDrops.incrementAndGet();
            payload.release();
            return;
        }
        sender.write(new DatagramPacket(payload, destination), sender.voidPromise());
        datagramsSent++;
        unflushed[index] = true;
    }

    @Override
    public void flush() {
        if (mainUnflushed) {
            mainUnflushed = false;
            sendCalls++;
        }
        channel.flush();
        for (int i = 0; i < senders.length; i++) {
            if (unflushed[i]) {
                unflushed[i] = false;
                sendCalls++;
                senders[i].flush();
            }
        }
    }

    /** The source ports flows leave from (empty: all leave from the VXLAN port). */
    public List<Integer> flowSourcePorts() {
        List<Integer> ports = new ArrayList<>();
        for (Channel sender : senders) {
            ports.add(((InetSocketAddress) sender.localAddress()).getPort());
        }
        return ports;
    }

    /** Counters of the offloads, for the agent's report. */
    public java.util.Map<String, Long> offloadCounters() {
        java.util.Map<String, Long> values = new java.util.LinkedHashMap<>();
        values.put("udpGso", gso ? 1L : 0L);
        values.put("udpGro", gro ? 1L : 0L);
        values.put("gsoSends", gsoSends.get());
        values.put("gsoSegments", gsoSegments.get());
        values.put("datagramsReceived", datagramsReceived.get());
        values.put("receiveBatches", receiveBatches.get());
        values.put("receiveCalls", receiveCalls);
        values.put("sendCalls", sendCalls);
        values.put("datagramsSent", datagramsSent);
        return values;
    }

    /** Payloads dropped because the outbound queue was full. */
    public long sendDrops() {
        return sendDrops.get();
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        channel.close().awaitUninterruptibly();
        for (Channel sender : senders) {
            sender.close().awaitUninterruptibly();
        }
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly();
    }

    /**
     * True for a datagram at the start of the buffer a receive call filled: a datagram of its
     * own, or the first slice of a recvmmsg batch or of a GRO buffer (Netty slices the others
     * out of the same buffer behind it).
     */
    private static boolean startsItsBuffer(ByteBuf content) {
        ByteBuf parent = content.unwrap();
        if (parent == null || !content.hasMemoryAddress() || !parent.hasMemoryAddress()) {
            return true;
        }
        return content.memoryAddress() == parent.memoryAddress();
    }

    private final class Receiver extends ChannelInboundHandlerAdapter {

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            DatagramSink target = sink;
            if (msg instanceof DatagramPacket packet && target != null) {
                // ownership of the content passes to the sink
                datagramsReceived.lazySet(datagramsReceived.get() + 1);
                if (startsItsBuffer(packet.content())) {
                    receiveCalls++;
                }
                target.accept(packet.content(), packet.sender());
            } else {
                ReferenceCountUtil.release(msg);
            }
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            receiveBatches.lazySet(receiveBatches.get() + 1);
            readComplete.run();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            // an unconnected UDP socket only sees transient errors here; keep serving
            log.debug("underlay socket error on {}: {}", channel.localAddress(), cause.toString());
        }
    }
}
