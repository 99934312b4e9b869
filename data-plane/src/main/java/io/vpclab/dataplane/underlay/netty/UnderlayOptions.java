package io.vpclab.dataplane.underlay.netty;

/**
 * Tuning of a {@link NettyUdpUnderlay}.
 *
 * @param maxDatagramBytes  largest UDP payload received; the underlay MTU minus 28 (IPv4 + UDP)
 * @param receiveBatch      datagrams per recvmmsg call (epoll only)
 * @param socketBufferBytes SO_RCVBUF and SO_SNDBUF; the kernel caps them at net.core.[rw]mem_max
 * @param sendQueueBytes    bytes queued in Netty (socket full) before sends are dropped
 * @param preferEpoll       use epoll when available; false forces NIO (tests of the fallback)
 */
public record UnderlayOptions(int maxDatagramBytes, int receiveBatch, int socketBufferBytes,
                              int sendQueueBytes, boolean preferEpoll) {

    /** IPv4 (20) + UDP (8) headers: payload = underlay MTU - 28. */
    public static final int IPV4_UDP_HEADERS = 28;

    /** 32 datagrams per recvmmsg: the bench's C VTEP saw no gain beyond that. */
    private static final int DEFAULT_RECEIVE_BATCH = 32;
    /** Room for bursts of a few thousand full frames between two loop turns. */
    private static final int DEFAULT_SOCKET_BUFFER = 4 * 1024 * 1024;
    /** About 700 full frames waiting for the socket before we drop. */
    private static final int DEFAULT_SEND_QUEUE = 1024 * 1024;

    public UnderlayOptions {
        if (maxDatagramBytes < 64 || maxDatagramBytes > 65507) {
            throw new IllegalArgumentException("maxDatagramBytes must be 64..65507, got " + maxDatagramBytes);
        }
        if (receiveBatch < 1 || receiveBatch > 1024) {
            throw new IllegalArgumentException("receiveBatch must be 1..1024, got " + receiveBatch);
        }
        if (socketBufferBytes < 65536) {
            throw new IllegalArgumentException("socketBufferBytes must be >= 65536, got " + socketBufferBytes);
        }
        if (sendQueueBytes < 65536) {
            throw new IllegalArgumentException("sendQueueBytes must be >= 65536, got " + sendQueueBytes);
        }
    }

    /** Options for an underlay of the given MTU (1500 on Ethernet). */
    public static UnderlayOptions forUnderlayMtu(int underlayMtu) {
        return new UnderlayOptions(underlayMtu - IPV4_UDP_HEADERS, DEFAULT_RECEIVE_BATCH,
                DEFAULT_SOCKET_BUFFER, DEFAULT_SEND_QUEUE, true);
    }

    /** Options for a 1500-byte underlay. */
    public static UnderlayOptions defaults() {
        return forUnderlayMtu(1500);
    }

    /** The same options on the NIO transport. */
    public UnderlayOptions withNio() {
        return new UnderlayOptions(maxDatagramBytes, receiveBatch, socketBufferBytes, sendQueueBytes, false);
    }
}
