package io.vpclab.dataplane.offload;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.vpclab.dataplane.tap.InMemoryVnetDevice;
import io.vpclab.dataplane.tap.SegmentingTapPort;
import io.vpclab.dataplane.tap.TapOffloads;
import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.function.Consumer;

/**
 * Builds Ethernet/IPv4/TCP frames and virtio-net headers byte by byte, and checks checksums with a
 * deliberately naive byte-at-a-time RFC 1071 sum, so tests never verify the code under test with
 * the code under test.
 */
public final class TestFrames {

    static final int ETHERNET = 14;
    static final int IPV4 = 20;
    static final int TCP_OFFSET = ETHERNET + IPV4;
    static final int FIN = 0x01;
    static final int SYN = 0x02;
    static final int RST = 0x04;
    static final int PSH = 0x08;
    static final int ACK = 0x10;
    static final int URG = 0x20;
    static final int ECE = 0x40;
    static final int CWR = 0x80;
    /** A TCP timestamps option padded with two NOPs, as Linux sends it (RFC 7323 s3). */
    static final byte[] TIMESTAMPS = {
        1, 1, 8, 10, 0x12, 0x34, 0x56, 0x78, (byte) 0x9A, (byte) 0xBC, (byte) 0xDE, (byte) 0xF0
    };

    /** Where struct virtio_net_hdr keeps csum_start (little-endian): after flags, gso_type, hdr_len, gso_size. */
    static final int VIRTIO_CSUM_START = 6;

    private TestFrames() {}

    /** Header fields of one TCP segment; public mutable fields so a test changes only what it is about. */
    public static final class Spec {
        public long destinationMac = 0x02_00_0a_00_01_06L;
        public long sourceMac = 0x02_00_0a_00_01_05L;
        public int etherType = 0x0800;
        public int tos = 0;
        public int identification = 0x1234;
        public boolean dontFragment = true;
        public int fragmentWord = 0;
        public int ttl = 64;
        public int protocol = 6;
        public int sourceIp = 0x0a000105;
        public int destinationIp = 0x0a000106;
        public byte[] ipOptions = new byte[0];
        public int sourcePort = 40000;
        public int destinationPort = 5201;
        public long sequence = 0x8000_0000L;
        public long acknowledgment = 0xF000_0001L;
        public int flags = ACK;
        public int window = 0xFFFF;
        public byte[] tcpOptions = TIMESTAMPS;

        Spec copy() {
            Spec s = new Spec();
            s.destinationMac = destinationMac;
            s.sourceMac = sourceMac;
            s.etherType = etherType;
            s.tos = tos;
            s.identification = identification;
            s.dontFragment = dontFragment;
            s.fragmentWord = fragmentWord;
            s.ttl = ttl;
            s.protocol = protocol;
            s.sourceIp = sourceIp;
            s.destinationIp = destinationIp;
            s.ipOptions = ipOptions.clone();
            s.sourcePort = sourcePort;
            s.destinationPort = destinationPort;
            s.sequence = sequence;
            s.acknowledgment = acknowledgment;
            s.flags = flags;
            s.window = window;
            s.tcpOptions = tcpOptions.clone();
            return s;
        }

        int ipHeaderLength() {
            return IPV4 + ipOptions.length;
        }

        int tcpHeaderLength() {
            return 20 + tcpOptions.length;
        }

        public int headersLength() {
            return ETHERNET + ipHeaderLength() + tcpHeaderLength();
        }
    }

