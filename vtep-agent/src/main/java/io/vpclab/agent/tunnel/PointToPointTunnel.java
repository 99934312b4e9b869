package io.vpclab.agent.tunnel;

import io.netty.buffer.ByteBuf;
import io.vpclab.dataplane.pipeline.FlowHash;
import io.vpclab.dataplane.packet.Vxlan;
import io.vpclab.agent.stats.CounterSource;
import io.vpclab.dataplane.port.FrameDevice;
import io.vpclab.dataplane.underlay.Underlay;
import java.net.InetSocketAddress;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One VXLAN tunnel between a local frame device and one remote VTEP, like
 * {@code ip link add vx0 type vxlan id N remote B nolearning}: every frame read from the device,
 * broadcast and unknown unicast included, is encapsulated to the remote, and every valid VXLAN
 * datagram from the remote is decapsulated to the device. There is no MAC table and no
 * anti-spoofing, because a whole kernel stack (many MACs) may sit behind the device.
 *
 * <p>Both directions run on the underlay's event loop and allocate nothing per frame: the
 * 8-byte header is written into the frame's headroom ({@link FrameDevice#HEADROOM}).
 */
public final class PointToPointTunnel implements CounterSource {

    /** RFC 7348 section 5: the I flag says the VNI is valid; every other bit is reserved. */
    static final int FLAGS_VNI_VALID = 0x08;
    static final int VXLAN_HEADER_LENGTH = 8;
    static final int ETHERNET_HEADER_LENGTH = 14;
    /** Outer IPv4 (20) + UDP (8) + VXLAN (8) + inner Ethernet (14): RFC 7348 overhead over IPv4. */
    public static final int OVERHEAD = 50;

    private final FrameDevice device;
    private final Underlay underlay;
    private final int vni;
    private final InetSocketAddress remote;
    private final VxlanReceiver receiver;
    private final int maxInnerFrame;
    private final TunnelCounters counters = new TunnelCounters();

    /**
     * @param underlayMtu the underlay's MTU: frames longer than {@code underlayMtu - 50 + 14} are
     *                    dropped, because VTEPs never fragment (RULES.md, VXLAN on the wire)
     */
    public PointToPointTunnel(FrameDevice device, Underlay underlay, int vni, InetSocketAddress remote,
                              int underlayMtu) {
        if (vni < 1 || vni > 0xFF_FFFF) {
            throw new IllegalArgumentException("VNI must be 1..16777215, got " + vni);
        }
        this.device = Objects.requireNonNull(device, "device");
        this.underlay = Objects.requireNonNull(underlay, "underlay");
        this.vni = vni;
        this.remote = Objects.requireNonNull(remote, "remote");
        this.receiver = new VxlanReceiver(remote.getAddress(), vni, counters);
        this.maxInnerFrame = underlayMtu - OVERHEAD + ETHERNET_HEADER_LENGTH;
    }

    /** Joins the device to the underlay's loop and starts both directions. */
    public void start() {
        device.start(underlay.loop(), this::fromDevice);
        underlay.start(this::fromUnderlay);
    }

    /** Flushes the underlay once per burst of device frames (sendmmsg), when the device tells bursts apart. */
    public Runnable batchEnd() {
        return underlay::flush;
    }

    private void fromDevice(ByteBuf frame) {
        int length = frame.readableBytes();
        if (length < ETHERNET_HEADER_LENGTH) {
            counters.runtDrops.incrementAndGet();
            frame.release();
            return;
        }
        if (length > maxInnerFrame) {
            counters.oversizeDrops.incrementAndGet();
            frame.release();
            return;
        }
        // RFC 7348 s5: one flow, one source port, so underlay ECMP keeps a flow in order
        int sourcePort = Vxlan.sourcePort(FlowHash.of(frame, frame.readerIndex()));
        ByteBuf payload = frame;
        if (frame.readerIndex() < VXLAN_HEADER_LENGTH) {
            // a device without headroom (not the TAP): one copy rather than a refusal
            payload = frame.alloc().directBuffer(VXLAN_HEADER_LENGTH + length)
                    .writerIndex(VXLAN_HEADER_LENGTH).writeBytes(frame);
            frame.release();
        } else {
            payload.readerIndex(frame.readerIndex() - VXLAN_HEADER_LENGTH);
        }
        int at = payload.readerIndex();
        payload.setInt(at, FLAGS_VNI_VALID << 24);
        payload.setInt(at + 4, vni << 8);
        counters.encapsulated.incrementAndGet();
        counters.encapsulatedBytes.addAndGet(length);
        underlay.send(payload, remote, sourcePort);
    }

    private void fromUnderlay(ByteBuf payload, InetSocketAddress sender) {
        try {
            if (!receiver.accepts(payload, sender)) {
                return;
            }
            payload.skipBytes(VXLAN_HEADER_LENGTH);
            counters.decapsulated.incrementAndGet();
            counters.decapsulatedBytes.addAndGet(payload.readableBytes());
            device.write(payload.retain());
        } finally {
            payload.release();
        }
    }

    public TunnelCounters counters() {
        return counters;
    }

    @Override
    public Map<String, Map<String, Long>> counterGroups() {
        Map<String, Map<String, Long>> groups = new LinkedHashMap<>();
        groups.put("tunnel", counters.snapshot());
        return groups;
    }

    @Override
    public String toString() {
        return "tunnel vni " + vni + " " + device.name() + " <-> " + remote;
    }
}
