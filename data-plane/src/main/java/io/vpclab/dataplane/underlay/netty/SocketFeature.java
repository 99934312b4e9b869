package io.vpclab.dataplane.underlay.netty;

/** What the underlay socket got from the kernel when it was bound: each is asked for, and may be refused. */
enum SocketFeature {
    /** The epoll transport (Linux): recvmmsg batches, and TAP devices can share the loop. */
    EPOLL,
    /** UDP_SEGMENT: a batch of same-sized datagrams leaves in one send. */
    UDP_GSO,
    /** UDP_GRO: runs of same-sized datagrams of one sender arrive as one buffer. */
    UDP_GRO
}