    /**
     * An Ethernet frame with a valid IPv4 header checksum; the TCP checksum is complete when
     * {@code fullChecksum}, else the folded pseudo-header sum as Linux leaves it for CHECKSUM_PARTIAL.
     */
    public static byte[] frame(Spec s, byte[] payload, boolean fullChecksum) {
        int ipLength = s.ipHeaderLength();
        int tcpLength = s.tcpHeaderLength() + payload.length;
        byte[] f = new byte[ETHERNET + ipLength + tcpLength];
        put48(f, 0, s.destinationMac);
        put48(f, 6, s.sourceMac);
        put16(f, 12, s.etherType);
        int ip = ETHERNET;
        f[ip] = (byte) (0x40 | ipLength / 4);
        f[ip + 1] = (byte) s.tos;
        put16(f, ip + 2, ipLength + tcpLength);
        put16(f, ip + 4, s.identification);
        put16(f, ip + 6, (s.dontFragment ? 0x4000 : 0) | s.fragmentWord);
        f[ip + 8] = (byte) s.ttl;
        f[ip + 9] = (byte) s.protocol;
        put32(f, ip + 12, s.sourceIp);
        put32(f, ip + 16, s.destinationIp);
        System.arraycopy(s.ipOptions, 0, f, ip + IPV4, s.ipOptions.length);
        put16(f, ip + 10, complement(sum(f, ip, ip + ipLength, 0)));
        int tcp = ip + ipLength;
        put16(f, tcp, s.sourcePort);
        put16(f, tcp + 2, s.destinationPort);
        put32(f, tcp + 4, (int) s.sequence);
        put32(f, tcp + 8, (int) s.acknowledgment);
        f[tcp + 12] = (byte) ((s.tcpHeaderLength() / 4) << 4);
        f[tcp + 13] = (byte) s.flags;
        put16(f, tcp + 14, s.window);
        System.arraycopy(s.tcpOptions, 0, f, tcp + 20, s.tcpOptions.length);
        System.arraycopy(payload, 0, f, tcp + s.tcpHeaderLength(), payload.length);
        long pseudo = pseudoHeaderSum(f, ip, s.protocol, tcpLength);
        put16(f, tcp + 16, fullChecksum ? complement(sum(f, tcp, tcp + tcpLength, pseudo)) : fold(pseudo));
        return f;
    }

    /**
     * An Ethernet/IPv4/UDP frame (the spec's ports, addresses and IP fields; no IP options); the UDP
     * checksum is complete when {@code fullChecksum}, else the folded pseudo-header sum.
     */
    public static byte[] udpFrame(Spec s, byte[] payload, boolean fullChecksum) {
        int udpLength = 8 + payload.length;
        byte[] f = new byte[ETHERNET + IPV4 + udpLength];
        put48(f, 0, s.destinationMac);
        put48(f, 6, s.sourceMac);
        put16(f, 12, 0x0800);
        int ip = ETHERNET;
        f[ip] = 0x45;
        f[ip + 1] = (byte) s.tos;
        put16(f, ip + 2, IPV4 + udpLength);
        put16(f, ip + 4, s.identification);
        put16(f, ip + 6, s.dontFragment ? 0x4000 : 0);
        f[ip + 8] = (byte) s.ttl;
        f[ip + 9] = 17;
        put32(f, ip + 12, s.sourceIp);
        put32(f, ip + 16, s.destinationIp);
        put16(f, ip + 10, complement(sum(f, ip, ip + IPV4, 0)));
        int udp = ip + IPV4;
        put16(f, udp, s.sourcePort);
        put16(f, udp + 2, s.destinationPort);
        put16(f, udp + 4, udpLength);
        System.arraycopy(payload, 0, f, udp + 8, payload.length);
        long pseudo = pseudoHeaderSum(f, ip, 17, udpLength);
        put16(f, udp + 6, fullChecksum ? complement(sum(f, udp, udp + udpLength, pseudo)) : fold(pseudo));
        return f;
    }

    /** True when the UDP checksum of the IPv4 frame {@code f} (no IP options) is present and verifies. */
    public static boolean udpChecksumValid(byte[] f) {
        int udp = ETHERNET + IPV4;
        int udpLength = u16(f, udp + 4);
        return u16(f, udp + 6) != 0
                && fold(sum(f, udp, udp + udpLength, pseudoHeaderSum(f, ETHERNET, 17, udpLength))) == 0xFFFF;
    }

    /** A virtio-net header of {@code length} bytes, fields little-endian, num_buffers 0. */
    public static byte[] virtio(
            int length, int flags, int gsoType, int hdrLen, int gsoSize, int csumStart, int csumOffset) {
        byte[] h = new byte[length];
        h[0] = (byte) flags;
        h[1] = (byte) gsoType;
        putLe16(h, 2, hdrLen);
        putLe16(h, 4, gsoSize);
        putLe16(h, 6, csumStart);
        putLe16(h, 8, csumOffset);
        return h;
    }

