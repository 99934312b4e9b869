/**
 * The point-to-point tunnel of the {@code --tap} mode: a frame device joined to one remote VTEP
 * with one VNI, the kernel's {@code vxlan ... remote} without learning. No tables: its state is
 * the remote address, the VNI and counters. {@link io.vpclab.agent.tunnel.OffloadTunnel} is the
 * fast path (TAP virtio-net header + TSO, UDP GSO/GRO, userspace segmentation and coalescing);
 * {@link io.vpclab.agent.tunnel.PointToPointTunnel} the plain one, a frame per read and per send.
 */
package io.vpclab.agent.tunnel;
