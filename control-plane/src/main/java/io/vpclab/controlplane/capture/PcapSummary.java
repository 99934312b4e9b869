package io.vpclab.controlplane.capture;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;

/**
 * What a classic pcap file holds, read record by record without keeping the packets: the
 * number of records and the link type. Anything that is not well-formed classic pcap (bad magic,
 * a record longer than the snap length or than 256 KiB, a truncated record) is refused, so an
 * upload is checked before it is offered for download. Format:
 * https://www.ietf.org/archive/id/draft-ietf-opsawg-pcap-04.html
 */
record PcapSummary(long packets, int linkType, boolean nanosecond) {

    static final int GLOBAL_HEADER_LENGTH = 24;
    static final int RECORD_HEADER_LENGTH = 16;
    /** No link layer frame is larger; a bigger length means a corrupt file, not a big packet. */
    static final int MAX_RECORD_LENGTH = 256 * 1024;

    private static final int MAGIC_MICROSECONDS = 0xa1b2c3d4;
    private static final int MAGIC_NANOSECONDS = 0xa1b23c4d;

    /** Thrown for anything that is not well-formed classic pcap; the message says what is wrong. */
    static final class MalformedPcapException extends Exception {
        MalformedPcapException(String message) {
            super(message);
        }
    }

    static PcapSummary read(InputStream in) throws IOException, MalformedPcapException {
        DataInputStream data = new DataInputStream(in);
        byte[] header = new byte[GLOBAL_HEADER_LENGTH];
        if (!readFully(data, header)) {
            throw new MalformedPcapException("shorter than the 24-byte pcap header");
        }
        int bigEndianMagic = intAt(header, 0, false);
        boolean littleEndian;
        boolean nanosecond;
        if (bigEndianMagic == MAGIC_MICROSECONDS || bigEndianMagic == MAGIC_NANOSECONDS) {
            littleEndian = false;
            nanosecond = bigEndianMagic == MAGIC_NANOSECONDS;
        } else {
            int littleEndianMagic = intAt(header, 0, true);
            if (littleEndianMagic != MAGIC_MICROSECONDS && littleEndianMagic != MAGIC_NANOSECONDS) {
                throw new MalformedPcapException(String.format("not a pcap file (magic %08x)", bigEndianMagic));
            }
            littleEndian = true;
            nanosecond = littleEndianMagic == MAGIC_NANOSECONDS;
        }
        int major = shortAt(header, 4, littleEndian);
        if (major != 2) {
            throw new MalformedPcapException("pcap version " + major + " (only 2.x is classic pcap)");
        }
        long snapLength = intAt(header, 16, littleEndian) & 0xffffffffL;
        int linkType = intAt(header, 20, littleEndian) & 0x0fffffff; // upper bits carry FCS flags
        byte[] recordHeader = new byte[RECORD_HEADER_LENGTH];
        byte[] skip = new byte[8192];
        long packets = 0;
        while (true) {
            int first = data.read();
            if (first < 0) {
                return new PcapSummary(packets, linkType, nanosecond);
            }
            recordHeader[0] = (byte) first;
            if (!readFully(data, recordHeader, 1)) {
                throw new MalformedPcapException("record " + (packets + 1) + " has a truncated header");
            }
            long fraction = intAt(recordHeader, 4, littleEndian) & 0xffffffffL;
            if (fraction >= (nanosecond ? 1_000_000_000L : 1_000_000L)) {
                throw new MalformedPcapException(
                        "record " + (packets + 1) + " has a timestamp fraction of " + fraction);
            }
            long captured = intAt(recordHeader, 8, littleEndian) & 0xffffffffL;
            long original = intAt(recordHeader, 12, littleEndian) & 0xffffffffL;
            if (captured > MAX_RECORD_LENGTH || (snapLength > 0 && captured > snapLength) || captured > original) {
                throw new MalformedPcapException("record " + (packets + 1) + " claims " + captured
                        + " captured bytes of " + original + " (snap length " + snapLength + ")");
            }
            long left = captured;
            while (left > 0) {
                int n = data.read(skip, 0, (int) Math.min(left, skip.length));
                if (n < 0) {
                    throw new MalformedPcapException("record " + (packets + 1) + " is truncated");
                }
                left -= n;
            }
            packets++;
        }
    }

    private static boolean readFully(DataInputStream in, byte[] into) throws IOException {
        return readFully(in, into, 0);
    }

    private static boolean readFully(DataInputStream in, byte[] into, int from) throws IOException {
        try {
            in.readFully(into, from, into.length - from);
            return true;
        } catch (EOFException e) {
            return false;
        }
    }

    private static int intAt(byte[] b, int offset, boolean littleEndian) {
        int b0 = b[offset] & 0xff;
        int b1 = b[offset + 1] & 0xff;
        int b2 = b[offset + 2] & 0xff;
        int b3 = b[offset + 3] & 0xff;
        return littleEndian ? b0 | b1 << 8 | b2 << 16 | b3 << 24 : b0 << 24 | b1 << 16 | b2 << 8 | b3;
    }

    private static int shortAt(byte[] b, int offset, boolean littleEndian) {
        int b0 = b[offset] & 0xff;
        int b1 = b[offset + 1] & 0xff;
        return littleEndian ? b0 | b1 << 8 : b0 << 8 | b1;
    }
}
