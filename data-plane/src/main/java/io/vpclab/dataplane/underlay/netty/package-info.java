/**
 * The production {@link io.vpclab.dataplane.underlay.Underlay}: one UDP socket on a one-thread
 * Netty event loop, epoll with recvmmsg batches on Linux and NIO elsewhere. Sends are queued
 * and leave on {@code flush()} (sendmmsg when several are queued). With offloads, a run of
 * equal-sized datagrams leaves in one UDP_SEGMENT send and the socket receives with UDP_GRO.
 * One socket per VTEP (plus a few send-only ones for flow source ports); nothing grows with the
 * number of peers.
 */
package io.vpclab.dataplane.underlay.netty;
