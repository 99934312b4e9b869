/**
 * Ports: the instance side of the VTEP. {@link io.vpclab.dataplane.port.FrameDevice} is the
 * contract shared by the TAP device, the in-memory twin
 * ({@link io.vpclab.dataplane.port.InMemoryFrameDevice}) and the simulated host. Frames travel
 * with {@link io.vpclab.dataplane.port.FrameDevice#HEADROOM} bytes before them so VXLAN
 * encapsulation writes its header in place.
 */
package io.vpclab.dataplane.port;
