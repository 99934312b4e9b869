package io.vpclab.dataplane.wireguard;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOption;
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
import io.vpclab.net.WireGuardKeys;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A WireGuard interface on a UDP socket: a {@link WireGuardDevice} on a one-thread Netty event
 * loop (epoll on Linux, NIO elsewhere), its timers ticking every 100 ms. {@link #send} may be
 * called from any thread; decrypted packets reach the handler on the event loop.
 */
public final class WireGuardEndpoint implements AutoCloseable {

    private static final long TICK_MILLIS = 100;

    private final IoEventLoopGroup group;
    private final Channel channel;
    private final WireGuardDevice device;

    private WireGuardEndpoint(IoEventLoopGroup group, Channel channel, WireGuardDevice device) {
        this.group = group;
        this.channel = channel;
        this.device = device;
    }

    /** Binds {@code local} (port 0: any free port) with {@code privateKey}; decrypted packets go to {@code handler}. */
    public static WireGuardEndpoint open(
            byte[] privateKey, InetSocketAddress local, WireGuardClock clock, WireGuardDevice.PacketHandler handler) {
        boolean epoll = Epoll.isAvailable();
        IoEventLoopGroup group = new MultiThreadIoEventLoopGroup(
                1,
                new DefaultThreadFactory("wireguard-" + local.getPort(), true),
                epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory());
        try {
            // the device exists before the socket reads its first datagram
            Channel[] socket = new Channel[1];
            WireGuardDevice device = new WireGuardDevice(
                    privateKey,
                    clock,
                    (datagram, recipient) -> socket[0].writeAndFlush(new DatagramPacket(
                            socket[0]
                                    .alloc()
                                    .directBuffer(datagram.readableBytes())
                                    .writeBytes(datagram),
                            recipient)),
                    handler);
            Channel channel = new Bootstrap()
                    .group(group)
                    .channel(epoll ? EpollDatagramChannel.class : NioDatagramChannel.class)
                    .option(ChannelOption.SO_RCVBUF, 4 << 20)
                    .option(ChannelOption.SO_SNDBUF, 4 << 20)
                    .handler(new SimpleChannelInboundHandler<DatagramPacket>() {
                        @Override
                        public void channelRegistered(ChannelHandlerContext context) {
                            socket[0] = context.channel();
                            context.fireChannelRegistered();
                        }

                        @Override
                        protected void channelRead0(ChannelHandlerContext context, DatagramPacket packet) {
                            device.receive(packet.content(), packet.sender());
                        }
                    })
                    .bind(local)
                    .sync()
                    .channel();
            channel.eventLoop().scheduleAtFixedRate(device::tick, TICK_MILLIS, TICK_MILLIS, TimeUnit.MILLISECONDS);
            return new WireGuardEndpoint(group, channel, device);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            group.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS);
            throw new IllegalStateException("interrupted binding " + local, e);
        } catch (RuntimeException e) {
            group.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS);
            throw e;
        }
    }

    public InetSocketAddress localAddress() {
        return (InetSocketAddress) channel.localAddress();
    }

    public String publicKey() {
        return WireGuardKeys.toBase64(device.publicKey());
    }

    public WireGuardPeer addPeer(WireGuardPeerConfig config) {
        return onLoop(() -> device.addPeer(config));
    }

    public List<WireGuardPeer> peers() {
        return onLoop(device::peers);
    }

    public long drops(DropReason reason) {
        return device.drops(reason);
    }

    /** Encrypts and sends an IPv4 packet (readable bytes); the caller keeps ownership of the buffer. */
    public void send(ByteBuf packet) {
        if (channel.eventLoop().inEventLoop()) {
            device.send(packet);
            return;
        }
        ByteBuf copy = packet.copy();
        channel.eventLoop().execute(() -> {
            try {
                device.send(copy);
            } finally {
                copy.release();
            }
        });
    }

    private <T> T onLoop(Callable<T> task) {
        try {
            return channel.eventLoop().submit(task).get(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new IllegalStateException(e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("the WireGuard event loop did not answer in 10 s", e);
        }
    }

    @Override
    public void close() {
        channel.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
    }
}
