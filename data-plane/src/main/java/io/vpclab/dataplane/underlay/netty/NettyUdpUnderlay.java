package io.vpclab.dataplane.underlay.netty;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.IoEventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.DatagramPacket;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.util.ReferenceCountUtil;
import io.vpclab.dataplane.underlay.DatagramSink;
import io.vpclab.dataplane.underlay.Underlay;
import java.net.InetSocketAddress;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import io.vpclab.dataplane.packet.Vxlan;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
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

    /** Enough source ports for an underlay's ECMP to spread flows; each is one more socket. */
    static final int FLOW_PORT_SOCKETS = 8;
    private static final int FLOW_PORT_ATTEMPTS = 64;

    private final IoEventLoopGroup group;
    private final boolean ownsGroup;
    private final Channel channel;
    private final boolean epoll;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final AtomicLong sendDrops = new AtomicLong();
    /** Send-only sockets on flow-hashed source ports; written and flushed on the loop only. */
    private final Channel[] senders;
    private final boolean[] unflushed;
    private volatile DatagramSink sink;

    private NettyUdpUnderlay(IoEventLoopGroup group, boolean ownsGroup, Channel channel, boolean epoll,
                             Channel[] senders) {
        this.senders = senders;
        this.unflushed = new boolean[senders.length];
        this.group = group;
        this.ownsGroup = ownsGroup;
        this.channel = channel;
        this.epoll = epoll;
    }

    /**
     * Binds a UDP socket to {@code local} on a new one-thread event loop (epoll when available),
     * which this underlay shuts down on {@link #close()}.
     */
    public static NettyUdpUnderlay bind(InetSocketAddress local, UnderlayOptions options) {
        boolean epoll = options.preferEpoll() && Epoll.isAvailable();
        // daemon: an agent embedded in another JVM (the all-in-one demo, tests) must not keep it alive
        IoEventLoopGroup group = new MultiThreadIoEventLoopGroup(1,
                new DefaultThreadFactory("vtep-" + local.getPort(), true),
                epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory());
        try {
            return bind(local, options, group, true, epoll);
        } catch (RuntimeException e) {
            group.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS);
            throw e;
        }
    }

    /** Binds with the default {@link UnderlayOptions}. */
    public static NettyUdpUnderlay bind(InetSocketAddress local) {
        return bind(local, UnderlayOptions.defaults());
    }

    private static NettyUdpUnderlay bind(InetSocketAddress local, UnderlayOptions options,
                                         IoEventLoopGroup group, boolean ownsGroup, boolean epoll) {
        Objects.requireNonNull(local, "local");
        Bootstrap bootstrap = new Bootstrap()
                .group(group)
                // nothing is read before start(sink): datagrams wait in the socket buffer
                .option(ChannelOption.AUTO_READ, false)
                .option(ChannelOption.SO_RCVBUF, options.socketBufferBytes())
                .option(ChannelOption.SO_SNDBUF, options.socketBufferBytes())
                .option(ChannelOption.WRITE_BUFFER_WATER_MARK,
                        new WriteBufferWaterMark(options.sendQueueBytes() / 2, options.sendQueueBytes()))
                .handler(new ChannelInboundHandlerAdapter());
        if (epoll) {
            int size = options.maxDatagramBytes();
            bootstrap.channel(EpollDatagramChannel.class)
                    // recvmmsg: one syscall fills up to batch datagrams into one buffer of batch x size
                    .option(EpollChannelOption.MAX_DATAGRAM_PAYLOAD_SIZE, size)
                    .option(ChannelOption.RCVBUF_ALLOCATOR,
                            new FixedRecvByteBufAllocator(size * options.receiveBatch()));
        } else {
            bootstrap.channel(NioDatagramChannel.class)
                    .option(ChannelOption.RCVBUF_ALLOCATOR,
                            new FixedRecvByteBufAllocator(options.maxDatagramBytes()));
        }
        Channel channel;
        try {
            channel = bootstrap.bind(local).sync().channel();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while binding UDP " + local, e);
        } catch (Exception e) {
            throw new IllegalStateException("cannot bind UDP " + local + ": " + e.getMessage(), e);
        }
        UdpChecksum.disable(channel);
        Channel[] senders = flowPortSenders(bootstrap, local, epoll);
        NettyUdpUnderlay underlay = new NettyUdpUnderlay(group, ownsGroup, channel, epoll, senders);
        channel.pipeline().addLast(underlay.new Receiver());
        log.debug("underlay bound to {} ({})", channel.localAddress(), epoll ? "epoll" : "nio");
        return underlay;
    }

    /**
     * Send-only sockets on the underlay address, bound to ports in 49152..65535: the pipeline's
     * hash of the inner flow picks one, so one flow keeps one source port and many flows spread
     * over several, as RFC 7348 section 5 asks (for ECMP in the underlay). Ports that are taken
     * are skipped; with none free, everything leaves from the VXLAN port.
     */
    private static Channel[] flowPortSenders(Bootstrap bootstrap, InetSocketAddress local, boolean epoll) {
        List<Channel> bound = new ArrayList<>();
        int first = Vxlan.SOURCE_PORT_MIN + ThreadLocalRandom.current().nextInt(Vxlan.SOURCE_PORT_RANGE);
        for (int attempt = 0; attempt < FLOW_PORT_ATTEMPTS && bound.size() < FLOW_PORT_SOCKETS; attempt++) {
            int port = Vxlan.SOURCE_PORT_MIN + (first - Vxlan.SOURCE_PORT_MIN + attempt) % Vxlan.SOURCE_PORT_RANGE;
            try {
                // a handler instance belongs to one channel: each sender gets its own
                Channel sender = bootstrap.clone().option(ChannelOption.SO_RCVBUF, 65536)
                        .handler(new ChannelInboundHandlerAdapter())
                        .bind(new InetSocketAddress(local.getAddress(), port)).sync().channel();
                if (epoll) {
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
        unflushed[index] = true;
    }

    @Override
    public void flush() {
        channel.flush();
        for (int i = 0; i < senders.length; i++) {
            if (unflushed[i]) {
                unflushed[i] = false;
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
        if (ownsGroup) {
            group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly();
        }
    }

    private final class Receiver extends ChannelInboundHandlerAdapter {

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            DatagramSink target = sink;
            if (msg instanceof DatagramPacket packet && target != null) {
                // ownership of the content passes to the sink
                target.accept(packet.content(), packet.sender());
            } else {
                ReferenceCountUtil.release(msg);
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            // an unconnected UDP socket only sees transient errors here; keep serving
            log.debug("underlay socket error on {}: {}", channel.localAddress(), cause.toString());
        }
    }
}
