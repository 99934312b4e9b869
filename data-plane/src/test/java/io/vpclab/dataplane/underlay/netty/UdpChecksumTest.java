package io.vpclab.dataplane.underlay.netty;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioDatagramChannel;
import java.net.InetSocketAddress;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

class UdpChecksumTest {

    @Test
    void anEpollSocketSendsWithoutChecksumAsTheKernelReportsBack() throws InterruptedException {
        Assumptions.assumeTrue(Epoll.isAvailable(), "SO_NO_CHECK is set through Netty's epoll transport (Linux)");
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
        try {
            Channel channel = bind(group, EpollDatagramChannel.class);
            assertThat(channel.config().getOption(UdpChecksum.SO_NO_CHECK))
                    .as("before")
                    .isZero();
            assertThat(UdpChecksum.disable(channel)).isTrue();
            assertThat(channel.config().getOption(UdpChecksum.SO_NO_CHECK))
                    .as("getsockopt after")
                    .isEqualTo(1);
            channel.close().sync();
        } finally {
            group.shutdownGracefully(0, 0, java.util.concurrent.TimeUnit.SECONDS)
                    .sync();
        }
    }

    @Test
    void aNioSocketKeepsItsChecksum() throws InterruptedException {
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        try {
            Channel channel = bind(group, NioDatagramChannel.class);
            assertThat(UdpChecksum.disable(channel)).isFalse();
            channel.close().sync();
        } finally {
            group.shutdownGracefully(0, 0, java.util.concurrent.TimeUnit.SECONDS)
                    .sync();
        }
    }

    private static Channel bind(EventLoopGroup group, Class<? extends Channel> type) throws InterruptedException {
        return new Bootstrap()
                .group(group)
                .channel(type)
                .handler(new ChannelInboundHandlerAdapter())
                .bind(new InetSocketAddress("127.0.0.1", 0))
                .sync()
                .channel();
    }
}
