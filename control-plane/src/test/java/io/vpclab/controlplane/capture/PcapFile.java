package io.vpclab.controlplane.capture;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** A small classic pcap reader for tests: the header's link type and each record's bytes (checks the magic and lengths). */
public record PcapFile(int linkType, List<byte[]> frames) {

    public static PcapFile read(Path file) throws IOException {
        ByteBuffer in = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
        int magic = in.getInt();
        assertThat(magic).as("pcap magic (nanoseconds)").isEqualTo(0xa1b23c4d);
        assertThat(in.getShort()).as("major version").isEqualTo((short) 2);
        in.position(20);
        int linkType = in.getInt();
        List<byte[]> frames = new ArrayList<>();
        while (in.remaining() > 0) {
            in.getInt();
            in.getInt();
            int captured = in.getInt();
            int original = in.getInt();
            assertThat(captured).isLessThanOrEqualTo(original).isLessThanOrEqualTo(in.remaining());
            byte[] frame = new byte[captured];
            in.get(frame);
            frames.add(frame);
        }
        return new PcapFile(linkType, frames);
    }

    public static boolean isIcmp(byte[] frame) {
        return frame.length >= 35 && etherType(frame) == 0x0800 && (frame[23] & 0xff) == 1;
    }

    public static int icmpType(byte[] frame) {
        int ipHeader = (frame[14] & 0x0f) * 4;
        return frame[14 + ipHeader] & 0xff;
    }

    public static int udpDestinationPort(byte[] frame) {
        assertThat(etherType(frame)).isEqualTo(0x0800);
        assertThat(frame[23] & 0xff).as("UDP").isEqualTo(17);
        int udp = 14 + (frame[14] & 0x0f) * 4;
        return (frame[udp + 2] & 0xff) << 8 | (frame[udp + 3] & 0xff);
    }

    /** The 24-bit VNI of the VXLAN header after the outer UDP header. */
    public static long vxlanVni(byte[] frame) {
        int vxlan = 14 + (frame[14] & 0x0f) * 4 + 8;
        assertThat(frame[vxlan] & 0x08).as("VXLAN I flag").isEqualTo(0x08);
        return (frame[vxlan + 4] & 0xffL) << 16 | (frame[vxlan + 5] & 0xffL) << 8 | (frame[vxlan + 6] & 0xffL);
    }

    private static int etherType(byte[] frame) {
        return (frame[12] & 0xff) << 8 | (frame[13] & 0xff);
    }
}
