/**
 * The production {@link io.vpclab.dataplane.underlay.Underlay}: one UDP socket on a one-thread
 * Netty event loop, epoll with recvmmsg batches on Linux and NIO elsewhere. Sends are queued
 * and leave on {@code flush()} (sendmmsg when several are queued). One socket per VTEP; nothing
 * grows with the number of peers.
 */
package io.vpclab.dataplane.underlay.netty;
