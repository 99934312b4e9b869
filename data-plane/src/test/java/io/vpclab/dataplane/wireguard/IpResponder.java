package io.vpclab.dataplane.wireguard;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.vpclab.dataplane.packet.Icmp;
import io.vpclab.dataplane.packet.IcmpType;
import io.vpclab.dataplane.packet.IpProtocol;
import io.vpclab.dataplane.packet.Ipv4;
import io.vpclab.dataplane.packet.Tcp;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/**
 * The far end of a tunnel at the IP level, for the interop test: answers ICMP echo, and on one
 * TCP port serves one HTTP response per connection (SYN-ACK, the response with FIN on the
 * request, ACK of the client's FIN), enough for {@code curl}. Echo replies to our own requests
 * are counted. Runs on the endpoint's event loop.
 */
final class IpResponder {

    static final int HTTP_PORT = 80;
    static final String BODY = "hello through wireguard\n";
    private static final byte[] RESPONSE = ("HTTP/1.0 200 OK\r\nContent-Length: " + BODY.length()
                    + "\r\nConnection: close\r\n\r\n" + BODY)
            .getBytes(StandardCharsets.US_ASCII);
    private static final long INITIAL_SEQUENCE = 1000;

    /** Our next sequence number per client port. */
    private final Map<Integer, Long> connections = new HashMap<>();

    volatile int echoRepliesReceived;
    volatile int httpResponsesServed;

    /** The reply to {@code packet}, or null. */
    ByteBuf answer(ByteBuf packet) {
        int headerLength = Ipv4.headerLength(packet, 0);
        int total = Ipv4.totalLength(packet, 0);
        int l4 = headerLength;
        int source = Ipv4.source(packet, 0);
        int destination = Ipv4.destination(packet, 0);
        int protocol = Ipv4.protocol(packet, 0);
        if (protocol == IpProtocol.ICMP_VALUE) {
            int type = Icmp.type(packet, l4);
            if (type == IcmpType.ECHO_REPLY_VALUE) {
                echoRepliesReceived++;
                return null;
            }
            if (type != IcmpType.ECHO_REQUEST_VALUE) {
                return null;
            }
            int length = total - l4;
            ByteBuf reply = Unpooled.buffer(Ipv4.MIN_HEADER_LENGTH + length);
            Ipv4.write(reply, 0, Ipv4.MIN_HEADER_LENGTH + length, 0, 64, IpProtocol.ICMP_VALUE, destination, source);
            reply.setBytes(Ipv4.MIN_HEADER_LENGTH, packet, l4, length);
            reply.setByte(Ipv4.MIN_HEADER_LENGTH, IcmpType.ECHO_REPLY_VALUE);
            Icmp.updateChecksum(reply, Ipv4.MIN_HEADER_LENGTH, length);
            return reply.writerIndex(Ipv4.MIN_HEADER_LENGTH + length);
        }
        if (protocol != IpProtocol.TCP_VALUE || Tcp.destinationPort(packet, l4) != HTTP_PORT) {
            return null;
        }
        int clientPort = Tcp.sourcePort(packet, l4);
        int flags = Tcp.flags(packet, l4);
        long sequence = Tcp.sequence(packet, l4);
        int payload = total - l4 - Tcp.headerLength(packet, l4);
        if ((flags & Tcp.SYN) != 0) {
            connections.put(clientPort, INITIAL_SEQUENCE + 1);
            return segment(destination, source, clientPort, INITIAL_SEQUENCE, sequence + 1, Tcp.SYN | Tcp.ACK, null);
        }
        Long ours = connections.get(clientPort);
        if (ours == null) {
            return null;
        }
        if (payload > 0) {
            connections.put(clientPort, ours + RESPONSE.length + 1);
            httpResponsesServed++;
            return segment(
                    destination, source, clientPort, ours, sequence + payload, Tcp.ACK | Tcp.PSH | Tcp.FIN, RESPONSE);
        }
        if ((flags & Tcp.FIN) != 0) {
            connections.remove(clientPort);
            return segment(destination, source, clientPort, ours, sequence + 1, Tcp.ACK, null);
        }
        return null;
    }

    private static ByteBuf segment(
            int source, int destination, int clientPort, long sequence, long ack, int flags, byte[] data) {
        int dataLength = data == null ? 0 : data.length;
        int tcpLength = Tcp.MIN_HEADER_LENGTH + dataLength;
        int total = Ipv4.MIN_HEADER_LENGTH + tcpLength;
        ByteBuf reply = Unpooled.buffer(total);
        Ipv4.write(reply, 0, total, 0, 64, IpProtocol.TCP_VALUE, source, destination);
        Tcp.write(reply, Ipv4.MIN_HEADER_LENGTH, HTTP_PORT, clientPort, sequence, ack, flags, 65535);
        if (data != null) {
            reply.setBytes(Ipv4.MIN_HEADER_LENGTH + Tcp.MIN_HEADER_LENGTH, data);
        }
        Tcp.updateChecksum(reply, Ipv4.MIN_HEADER_LENGTH, tcpLength, source, destination);
        return reply.writerIndex(total);
    }

    /** An ICMP echo request from {@code source} to {@code destination}. */
    static ByteBuf echoRequest(int source, int destination, int sequence) {
        int length = Icmp.HEADER_LENGTH + 16;
        ByteBuf request = Unpooled.buffer(Ipv4.MIN_HEADER_LENGTH + length);
        Ipv4.write(
                request, 0, Ipv4.MIN_HEADER_LENGTH + length, sequence, 64, IpProtocol.ICMP_VALUE, source, destination);
        request.setZero(Ipv4.MIN_HEADER_LENGTH, length);
        Icmp.write(request, Ipv4.MIN_HEADER_LENGTH, length, IcmpType.ECHO_REQUEST_VALUE, 0, 0x4242_0000 | sequence);
        return request.writerIndex(Ipv4.MIN_HEADER_LENGTH + length);
    }
}
