package io.vpclab.dataplane.underlay.netty;

import com.sun.jna.LastErrorException;
import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.ptr.IntByReference;
import io.netty.channel.Channel;
import io.netty.channel.epoll.EpollDatagramChannel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns off UDP checksums on send (SO_NO_CHECK), as RFC 7348 section 5 allows over IPv4 and as
 * the kernel's own vxlan device sends by default: the inner frame carries its own checksums.
 * Receivers accept 0 anyway. Only possible on the epoll transport (a file descriptor to set).
 */
final class UdpChecksum {

    private static final Logger log = LoggerFactory.getLogger(UdpChecksum.class);

    /** asm-generic/socket.h */
    private static final int SOL_SOCKET = 1;
    private static final int SO_NO_CHECK = 11;

    private interface LibC extends Library {
        int setsockopt(int fd, int level, int option, IntByReference value, int length) throws LastErrorException;
    }

    private UdpChecksum() {
    }

    /** True when the socket now sends checksum 0; false (logged) when the transport cannot. */
    static boolean disable(Channel channel) {
        if (!(channel instanceof EpollDatagramChannel epoll)) {
            return false;
        }
        try {
            Holder.LIBC.setsockopt(epoll.fd().intValue(), SOL_SOCKET, SO_NO_CHECK, new IntByReference(1), 4);
            return true;
        } catch (LastErrorException | UnsatisfiedLinkError e) {
            log.debug("SO_NO_CHECK refused on {}: {}", channel.localAddress(), e.toString());
            return false;
        }
    }

    /** Loaded on first use, so NIO-only runs never load the C library. */
    private static final class Holder {
        static final LibC LIBC = Native.load("c", LibC.class);
    }
}
