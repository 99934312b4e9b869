package io.vpclab.dataplane.capture;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.vpclab.dataplane.packet.EtherType;
import io.vpclab.dataplane.packet.Ethernet;
import io.vpclab.dataplane.packet.IpProtocol;
import io.vpclab.dataplane.packet.Ipv4;
import io.vpclab.dataplane.packet.Udp;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * One running capture into one pcap file, written by every event loop of the VTEP: a record is
 * written under this capture's monitor (only while a capture runs, so forwarding pays nothing
 * otherwise). A write error stops the capture (logged once by the owner via
 * {@link #failure()}) and never disturbs forwarding.
 */
public final class Capture {

    /** Ethernet 14 + IPv4 20 + UDP 8: the outer headers synthesized in front of a VXLAN datagram. */
    public static final int OUTER_HEADER_LENGTH = Ethernet.HEADER_LENGTH + Ipv4.MIN_HEADER_LENGTH + Udp.HEADER_LENGTH;
    /** Placeholder MACs for the synthesized outer Ethernet header (locally administered). */
    private static final long LOCAL_MAC = 0x0200_0000_0001L;

    private static final long REMOTE_MAC = 0x0200_0000_0002L;
    /** Snap length: whole frames up to the largest UDP datagram. */
    private static final int SNAP_LENGTH = 65_535;

    private static final int DEFAULT_TTL = 64;

    private final String point;
    private final Path file;
    private final PcapWriter writer;
    private final byte[] outer = new byte[OUTER_HEADER_LENGTH];
    private final ByteBuf outerView = Unpooled.wrappedBuffer(outer);
    private final long startEpochNanos = System.currentTimeMillis() * 1_000_000L;
    private final long startNanoTime = System.nanoTime(); // monotonic offsets from the wall-clock start
    // written on the loop only; volatile so the owner may watch a running capture from another thread
    private volatile long packets;
    private volatile long bytes = PcapWriter.GLOBAL_HEADER_LENGTH;
    private volatile long maxPackets = Long.MAX_VALUE;
    private volatile long maxBytes = Long.MAX_VALUE;
    private volatile boolean closed;
    private volatile boolean fullBytes;
    private volatile IOException failure;

    public Capture(String point, Path file) {
        this.point = point;
        this.file = file;
        try {
            this.writer = new PcapWriter(new BufferedOutputStream(Files.newOutputStream(file)), SNAP_LENGTH);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open capture file " + file, e);
        }
    }

    /** The port id, or {@code underlay}. */
    public String point() {
        return point;
    }

    public Path file() {
        return file;
    }

    /** Packets written so far. */
    public long packets() {
        return packets;
    }

    /** Size of the file written so far, headers included. */
    public long bytes() {
        return bytes;
    }

    /**
     * Bounds the capture: once {@code maxPackets} packets are written, or the file would grow
     * past {@code maxBytes}, it closes itself (see {@link #isFull()}). Safe from any thread.
     */
    public void limit(long maxPackets, long maxBytes) {
        this.maxPackets = maxPackets;
        this.maxBytes = maxBytes;
    }

    /** True when a limit closed the capture. */
    public boolean isFull() {
        return packets >= maxPackets || fullBytes;
    }

    public IOException failure() {
        return failure;
    }

    /** Records an Ethernet frame as is (a port capture point). */
    public synchronized void frame(ByteBuf frame) {
        record(0, frame);
    }

    /**
     * Records a VXLAN datagram (header + inner frame) with outer Ethernet/IPv4/UDP headers built
     * from the socket addresses, so tshark decodes it as VXLAN.
     */
    public synchronized void datagram(
            ByteBuf payload, int sourceIp, int sourcePort, int destinationIp, int destinationPort) {
        int udpLength = Udp.HEADER_LENGTH + payload.readableBytes();
        int offset = Ethernet.write(outerView, 0, REMOTE_MAC, LOCAL_MAC, EtherType.IPV4_VALUE);
        offset = Ipv4.write(
                outerView,
                offset,
                Ipv4.MIN_HEADER_LENGTH + udpLength,
                0,
                DEFAULT_TTL,
                IpProtocol.UDP_VALUE,
                sourceIp,
                destinationIp);
        Udp.write(outerView, offset, sourcePort, destinationPort, udpLength); // checksum 0: allowed over IPv4 (RFC 768)
        record(OUTER_HEADER_LENGTH, payload);
    }

    private void record(int prefixLength, ByteBuf data) {
        if (closed) {
            return;
        }
        long recordLength =
                PcapWriter.RECORD_HEADER_LENGTH + Math.min(prefixLength + data.readableBytes(), SNAP_LENGTH);
        if (bytes + recordLength > maxBytes) {
            fullBytes = true;
            close();
            return;
        }
        try {
            writer.write(startEpochNanos + (System.nanoTime() - startNanoTime), outer, prefixLength, data);
            bytes += recordLength;
            packets++;
        } catch (IOException e) {
            failure = e;
            close();
            return;
        }
        if (packets >= maxPackets) {
            close();
        }
    }

    /** Flushes and closes the file. Idempotent. */
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            writer.close();
        } catch (IOException e) {
            if (failure == null) {
                failure = e;
            }
        }
    }

    public boolean isClosed() {
        return closed;
    }
}
