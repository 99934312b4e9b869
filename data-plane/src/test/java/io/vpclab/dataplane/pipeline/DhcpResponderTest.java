package io.vpclab.dataplane.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.vpclab.dataplane.packet.Dhcp;
import io.vpclab.dataplane.packet.DhcpMessageType;
import io.vpclab.dataplane.packet.EtherType;
import io.vpclab.dataplane.packet.Ethernet;
import io.vpclab.dataplane.packet.IpProtocol;
import io.vpclab.dataplane.packet.Ipv4;
import io.vpclab.dataplane.packet.Udp;
import io.vpclab.dataplane.port.FrameDevice;
import io.vpclab.dataplane.stats.DropReason;
import io.vpclab.dataplane.stats.TrafficSnapshot;
import io.vpclab.net.Ipv4Address;
import io.vpclab.net.MacAddress;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Stage 4b: p1 (10.0.1.5/24, gateway 10.0.1.1, MTU 1450) asks the pipeline for its configuration. */
class DhcpResponderTest {

    private static final int PORT_IP = Ipv4Address.parseBits("10.0.1.5");
    private static final int GATEWAY = Ipv4Address.parseBits("10.0.1.1");
    private static final int XID = 0x8badf00d;

    final PipelineFixture fixture = new PipelineFixture();

    @AfterEach
    void release() {
        fixture.assertEverythingReleased();
    }

    @Test
    void discoverGetsAnOfferWithTheBindingAndEveryOption() {
        ByteBuf discover = clientMessage(DhcpMessageType.DISCOVER, 0, 0, 0, 0, PipelineFixture.LOCAL_MAC.bits());

        fixture.pipeline.fromPort(fixture.attachment, discover);

        assertThat(discover.refCnt()).isZero();
        assertThat(fixture.sent).as("answered here, never sent to other hosts").isEmpty();
        ByteBuf offer = onlyReply();
        int ip = offer.readerIndex() + Ethernet.HEADER_LENGTH;
        assertThat(Ethernet.source(offer, offer.readerIndex())).isEqualTo(PipelineFixture.ROUTER_MAC.bits());
        assertThat(Ethernet.destination(offer, offer.readerIndex())).isEqualTo(PipelineFixture.LOCAL_MAC.bits());
        assertThat(Ipv4.verifyChecksum(offer, ip)).isTrue();
        assertThat(Ipv4.source(offer, ip)).isEqualTo(GATEWAY);
        assertThat(Ipv4.destination(offer, ip))
                .as("unicast to the offered address")
                .isEqualTo(PORT_IP);
        int udp = ip + Ipv4.MIN_HEADER_LENGTH;
        assertThat(Udp.sourcePort(offer, udp)).isEqualTo(Dhcp.SERVER_PORT);
        assertThat(Udp.destinationPort(offer, udp)).isEqualTo(Dhcp.CLIENT_PORT);
        assertThat(Udp.checksum(offer, udp)).isNotZero();
        assertThat(Udp.verifyChecksum(offer, udp, GATEWAY, PORT_IP)).isTrue();
        int dhcp = udp + Udp.HEADER_LENGTH;
        int length = Udp.length(offer, udp) - Udp.HEADER_LENGTH;
        assertThat(length).isGreaterThanOrEqualTo(Dhcp.MIN_MESSAGE_LENGTH);
        Dhcp.check(offer, dhcp, length);
        assertThat(Dhcp.op(offer, dhcp)).isEqualTo(Dhcp.BOOTREPLY);
        assertThat(Dhcp.transactionId(offer, dhcp)).isEqualTo(XID);
        assertThat(Dhcp.yourAddress(offer, dhcp)).isEqualTo(PORT_IP);
        assertThat(Dhcp.clientMac(offer, dhcp)).isEqualTo(PipelineFixture.LOCAL_MAC.bits());
        assertThat(Dhcp.messageType(offer, dhcp, length)).isEqualTo(DhcpMessageType.OFFER_VALUE);
        assertThat(address(offer, dhcp, length, Dhcp.OPTION_SERVER_IDENTIFIER)).isEqualTo("10.0.1.1");
        assertThat(address(offer, dhcp, length, Dhcp.OPTION_SUBNET_MASK)).isEqualTo("255.255.255.0");
        assertThat(address(offer, dhcp, length, Dhcp.OPTION_ROUTER)).isEqualTo("10.0.1.1");
        assertThat(address(offer, dhcp, length, Dhcp.OPTION_DNS)).isEqualTo("10.0.1.2");
        assertThat(address(offer, dhcp, length, Dhcp.OPTION_BROADCAST_ADDRESS)).isEqualTo("10.0.1.255");
        assertThat(offer.getInt(Dhcp.findOption(offer, dhcp, length, Dhcp.OPTION_LEASE_TIME) + 1))
                .isEqualTo(DhcpResponder.LEASE_SECONDS);
        assertThat(offer.getUnsignedShort(Dhcp.findOption(offer, dhcp, length, Dhcp.OPTION_INTERFACE_MTU) + 1))
                .isEqualTo(1450);
        int name = Dhcp.findOption(offer, dhcp, length, Dhcp.OPTION_HOST_NAME);
        assertThat(offer.toString(name + 1, offer.getUnsignedByte(name), StandardCharsets.US_ASCII))
                .isEqualTo("p1");
    }

