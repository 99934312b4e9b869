package io.vpclab.dataplane.underlay.netty;

import io.netty.channel.Channel;
import io.netty.channel.ChannelException;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.unix.IntegerUnixChannelOption;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns off UDP checksums on send (SO_NO_CHECK), as RFC 7348 section 5 allows over IPv4 and as
 * the kernel's own vxlan device sends by default: the inner frame carries its own checksums.
 * Receivers accept 0 anyway. Only possible on the epoll transport, which sets the raw socket
 * option itself (no C library binding needed).
 */
final class UdpChecksum {

    private static final Logger log = LoggerFactory.getLogger(UdpChecksum.class);

    /** asm-generic/socket.h: SOL_SOCKET 1, SO_NO_CHECK 11. */
    static final IntegerUnixChannelOption SO_NO_CHECK = new IntegerUnixChannelOption("SO_NO_CHECK", 1, 11);

    private UdpChecksum() {}

    /** True when the socket now sends checksum 0; false (logged) when the transport cannot. */
    static boolean disable(Channel channel) {
        if (!(channel instanceof EpollDatagramChannel)) {
            return false;
        }
        try {
            return channel.config().setOption(SO_NO_CHECK, 1);
        } catch (ChannelException e) {
            log.debug("SO_NO_CHECK refused on {}: {}", channel.localAddress(), e.toString());
            return false;
        }
    }
}
