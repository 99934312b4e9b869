package io.vpclab.dataplane.capture;

import io.netty.buffer.ByteBuf;
import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Writes classic pcap: a 24-byte global header, then a 16-byte record header per packet
 * (https://www.ietf.org/archive/id/draft-ietf-opsawg-pcap-04.html). Not thread-safe: one writer thread.
 */
public final class PcapWriter implements Closeable {

    /** Magic for nanosecond-resolution timestamps (0xa1b2c3d4 would mean microseconds). */
    public static final int MAGIC_NANOSECONDS = 0xa1b23c4d;
    /** LINKTYPE_ETHERNET: every record starts with an Ethernet header. */
    public static final int LINKTYPE_ETHERNET = 1;

    public static final int GLOBAL_HEADER_LENGTH = 24;
    public static final int RECORD_HEADER_LENGTH = 16;

    private final OutputStream out;
    private final int snapLength;
    private final ByteBuffer recordHeader =
            ByteBuffer.allocate(RECORD_HEADER_LENGTH).order(ByteOrder.LITTLE_ENDIAN);

    public PcapWriter(OutputStream out, int snapLength) throws IOException {
        this.out = out;
        this.snapLength = snapLength;
        ByteBuffer header = ByteBuffer.allocate(GLOBAL_HEADER_LENGTH).order(ByteOrder.LITTLE_ENDIAN);
        header.putInt(MAGIC_NANOSECONDS);
        header.putShort((short) 2).putShort((short) 4); // format version 2.4
        header.putInt(0).putInt(0); // thiszone, sigfigs: always zero
        header.putInt(snapLength).putInt(LINKTYPE_ETHERNET);
        out.write(header.array());
    }

    /**
     * Writes one record made of {@code prefix} (synthesized headers, may be empty) followed by
     * the readable bytes of {@code data}. Does not touch {@code data}'s indexes or reference count.
     */
    public void write(long epochNanos, byte[] prefix, int prefixLength, ByteBuf data) throws IOException {
        int length = prefixLength + data.readableBytes();
        int captured = Math.min(length, snapLength);
        recordHeader.clear();
        recordHeader.putInt((int) (epochNanos / 1_000_000_000L)).putInt((int) (epochNanos % 1_000_000_000L));
        recordHeader.putInt(captured).putInt(length);
        out.write(recordHeader.array());
        int prefixCaptured = Math.min(prefixLength, captured);
        out.write(prefix, 0, prefixCaptured);
        data.getBytes(data.readerIndex(), out, captured - prefixCaptured);
    }

    public void flush() throws IOException {
        out.flush();
    }

    @Override
    public void close() throws IOException {
        out.close();
    }
}