    @Test
    void aClientThatAsksForBroadcastGetsItAndPassesAntiSpoofingFromZero() {
        ByteBuf discover =
                clientMessage(DhcpMessageType.DISCOVER, Dhcp.FLAG_BROADCAST, 0, 0, 0, PipelineFixture.LOCAL_MAC.bits());

        fixture.pipeline.fromPort(fixture.attachment, discover);

        ByteBuf offer = onlyReply();
        assertThat(Ethernet.destination(offer, offer.readerIndex())).isEqualTo(MacAddress.BROADCAST.bits());
        assertThat(Ipv4.destination(offer, offer.readerIndex() + Ethernet.HEADER_LENGTH))
                .isEqualTo(0xFFFF_FFFF);
        assertThat(fixture.pipeline.counters().port("p1").dropped(DropReason.SPOOFED_SOURCE))
                .isZero();
    }

    @Test
    void requestForThePortsAddressIsAckedAndAnyOtherIsNakedByBroadcast() {
        fixture.pipeline.fromPort(
                fixture.attachment,
                clientMessage(DhcpMessageType.REQUEST, 0, 0, PORT_IP, GATEWAY, PipelineFixture.LOCAL_MAC.bits()));
        ByteBuf ack = onlyReply();
        int dhcp = dhcpOffset(ack);
        assertThat(Dhcp.messageType(ack, dhcp, dhcpLength(ack))).isEqualTo(DhcpMessageType.ACK_VALUE);
        assertThat(Dhcp.yourAddress(ack, dhcp)).isEqualTo(PORT_IP);
        fixture.releaseOutputs();

        fixture.pipeline.fromPort(
                fixture.attachment,
                clientMessage(
                        DhcpMessageType.REQUEST,
                        0,
                        0,
                        Ipv4Address.parseBits("10.0.1.99"),
                        0,
                        PipelineFixture.LOCAL_MAC.bits()));
        ByteBuf nak = onlyReply();
        dhcp = dhcpOffset(nak);
        assertThat(Dhcp.messageType(nak, dhcp, dhcpLength(nak))).isEqualTo(DhcpMessageType.NAK_VALUE);
        assertThat(Dhcp.yourAddress(nak, dhcp)).isZero();
        assertThat(Dhcp.findOption(nak, dhcp, dhcpLength(nak), Dhcp.OPTION_LEASE_TIME))
                .isEqualTo(Dhcp.ABSENT);
        assertThat(Ipv4.destination(nak, nak.readerIndex() + Ethernet.HEADER_LENGTH))
                .isEqualTo(0xFFFF_FFFF);
    }

    @Test
    void aRenewalFromTheAddressInCiaddrIsAckedToThatAddress() {
        ByteBuf renew = clientMessage(
                DhcpMessageType.REQUEST, 0, PORT_IP, 0, 0, PipelineFixture.LOCAL_MAC.bits(), PORT_IP, GATEWAY);
        Ethernet.setDestination(renew, renew.readerIndex(), PipelineFixture.ROUTER_MAC.bits());

        fixture.pipeline.fromPort(fixture.attachment, renew);

        ByteBuf ack = onlyReply();
        int dhcp = dhcpOffset(ack);
        assertThat(Dhcp.messageType(ack, dhcp, dhcpLength(ack))).isEqualTo(DhcpMessageType.ACK_VALUE);
        assertThat(Dhcp.clientAddress(ack, dhcp)).isEqualTo(PORT_IP);
        assertThat(Ipv4.destination(ack, ack.readerIndex() + Ethernet.HEADER_LENGTH))
                .isEqualTo(PORT_IP);
    }

