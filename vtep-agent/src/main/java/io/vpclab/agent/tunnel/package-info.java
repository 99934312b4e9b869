/**
 * The point-to-point tunnel of the {@code --tap} mode: a frame device joined to one remote VTEP
 * with one VNI, the kernel's {@code vxlan ... remote} without learning. No tables: its state is
 * the remote address, the VNI and counters.
 */
package io.vpclab.agent.tunnel;
