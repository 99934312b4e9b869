/**
 * Static views over a Netty {@link io.netty.buffer.ByteBuf} at an absolute offset: Ethernet
 * (with 802.1Q), ARP, IPv4, ICMP, UDP, TCP and VXLAN. No object per header and no
 * {@code byte[]} copy: {@code Ipv4.ttl(buf, off)} reads one byte where it lies, and writers patch
 * fields in place. Reader and writer indexes are never moved by a view.
 *
 * <p>Getters assume the caller checked that the header fits; {@link io.vpclab.dataplane.packet.Packets#require}
 * is the one bounds check, and its {@link io.vpclab.dataplane.packet.PacketFormatException} the one
 * message format, used by every {@code headerLength}/{@code check} method here.
 *
 * <p>Wire fields with a fixed vocabulary are enums carrying their wire value
 * ({@link io.vpclab.dataplane.packet.EtherType}, {@link io.vpclab.dataplane.packet.IpProtocol},
 * {@link io.vpclab.dataplane.packet.ArpOperation}, {@link io.vpclab.dataplane.packet.IcmpType});
 * their {@code of(int)} refuses unknown values loudly, while the hot path switches on the raw
 * constants so that an unknown value is a counted drop, not an exception.
 */
package io.vpclab.dataplane.packet;
