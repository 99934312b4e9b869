/**
 * Linux TAP devices as {@link io.vpclab.dataplane.port.FrameDevice}s: opened with JNA through
 * {@code /dev/net/tun} ({@code TUNSETIFF}, {@code IFF_TAP | IFF_NO_PI}) and read on the Netty
 * epoll event loop that also owns the UDP underlay, one pooled direct buffer per frame with
 * {@link io.vpclab.dataplane.port.FrameDevice#HEADROOM} bytes in front for the VXLAN header.
 * Opened with offloads ({@code IFF_VNET_HDR}, {@code TUNSETOFFLOAD}, each flag probed, see
 * {@link io.vpclab.dataplane.tap.TapOffloads}) a TAP is a
 * {@link io.vpclab.dataplane.tap.VnetFrameDevice}: a virtio-net header before every frame and
 * TCP bursts of up to 64 KB, read into one reused buffer; as a port it is a
 * {@link io.vpclab.dataplane.tap.SegmentingTapPort}, which offers each burst to the pipeline whole,
 * segments what the pipeline refuses, and coalesces the frames written toward the instance into
 * one write per burst. One fd per TAP; no state grows with traffic.
 */
package io.vpclab.dataplane.tap;
