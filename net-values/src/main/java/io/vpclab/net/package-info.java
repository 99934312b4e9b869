/**
 * Network values and spec constants shared by every module: {@link io.vpclab.net.Ipv4Address},
 * {@link io.vpclab.net.MacAddress}, {@link io.vpclab.net.Ipv4Prefix}
 * (the one IPv4 prefix type, parsed strictly), {@link io.vpclab.net.Vni}, {@link io.vpclab.net.VxlanSpec},
 * {@link io.vpclab.net.VlanSpec} and {@link io.vpclab.net.CidrBlockLimits}. Plain Java only, so
 * that the control plane uses them without pulling in Netty, and the data plane without Spring.
 */
package io.vpclab.net;
