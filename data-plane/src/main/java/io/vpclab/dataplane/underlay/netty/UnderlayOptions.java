package io.vpclab.dataplane.underlay.netty;

/**
 * Tuning of a {@link NettyUdpUnderlay}.
 *
 * @param maxDatagramBytes  largest UDP payload received; the underlay MTU minus 28 (IPv4 + UDP)
 * @param receiveBatch      datagrams per recvmmsg call (epoll only)
 * @param socketBufferBytes SO_RCVBUF and SO_SNDBUF; the kernel caps them at net.core.[rw]mem_max
 * @param sendQueueBytes    bytes queued in Netty (socket full) before sends are dropped
 * @param preferEpoll       use epoll when available; false forces NIO (tests of the fallback)
 * @param udpGso            send batches of equal-sized datagrams with one UDP_SEGMENT send when
 *                          the kernel supports it (epoll only)
 * @param udpGro            receive with UDP_GRO (the kernel hands over coalesced datagrams, which
 *                          Netty splits into slices of one buffer) instead of recvmmsg (epoll only)
 */
public record UnderlayOptions(
        int maxDatagramBytes,
        int receiveBatch,
        int socketBufferBytes,
        int sendQueueBytes,
        boolean preferEpoll,
        boolean udpGso,
        boolean udpGro) {

    /** Options without GSO/GRO, as before those offloads existed. */
    public UnderlayOptions(
            int maxDatagramBytes, int receiveBatch, int socketBufferBytes, int sendQueueBytes, boolean preferEpoll) {
        this(maxDatagramBytes, receiveBatch, socketBufferBytes, sendQueueBytes, preferEpoll, false, false);
    }

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
        return new UnderlayOptions(
                underlayMtu - IPV4_UDP_HEADERS, DEFAULT_RECEIVE_BATCH, DEFAULT_SOCKET_BUFFER, DEFAULT_SEND_QUEUE, true);
    }

    /** Options for a 1500-byte underlay. */
    public static UnderlayOptions defaults() {
        return forUnderlayMtu(1500);
    }

    /** The same options on the NIO transport (no GSO or GRO there). */
    public UnderlayOptions withNio() {
        return new UnderlayOptions(
                maxDatagramBytes, receiveBatch, socketBufferBytes, sendQueueBytes, false, false, false);
    }

    /** The same options asking for UDP GSO on send and UDP GRO on receive, each where the kernel has it. */
    public UnderlayOptions withOffloads(boolean gso, boolean gro) {
        return new UnderlayOptions(
                maxDatagramBytes, receiveBatch, socketBufferBytes, sendQueueBytes, preferEpoll, gso, gro);
    }
}
