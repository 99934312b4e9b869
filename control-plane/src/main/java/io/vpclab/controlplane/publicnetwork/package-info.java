/**
 * The simulated provider network as configured ({@code vpclab.public.*}): VNI, range, gateway,
 * elastic IP pool and internet hosts placed on VTEP hosts by name, checked at startup. The
 * southbound resolves it for the compiler, the segment allocator keeps its VNI free, and the
 * elastic IP and internet host features read it through
 * {@link io.vpclab.controlplane.internethost.PublicAddressing}.
 */
package io.vpclab.controlplane.publicnetwork;
