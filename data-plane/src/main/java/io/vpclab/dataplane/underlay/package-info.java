/**
 * The underlay: the VTEP's UDP socket toward other VTEPs, behind
 * {@link io.vpclab.dataplane.underlay.Underlay}. Production uses the Netty epoll/NIO
 * implementation in {@code underlay.netty}; tests join {@link io.vpclab.dataplane.underlay.InMemoryUnderlay}s
 * to one hub so several VTEPs exchange datagrams in one JVM.
 */
package io.vpclab.dataplane.underlay;
