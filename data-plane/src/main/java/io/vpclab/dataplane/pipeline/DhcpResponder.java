package io.vpclab.dataplane.pipeline;

import io.netty.buffer.ByteBuf;
import io.vpclab.dataplane.packet.Dhcp;
import io.vpclab.dataplane.packet.DhcpMessageType;
import io.vpclab.dataplane.packet.EtherType;
import io.vpclab.dataplane.packet.Ethernet;
import io.vpclab.dataplane.packet.IpProtocol;
import io.vpclab.dataplane.packet.Ipv4;
import io.vpclab.dataplane.packet.PacketFormatException;
import io.vpclab.dataplane.packet.Udp;
import io.vpclab.dataplane.port.FrameDevice;
import io.vpclab.dataplane.stats.DropReason;
import io.vpclab.dataplane.table.ForwardingState;
import io.vpclab.dataplane.table.LocalPort;
import io.vpclab.net.MacAddress;
import java.nio.charset.StandardCharsets;

/**
 * Stage 4b, DHCP responder, as OVN's native DHCP: a client message from a port is answered here
 * from the port's own binding, never forwarded. DISCOVER gets OFFER; REQUEST gets ACK for the
 * port's address and NAK for any other (RFC 2131 s4.3.2), nothing when it names another server;
 * INFORM gets ACK with the options and no lease (s4.3.5); RELEASE and DECLINE are taken without
 * answer ({@link DropReason#DHCP_UNANSWERED}), since the address belongs to the port whatever the
 * client says. Offers carry the mask,
 * the router (the subnet's gateway, also the server identifier), DNS at the subnet's base + 2 (the
 * address AWS reserves for it), the interface MTU (option 26), the host name (the instance's) and
 * the lease. The server speaks from the router's MAC and the gateway address. A port without an
 * address, on a segment without a router, or behind a learning peer is not served: its DHCP goes
 * on as any frame would (6 or 7).
 */
final class DhcpResponder {

    /**
     * Lease length: the address never changes while the port exists, so the lease only bounds how
     * long a guest keeps it after its port is gone; an hour keeps renewals rare and visible.
     */
    static final int LEASE_SECONDS = 3600;

    /** TTL of the replies (Linux's default too). */
    private static final int ORIGINATED_TTL = 64;

    private static final int HEADERS = Ethernet.HEADER_LENGTH + Ipv4.MIN_HEADER_LENGTH + Udp.HEADER_LENGTH;
    private static final int LIMITED_BROADCAST = 0xFFFF_FFFF;

    private final Forwarding forwarding;
    private final L3Router router;
    private final L2Forwarder bridge;

    DhcpResponder(Forwarding forwarding, L3Router router, L2Forwarder bridge) {
        this.forwarding = forwarding;
        this.router = router;
        this.bridge = bridge;
    }

    /**
     * True when the IPv4 packet at {@code ip} (validated by stage 1) is a client's message to a
     * DHCP server: UDP from port 68 to port 67, not a fragment. Allocation free, for stages 1 and 3.
     */
    static boolean isClientMessage(ByteBuf frame, int ip) {
        if (Ipv4.protocol(frame, ip) != IpProtocol.UDP_VALUE || Ipv4.isFragment(frame, ip)) {
            return false;
        }
        int udp = ip + Ipv4.headerLength(frame, ip);
        return udp + Udp.HEADER_LENGTH <= ip + Ipv4.totalLength(frame, ip)
                && Udp.destinationPort(frame, udp) == Dhcp.SERVER_PORT
                && Udp.sourcePort(frame, udp) == Dhcp.CLIENT_PORT;
    }