    /** The TSO burst a TAP with TUNSETOFFLOAD hands up: NEEDS_CSUM, GSO_TCPV4, partial TCP checksum. */
    public static byte[] tsoInput(int virtioLength, Spec s, byte[] payload, int mss) {
        return concat(
                virtio(virtioLength, 1, 1, s.headersLength(), mss, ETHERNET + s.ipHeaderLength(), 16),
                frame(s, payload, false));
    }

    /**
     * The USO burst a TAP with TUN_F_USO4 hands up for an instance's UDP_SEGMENT write: NEEDS_CSUM,
     * GSO_UDP_L4, gso_size = payload per datagram, partial UDP checksum over the whole burst.
     */
    public static byte[] usoInput(int virtioLength, Spec s, byte[] payload, int gsoSize) {
        return concat(
                virtio(virtioLength, 1, 5, ETHERNET + IPV4 + 8, gsoSize, ETHERNET + IPV4, 6),
                udpFrame(s, payload, false));
    }

    static ByteBuf buf(byte[]... parts) {
        return Unpooled.wrappedBuffer(concat(parts));
    }

    public static byte[] concat(byte[]... parts) {
        int length = 0;
        for (byte[] p : parts) {
            length += p.length;
        }
        byte[] all = new byte[length];
        int i = 0;
        for (byte[] p : parts) {
            System.arraycopy(p, 0, all, i, p.length);
            i += p.length;
        }
        return all;
    }

    static byte[] bytes(ByteBuf buf, int offset, int length) {
        byte[] b = new byte[length];
        buf.getBytes(offset, b);
        return b;
    }

    static byte[] readable(ByteBuf buf) {
        return bytes(buf, buf.readerIndex(), buf.readableBytes());
    }

    public static byte[] pattern(int length, int seed) {
        byte[] b = new byte[length];
        java.util.SplittableRandom r = new java.util.SplittableRandom(seed);
        for (int i = 0; i < length; i++) {
            b[i] = (byte) r.nextInt(256);
        }
        return b;
    }

    // ---- the independent reference: one byte at a time, RFC 1071 s4.1 ----

    /** One's-complement sum of bytes [from, to): even positions (from the start) are high bytes. */
    static long sum(byte[] b, int from, int to, long initial) {
        long s = initial;
        for (int i = from; i < to; i++) {
            s += ((i - from) % 2 == 0) ? (b[i] & 0xFF) << 8 : (b[i] & 0xFF);
        }
        return s;
    }

    static int fold(long s) {
        while ((s >>> 16) != 0) {
            s = (s & 0xFFFF) + (s >>> 16);
        }
        return (int) s;
    }

    static int complement(long s) {
        return ~fold(s) & 0xFFFF;
    }

    /** Sum of the 12-byte IPv4 pseudo-header, written out and summed like any other bytes. */
    static long pseudoHeaderSum(byte[] frame, int ip, int protocol, int l4Length) {
        byte[] p = new byte[12];
        System.arraycopy(frame, ip + 12, p, 0, 8);
        p[9] = (byte) protocol;
        put16(p, 10, l4Length);
        return sum(p, 0, 12, 0);
    }

    public static boolean ipv4ChecksumValid(byte[] f) {
        int ipLength = (f[ETHERNET] & 0x0F) * 4;
        return fold(sum(f, ETHERNET, ETHERNET + ipLength, 0)) == 0xFFFF;
    }

    /** True when the TCP checksum of the IPv4 frame {@code f} verifies over the pseudo-header. */
    public static boolean tcpChecksumValid(byte[] f) {
        int ipLength = (f[ETHERNET] & 0x0F) * 4;
        int tcp = ETHERNET + ipLength;
        int tcpLength = u16(f, ETHERNET + 2) - ipLength;
        return fold(sum(f, tcp, tcp + tcpLength, pseudoHeaderSum(f, ETHERNET, f[ETHERNET + 9] & 0xFF, tcpLength)))
                == 0xFFFF;
    }

    // ---- field access over byte[] (network order) ----

    static int u16(byte[] b, int i) {
        return (b[i] & 0xFF) << 8 | (b[i + 1] & 0xFF);
    }

    static long u32(byte[] b, int i) {
        return ((long) u16(b, i) << 16) | u16(b, i + 2);
    }

    static int le16(byte[] b, int i) {
        return (b[i] & 0xFF) | (b[i + 1] & 0xFF) << 8;
    }

