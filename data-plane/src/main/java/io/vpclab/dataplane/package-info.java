/**
 * The VPC Lab data plane: a userspace VXLAN tunnel endpoint as a library without Spring.
 * {@link io.vpclab.dataplane.Vtep} is the entry point; it ties an
 * {@link io.vpclab.dataplane.underlay.Underlay}, ports ({@link io.vpclab.dataplane.port.FrameDevice})
 * and the {@link io.vpclab.dataplane.pipeline.Pipeline} together on one event loop.
 */
package io.vpclab.dataplane;
