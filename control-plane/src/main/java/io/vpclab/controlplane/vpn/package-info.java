/**
 * Site-to-site VPN over WireGuard: customer gateways (the on-premises peer: public IP and public
 * key), VPN gateways (one per VPC, placed on a host like a NAT gateway, with a key pair the server
 * generates and never returns) and VPN connections (gateway + customer gateway + static
 * on-premises CIDR blocks, optional preshared key). Subnets of the VPC route the on-premises
 * blocks to the gateway through {@link io.vpclab.controlplane.vpn.VpnRoutes}; the on-premises side
 * downloads its {@code wg-quick} file from {@link io.vpclab.controlplane.vpn.WgQuickConfiguration}.
 */
package io.vpclab.controlplane.vpn;
