/**
 * The fast path's codec, pure and allocation free: {@link io.vpclab.dataplane.offload.VirtioNetHeader}
 * (the header of a TAP opened with {@code IFF_VNET_HDR}), {@link io.vpclab.dataplane.offload.GsoSegmenter}
 * (a 64 KB TSO or USO burst from the TAP into MSS-sized inner frames laid out for one UDP GSO send,
 * each with complete checksums; the transport's own fields by {@code TcpSegmenter} and
 * {@code UdpSegmenter}), {@link io.vpclab.dataplane.offload.TcpCoalescer} (inner segments of
 * one receive batch back into one burst for one TAP write, each frame's checksum judged: verified,
 * left partial by a kernel sender with checksum offload, or neither) and
 * {@link io.vpclab.dataplane.packet.Checksums} (RFC 1071/1624 over {@link io.netty.buffer.ByteBuf} ranges).
 *
 * <p>No I/O and no state that grows with traffic: a segmenter holds counters, a coalescer one
 * pending burst in a caller-given scratch buffer (a virtio-net header plus 64 KiB). The I/O side
 * (TAP, UDP GSO/GRO) lives in {@code tap} and {@code underlay}.
 */
package io.vpclab.dataplane.offload;