    static void put16(byte[] b, int i, int v) {
        b[i] = (byte) (v >>> 8);
        b[i + 1] = (byte) v;
    }

    static void putLe16(byte[] b, int i, int v) {
        b[i] = (byte) v;
        b[i + 1] = (byte) (v >>> 8);
    }

    static void put32(byte[] b, int i, int v) {
        put16(b, i, v >>> 16);
        put16(b, i + 2, v);
    }

    static void put48(byte[] b, int i, long v) {
        put16(b, i, (int) (v >>> 32));
        put32(b, i + 2, (int) v);
    }

    static int tcpFlags(byte[] f) {
        return f[TCP_OFFSET + 13] & 0xFF;
    }

    static long sequence(byte[] f) {
        return u32(f, TCP_OFFSET + 4);
    }

    static int ipTotalLength(byte[] f) {
        return u16(f, ETHERNET + 2);
    }

    static int ipId(byte[] f) {
        return u16(f, ETHERNET + 4);
    }

    /**
     * The wire frames of a TAP write (virtio-net header of {@code header} bytes first), cut by
     * {@link GsoSegmenter}, which recomputes every checksum: tests then verify them with the naive
     * sums here.
     */
    public static java.util.List<byte[]> segmentsOf(int header, byte[] headerAndFrame) {
        ByteBuf in = Unpooled.wrappedBuffer(headerAndFrame);
        ByteBuf out = Unpooled.buffer(2 * headerAndFrame.length);
        GsoSegmenter segmenter = new GsoSegmenter(header);
        int count = segmenter.segment(in, out, 0);
        java.util.List<byte[]> segments = new java.util.ArrayList<>();
        for (int i = 0; i < count; i++) {
            byte[] frame = new byte[i == count - 1 ? segmenter.lastSegmentLength() : segmenter.segmentLength()];
            out.readBytes(frame);
            segments.add(frame);
        }
        return segments;
    }

    /**
     * What a receiver of NEEDS_CSUM does to the TCP checksum of {@code frame}: sums from
     * {@code csumStart} to the end, the field (holding the pseudo-header sum) included, and stores
     * the complement.
     */
    public static void finishPartialChecksum(byte[] frame, int csumStart) {
        finishPartialChecksum(frame, csumStart, 16);
    }

    /** {@link #finishPartialChecksum(byte[], int)} for the field at {@code csumStart + csumOffset} (UDP: 6). */
    public static void finishPartialChecksum(byte[] frame, int csumStart, int csumOffset) {
        put16(frame, csumStart + csumOffset, complement(sum(frame, csumStart, frame.length, 0)));
    }

    /**
     * The frame of a burst written to a TAP whole after its virtio-net header of {@code header}
     * bytes: its IPv4 checksum is valid and its TCP checksum, left partial for the receiving stack
     * (NEEDS_CSUM), is valid over the whole burst once finished from csum_start as that stack
     * does. Returns the frame, checksum finished, without the header.
     */
    public static byte[] assertWholeBurstChecksums(int header, byte[] written) {
        byte[] burst = Arrays.copyOfRange(written, header, written.length);
        assertThat(ipv4ChecksumValid(burst)).as("IPv4 checksum of the burst").isTrue();
        finishPartialChecksum(burst, le16(written, VIRTIO_CSUM_START));
        assertThat(tcpChecksumValid(burst))
                .as("the stack's finished checksum over the whole burst")
                .isTrue();
        return burst;
    }

    /**
     * {@code written}, taken from {@code port}'s TAP, is the burst {@code input} (both after a
     * virtio-net header) written whole: in one write, the sender's header kept (NEEDS_CSUM, GSO),
     * checksums as {@link #assertWholeBurstChecksums} checks them. Returns the frame without the header.
     */
    public static byte[] assertWrittenWhole(SegmentingTapPort port, byte[] input, byte[] written) {
        int header = TapOffloads.VNET_HEADER_BYTES;
        assertThat(written).as("the burst at " + port.name()).isNotNull();
        assertThat(port.burstsWrittenWhole())
                .as("one TAP write of the whole burst")
                .isEqualTo(1);
        assertThat(Arrays.copyOf(written, header))
                .as("virtio-net header kept: NEEDS_CSUM, GSO")
                .isEqualTo(Arrays.copyOf(input, header));
        return assertWholeBurstChecksums(header, written);
    }