    /** Takes ownership of {@code frame}, a client message ({@link #isClientMessage}) from {@code port}. */
    void handle(Tables t, int port, int segment, ByteBuf frame) {
        int offset = frame.readerIndex();
        int serverRouter = t.state.segmentRouter(segment);
        if (!serves(t, port, segment, serverRouter)) {
            if (serverRouter != ForwardingState.NONE
                    && Ethernet.destination(frame, offset) == t.state.routerMac(serverRouter)) {
                router.route(t, port, segment, frame);
            } else {
                bridge.forward(t, segment, port, frame);
            }
            return;
        }
        ByteBuf reply;
        try {
            int ip = offset + Ethernet.HEADER_LENGTH;
            int udp = ip + Ipv4.headerLength(frame, ip);
            int udpLength = Udp.length(frame, udp);
            if (udpLength < Udp.HEADER_LENGTH || udp + udpLength > ip + Ipv4.totalLength(frame, ip)) {
                throw PacketFormatException.invalid("UDP", "length " + udpLength + " outside the IPv4 packet");
            }
            int message = udp + Udp.HEADER_LENGTH;
            int length = udpLength - Udp.HEADER_LENGTH;
            Dhcp.check(frame, message, length);
            if (Dhcp.op(frame, message) != Dhcp.BOOTREQUEST) {
                throw PacketFormatException.invalid("DHCP", "a port sent a BOOTREPLY");
            }
            if (Dhcp.clientMac(frame, message) != t.portMacs[port]) {
                // a lease for another MAC: the port could then answer for an address it does not own
                forwarding.drop(t, port, segment, DropReason.SPOOFED_SOURCE, frame);
                return;
            }
            reply = answer(t, port, t.state.routerMac(serverRouter), frame, message, length);
        } catch (PacketFormatException | IllegalArgumentException e) {
            forwarding.drop(t, port, segment, DropReason.MALFORMED, frame);
            return;
        }
        if (reply == null) {
            forwarding.drop(t, port, segment, DropReason.DHCP_UNANSWERED, frame);
            return;
        }
        frame.release();
        forwarding.toPort(t, port, reply);
    }

    private static boolean serves(Tables t, int port, int segment, int router) {
        LocalPort local = t.state.port(port);
        return t.portHasIp[port]
                && local.gatewayIp() != null
                && router != ForwardingState.NONE
                && t.state.learningPeer(segment, port) == ForwardingState.NONE;
    }

    /** The reply to the request at {@code message}, or null when it needs none. */
    private static ByteBuf answer(Tables t, int port, long serverMac, ByteBuf request, int message, int length) {
        LocalPort local = t.state.port(port);
        int address = t.portIps[port];
        int server = local.gatewayIp().bits();
        int clientAddress = Dhcp.clientAddress(request, message);
        return switch (DhcpMessageType.of(Dhcp.messageType(request, message, length))) {
            case DISCOVER -> reply(local, serverMac, server, request, message, DhcpMessageType.OFFER, 0, address);
            case REQUEST -> {
                int chosen = Dhcp.addressOption(request, message, length, Dhcp.OPTION_SERVER_IDENTIFIER);
                if (chosen != 0 && chosen != server) {
                    yield null; // the client took another server's offer
                }
                int requested = Dhcp.addressOption(request, message, length, Dhcp.OPTION_REQUESTED_ADDRESS);
                if (requested == 0) {
                    requested = clientAddress; // renewing or rebinding: the address is in ciaddr
                }
                yield requested == address
                        ? reply(local, serverMac, server, request, message, DhcpMessageType.ACK, clientAddress, address)
                        : reply(local, serverMac, server, request, message, DhcpMessageType.NAK, 0, 0);
            }
            case INFORM -> reply(local, serverMac, server, request, message, DhcpMessageType.ACK, clientAddress, 0);
            case RELEASE, DECLINE -> null;
            case OFFER, ACK, NAK -> throw PacketFormatException.invalid("DHCP", "a port sent a server's message");
        };
    }