    @Test
    void informGetsTheOptionsWithoutALease() {
        ByteBuf inform = clientMessage(
                DhcpMessageType.INFORM, 0, PORT_IP, 0, 0, PipelineFixture.LOCAL_MAC.bits(), PORT_IP, 0xFFFF_FFFF);

        fixture.pipeline.fromPort(fixture.attachment, inform);

        ByteBuf ack = onlyReply();
        int dhcp = dhcpOffset(ack);
        int length = dhcpLength(ack);
        assertThat(Dhcp.messageType(ack, dhcp, length)).isEqualTo(DhcpMessageType.ACK_VALUE);
        assertThat(Dhcp.yourAddress(ack, dhcp)).isZero();
        assertThat(Dhcp.findOption(ack, dhcp, length, Dhcp.OPTION_LEASE_TIME)).isEqualTo(Dhcp.ABSENT);
        assertThat(address(ack, dhcp, length, Dhcp.OPTION_ROUTER)).isEqualTo("10.0.1.1");
    }

    @Test
    void releaseDeclineAndARequestForAnotherServerAreTakenWithoutAnswerAndCounted() {
        long mac = PipelineFixture.LOCAL_MAC.bits();
        fixture.pipeline.fromPort(
                fixture.attachment,
                clientMessage(DhcpMessageType.RELEASE, 0, PORT_IP, 0, GATEWAY, mac, PORT_IP, GATEWAY));
        fixture.pipeline.fromPort(
                fixture.attachment, clientMessage(DhcpMessageType.DECLINE, 0, 0, PORT_IP, GATEWAY, mac));
        fixture.pipeline.fromPort(
                fixture.attachment,
                clientMessage(DhcpMessageType.REQUEST, 0, 0, PORT_IP, Ipv4Address.parseBits("10.0.1.200"), mac));

        assertThat(fixture.delivered).isEmpty();
        assertThat(fixture.sent).isEmpty();
        assertThat(fixture.pipeline.counters().port("p1").dropped(DropReason.DHCP_UNANSWERED))
                .isEqualTo(3);
    }

    @Test
    void aLeaseForAnotherMacIsSpoofingAndACutMessageIsMalformed() {
        fixture.pipeline.fromPort(
                fixture.attachment,
                clientMessage(DhcpMessageType.DISCOVER, 0, 0, 0, 0, PipelineFixture.REMOTE_MAC.bits()));
        ByteBuf cut = clientMessage(DhcpMessageType.DISCOVER, 0, 0, 0, 0, PipelineFixture.LOCAL_MAC.bits());
        int ip = cut.readerIndex() + Ethernet.HEADER_LENGTH;
        int udp = ip + Ipv4.MIN_HEADER_LENGTH;
        int shorter = Udp.HEADER_LENGTH + Dhcp.FIXED_LENGTH; // no cookie, no options
        cut.setShort(udp + 4, shorter);
        cut.setShort(ip + 2, Ipv4.MIN_HEADER_LENGTH + shorter);
        Ipv4.updateChecksum(cut, ip);
        cut.writerIndex(udp + shorter);
        fixture.pipeline.fromPort(fixture.attachment, cut);

        TrafficSnapshot port = fixture.pipeline.counters().port("p1");
        assertThat(port.dropped(DropReason.SPOOFED_SOURCE)).isEqualTo(1);
        assertThat(port.dropped(DropReason.MALFORMED)).isEqualTo(1);
        assertThat(fixture.delivered).isEmpty();
    }

    @Test
    void udpFromZeroToAnotherPortIsStillSpoofing() {
        ByteBuf frame = clientMessage(DhcpMessageType.DISCOVER, 0, 0, 0, 0, PipelineFixture.LOCAL_MAC.bits());
        int udp = frame.readerIndex() + Ethernet.HEADER_LENGTH + Ipv4.MIN_HEADER_LENGTH;
        frame.setShort(udp + 2, 53);

        fixture.pipeline.fromPort(fixture.attachment, frame);

        assertThat(fixture.pipeline.counters().port("p1").dropped(DropReason.SPOOFED_SOURCE))
                .isEqualTo(1);
        assertThat(fixture.delivered).isEmpty();
    }