    /**
     * Checks every one of {@code segments} (wire frames): valid IPv4 and TCP checksums, then
     * {@code fields} on a view of the frame. Returns their TCP payloads joined in order.
     */
    public static byte[] assertSegmentsAndJoin(java.util.List<byte[]> segments, Consumer<ByteBuf> fields) {
        ByteArrayOutputStream joined = new ByteArrayOutputStream();
        for (byte[] frame : segments) {
            assertThat(ipv4ChecksumValid(frame)).as("IPv4 checksum").isTrue();
            assertThat(tcpChecksumValid(frame)).as("TCP checksum").isTrue();
            fields.accept(Unpooled.wrappedBuffer(frame));
            joined.writeBytes(payload(frame));
        }
        return joined.toByteArray();
    }

    /**
     * {@link #assertSegmentsAndJoin} for UDP datagrams: valid IPv4 and UDP checksums (present,
     * summed byte by byte), the UDP length the IPv4 length says, then {@code fields}. Returns the
     * datagrams' payloads joined in order.
     */
    public static byte[] assertDatagramsAndJoin(java.util.List<byte[]> datagrams, Consumer<ByteBuf> fields) {
        ByteArrayOutputStream joined = new ByteArrayOutputStream();
        for (byte[] frame : datagrams) {
            assertThat(ipv4ChecksumValid(frame)).as("IPv4 checksum").isTrue();
            assertThat(udpChecksumValid(frame)).as("UDP checksum").isTrue();
            assertThat(u16(frame, TCP_OFFSET + 4)).as("UDP length").isEqualTo(ipTotalLength(frame) - IPV4);
            fields.accept(Unpooled.wrappedBuffer(frame));
            joined.writeBytes(udpPayload(frame));
        }
        return joined.toByteArray();
    }

    /**
     * The next {@code count} writes at {@code tap}, each one frame behind a virtio-net header that
     * asks for no segmentation, without their headers; then nothing else pending.
     */
    public static java.util.List<byte[]> takeSingleFrames(InMemoryVnetDevice tap, int count)
            throws InterruptedException {
        java.util.List<byte[]> frames = new java.util.ArrayList<>();
        int header = TapOffloads.VNET_HEADER_BYTES;
        for (int i = 0; i < count; i++) {
            byte[] written = tap.take(java.time.Duration.ofSeconds(5));
            assertThat(written).as("frame %d at %s", i, tap.name()).isNotNull();
            assertThat(written[1] & 0xFF)
                    .as("gso_type of write %d: one frame", i)
                    .isZero();
            frames.add(Arrays.copyOfRange(written, header, written.length));
        }
        assertThat(tap.pending()).as("nothing else written at %s", tap.name()).isZero();
        return frames;
    }

    /** The UDP payload of an untagged IPv4 frame without IP options. */
    public static byte[] udpPayload(byte[] f) {
        return Arrays.copyOfRange(f, TCP_OFFSET + 8, ETHERNET + ipTotalLength(f));
    }

    /**
     * A USO burst written to a TAP whole ({@code written}, virtio-net header of {@code header} bytes
     * first): IPv4 checksum valid and the partial UDP checksum valid over the whole burst once
     * finished from csum_start as the receiving stack does. Returns the frame without the header.
     */
    public static byte[] assertWholeUdpBurstChecksums(int header, byte[] written) {
        byte[] burst = Arrays.copyOfRange(written, header, written.length);
        assertThat(ipv4ChecksumValid(burst)).as("IPv4 checksum of the burst").isTrue();
        finishPartialChecksum(burst, le16(written, VIRTIO_CSUM_START), 6);
        assertThat(udpChecksumValid(burst))
                .as("the stack's finished checksum over the whole burst")
                .isTrue();
        return burst;
    }

    /** The TCP payload of an untagged IPv4 frame without IP options. */
    public static byte[] payload(byte[] f) {
        int dataOffset = ((f[TCP_OFFSET + 12] & 0xFF) >>> 4) * 4;
        return Arrays.copyOfRange(f, TCP_OFFSET + dataOffset, ETHERNET + ipTotalLength(f));
    }
}