    /**
     * A whole reply frame: to the client's MAC at its new or current address, or broadcast when it
     * asked for that (flags) or is told NAK (RFC 2131 s4.1); a lease unless it answers INFORM
     * ({@code yourAddress} 0 with {@code clientAddress} set).
     */
    private static ByteBuf reply(
            LocalPort local,
            long serverMac,
            int server,
            ByteBuf request,
            int message,
            DhcpMessageType type,
            int clientAddress,
            int yourAddress) {
        boolean nak = type == DhcpMessageType.NAK;
        boolean broadcast = nak || (Dhcp.flags(request, message) & Dhcp.FLAG_BROADCAST) != 0;
        int destination = broadcast ? LIMITED_BROADCAST : clientAddress != 0 ? clientAddress : yourAddress;
        long destinationMac = broadcast ? MacAddress.BROADCAST.bits() : Dhcp.clientMac(request, message);

        ByteBuf frame = request.alloc().directBuffer(FrameDevice.HEADROOM + HEADERS + Dhcp.MAX_REPLY_LENGTH);
        int start = FrameDevice.HEADROOM;
        int ip = Ethernet.write(frame, start, destinationMac, serverMac, EtherType.IPV4_VALUE);
        int udp = ip + Ipv4.MIN_HEADER_LENGTH;
        int dhcp = udp + Udp.HEADER_LENGTH;
        frame.setZero(dhcp, Dhcp.MAX_REPLY_LENGTH);
        int at = Dhcp.writeReply(frame, dhcp, request, message, clientAddress, yourAddress);
        at = Dhcp.writeByteOption(frame, at, Dhcp.OPTION_MESSAGE_TYPE, type.value());
        at = Dhcp.writeIntOption(frame, at, Dhcp.OPTION_SERVER_IDENTIFIER, server);
        if (nak) {
            at = Dhcp.writeTextOption(
                    frame, at, Dhcp.OPTION_MESSAGE, "this port's address is fixed".getBytes(StandardCharsets.US_ASCII));
        } else {
            at = options(frame, at, local, server, yourAddress != 0);
        }
        frame.setByte(at++, Dhcp.OPTION_END);
        int length = Math.max(at - dhcp, Dhcp.MIN_MESSAGE_LENGTH);
        Udp.write(frame, udp, Dhcp.SERVER_PORT, Dhcp.CLIENT_PORT, Udp.HEADER_LENGTH + length);
        Ipv4.write(
                frame,
                ip,
                Ipv4.MIN_HEADER_LENGTH + Udp.HEADER_LENGTH + length,
                0,
                ORIGINATED_TTL,
                IpProtocol.UDP_VALUE,
                server,
                destination);
        Udp.updateChecksum(frame, udp, server, destination);
        frame.writerIndex(dhcp + length).readerIndex(start);
        return frame;
    }

    /** The configuration options; lease times only with a lease. */
    private static int options(ByteBuf frame, int at, LocalPort local, int server, boolean lease) {
        int mask = local.prefixLength() == 0 ? 0 : -1 << (32 - local.prefixLength());
        int network = local.ipAddress().bits() & mask;
        if (lease) {
            at = Dhcp.writeIntOption(frame, at, Dhcp.OPTION_LEASE_TIME, LEASE_SECONDS);
            at = Dhcp.writeIntOption(frame, at, Dhcp.OPTION_RENEWAL_TIME, LEASE_SECONDS / 2);
            at = Dhcp.writeIntOption(frame, at, Dhcp.OPTION_REBINDING_TIME, LEASE_SECONDS / 8 * 7);
        }
        at = Dhcp.writeIntOption(frame, at, Dhcp.OPTION_SUBNET_MASK, mask);
        at = Dhcp.writeIntOption(frame, at, Dhcp.OPTION_BROADCAST_ADDRESS, network | ~mask);
        at = Dhcp.writeIntOption(frame, at, Dhcp.OPTION_ROUTER, server);
        at = Dhcp.writeIntOption(frame, at, Dhcp.OPTION_DNS, network + 2);
        at = Dhcp.writeShortOption(frame, at, Dhcp.OPTION_INTERFACE_MTU, local.mtu());
        byte[] hostName = hostName(local.name());
        if (hostName.length > 0) {
            at = Dhcp.writeTextOption(frame, at, Dhcp.OPTION_HOST_NAME, hostName);
        }
        return at;
    }

    /** The instance's name as a host name label (RFC 1123: letters, digits, hyphens, at most 63). */
    static byte[] hostName(String name) {
        String label = name.replaceAll("[^A-Za-z0-9-]", "-").replaceAll("^-+|-+$", "");
        return label.substring(0, Math.min(label.length(), 63)).getBytes(StandardCharsets.US_ASCII);
    }
}