    @Test
    void hostNamesAreLabels() {
        assertThat(new String(DhcpResponder.hostName("web 1_a.b"), StandardCharsets.US_ASCII))
                .isEqualTo("web-1-a-b");
        assertThat(DhcpResponder.hostName("-" + "x".repeat(80))).hasSize(63);
        assertThat(DhcpResponder.hostName("___")).isEmpty();
    }

    private ByteBuf onlyReply() {
        assertThat(fixture.delivered).hasSize(1);
        return fixture.delivered.get(0);
    }

    private static int dhcpOffset(ByteBuf frame) {
        return frame.readerIndex() + Ethernet.HEADER_LENGTH + Ipv4.MIN_HEADER_LENGTH + Udp.HEADER_LENGTH;
    }

    private static int dhcpLength(ByteBuf frame) {
        return Udp.length(frame, frame.readerIndex() + Ethernet.HEADER_LENGTH + Ipv4.MIN_HEADER_LENGTH)
                - Udp.HEADER_LENGTH;
    }

    private static String address(ByteBuf buf, int dhcp, int length, int option) {
        return Ipv4Address.format(Dhcp.addressOption(buf, dhcp, length, option));
    }

    /** A client message from 0.0.0.0 to the limited broadcast, as a client without an address sends it. */
    static ByteBuf clientMessage(
            DhcpMessageType type, int flags, int clientAddress, int requested, int server, long clientMac) {
        return clientMessage(type, flags, clientAddress, requested, server, clientMac, 0, 0xFFFF_FFFF);
    }

    static ByteBuf clientMessage(
            DhcpMessageType type,
            int flags,
            int clientAddress,
            int requested,
            int server,
            long clientMac,
            int source,
            int destination) {
        int dhcpLength = Dhcp.MIN_MESSAGE_LENGTH;
        int ipLength = Ipv4.MIN_HEADER_LENGTH + Udp.HEADER_LENGTH + dhcpLength;
        ByteBuf frame = ByteBufAllocator.DEFAULT.directBuffer(FrameDevice.HEADROOM + Ethernet.HEADER_LENGTH + ipLength);
        frame.writerIndex(FrameDevice.HEADROOM + Ethernet.HEADER_LENGTH + ipLength)
                .readerIndex(FrameDevice.HEADROOM);
        int ip = Ethernet.write(
                frame,
                FrameDevice.HEADROOM,
                MacAddress.BROADCAST.bits(),
                PipelineFixture.LOCAL_MAC.bits(),
                EtherType.IPV4_VALUE);
        int udp = Ipv4.write(frame, ip, ipLength, 0, 64, IpProtocol.UDP_VALUE, source, destination);
        int dhcp = Udp.write(frame, udp, Dhcp.CLIENT_PORT, Dhcp.SERVER_PORT, Udp.HEADER_LENGTH + dhcpLength);
        frame.setZero(dhcp, dhcpLength);
        frame.setByte(dhcp, Dhcp.BOOTREQUEST);
        frame.setByte(dhcp + 1, 1);
        frame.setByte(dhcp + 2, 6);
        frame.setInt(dhcp + 4, XID);
        frame.setShort(dhcp + 10, flags);
        frame.setInt(dhcp + 12, clientAddress);
        Ethernet.setMac(frame, dhcp + 28, clientMac);
        frame.setInt(dhcp + Dhcp.FIXED_LENGTH, Dhcp.MAGIC_COOKIE);
        int at = Dhcp.writeByteOption(frame, dhcp + Dhcp.OPTIONS_OFFSET, Dhcp.OPTION_MESSAGE_TYPE, type.value());
        if (requested != 0) {
            at = Dhcp.writeIntOption(frame, at, Dhcp.OPTION_REQUESTED_ADDRESS, requested);
        }
        if (server != 0) {
            at = Dhcp.writeIntOption(frame, at, Dhcp.OPTION_SERVER_IDENTIFIER, server);
        }
        frame.setByte(at, Dhcp.OPTION_END);
        Udp.updateChecksum(frame, udp, source, destination);
        return frame;
    }
}
