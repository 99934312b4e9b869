package io.vpclab.dataplane.pipeline;

import io.netty.buffer.ByteBuf;
import io.vpclab.dataplane.capture.Capture;
import io.vpclab.dataplane.net.Ipv4Address;
import io.vpclab.dataplane.port.FrameDevice;
import io.vpclab.dataplane.stats.CountersSnapshot;
import io.vpclab.dataplane.stats.DropReason;
import io.vpclab.dataplane.stats.NatGatewaySnapshot;
import io.vpclab.dataplane.stats.TrafficCounters;
import io.vpclab.dataplane.stats.VtepCounters;
import io.vpclab.dataplane.stats.WhitelistSnapshot;
import io.vpclab.dataplane.table.ForwardingState;
import io.vpclab.dataplane.underlay.Underlay;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * The data plane of one VTEP. Stages, in processing order:
 *
 * <pre>
 * a TSO burst:       BurstForwarder runs 1, 3, 4 (L3Router.decide, then ElasticIpNat outbound or the
 *                     NatGatewayStage private side of a live session) and 5 once per burst, then segments
 *                     it at encapsulation and sends it with UDP GSO, or writes it whole to a local burst
 *                     port; a burst it cannot carry whole is segmented by the port and enters as frames:
 * from a port:        1 PortIngress -> 2 InnerMtu -> 3 Classifier -> ArpResponder | 4 L3Router | 5 L2Forwarder
 *                     -> (L3Router) -> ElasticIpNat when the VPC has no route or the public router
 *                        routes to a local elastic IP; else the segment's default route to a NAT gateway
 *                     -> (Forwarding.toPort of a nat-gateway port) -> NatGatewayStage private side
 *                        -> the public router -> L2Forwarder on the provider segment
 *                     -> (L2Forwarder) -> VxlanEncapsulator -> underlay send, or a local port
 * from the underlay:  VxlanDecapsulator (inner MTU too) -> LocalDelivery (-> ElasticIpNat for a local elastic IP,
 *                     NatGatewayStage public side for a local NAT gateway, on the public segment)
 *                     -> a local port
 * </pre>
 *
 * <p>Loop-confined: every method runs on the underlay's event loop (the {@code Vtep} facade
 * hops there). The installed {@link Tables} are replaced whole on every change.
 */
public final class Pipeline {

    /** The capture point name of the underlay. */
    public static final String UNDERLAY = "underlay";

    private final Forwarding forwarding;
    private final PortIngress ingress = new PortIngress();
    private final BurstForwarder bursts;
    private final InnerMtu innerMtu;
    private final Classifier classifier = new Classifier();
    private final ArpResponder arpResponder;
    private final L3Router router;
    private final L2Forwarder bridge;
    private final VxlanDecapsulator decapsulator;
    private final ElasticIpNat elasticIps;
    private final WhitelistFilter whitelists = new WhitelistFilter();
    private final NatGatewayStage natGateways;
    private NatSessions[] natSessions;

    private final VtepCounters counters = new VtepCounters();
    private final Map<String, Attachment> attachments = new LinkedHashMap<>();
    private final Map<String, Capture> portCaptures = new HashMap<>();
    private final InetSocketAddress localAddress;
    private ForwardingState state;
    private Capture underlayCapture;

    /** An attached device and the index of its port in the installed table (or NONE). */
    public static final class Attachment {
        final String portId;
        final FrameDevice device;
        int index = ForwardingState.NONE;

        Attachment(String portId, FrameDevice device) {
            this.portId = portId;
            this.device = device;
        }

        public String portId() {
            return portId;
        }

        public FrameDevice device() {
            return device;
        }
    }

    public Pipeline(Underlay underlay, InetSocketAddress localAddress, ForwardingState initial) {
        this(underlay, localAddress, initial, System::nanoTime, NatSessions.DEFAULT_CAPACITY);
    }

    /**
     * @param nanoClock          the time NAT sessions idle by (tests advance their own)
     * @param natSessionCapacity sessions each NAT gateway served here can hold
     */
    public Pipeline(Underlay underlay, InetSocketAddress localAddress, ForwardingState initial, LongSupplier nanoClock,
                    int natSessionCapacity) {
        this.localAddress = localAddress;
        this.state = initial;
        this.forwarding = new Forwarding(underlay);
        this.innerMtu = new InnerMtu(forwarding);
        VxlanEncapsulator encapsulator = new VxlanEncapsulator(forwarding);
        this.bridge = new L2Forwarder(forwarding, encapsulator);
        this.arpResponder = new ArpResponder(forwarding, bridge);
        this.elasticIps = new ElasticIpNat(forwarding, bridge, new ConnectionTable(ConnectionTable.DEFAULT_CAPACITY,
            ConnectionTable.DEFAULT_IDLE_NANOS, nanoClock), whitelists);
        this.natGateways = new NatGatewayStage(forwarding, bridge, elasticIps, whitelists, nanoClock, natSessionCapacity);
        this.forwarding.natGateways = natGateways;
        this.router = new L3Router(forwarding, bridge, elasticIps, natGateways);
        this.bursts = new BurstForwarder(forwarding, ingress, classifier, router, elasticIps, natGateways);
        this.decapsulator = new VxlanDecapsulator(forwarding, new LocalDelivery(forwarding, elasticIps, natGateways));
        this.natSessions = natGateways.install(initial);
        rebuild();
    }

    // ---- packets ------------------------------------------------------------------------

    /** A frame read from an attached device. Takes ownership of {@code frame}. */
    public void fromPort(Attachment attachment, ByteBuf frame) {
        Tables t = forwarding.tables;
        int port = attachment.index;
        if (port == ForwardingState.NONE) {
            forwarding.drop(t, -1, -1, DropReason.UNKNOWN_PORT, frame);
            return;
        }
        int segment = t.state.portSegment(port);
        int length = frame.readableBytes();
        t.ports[port].in(length);
        Capture capture = t.portCaptures[port];
        if (capture != null) {
            capture.frame(frame);
        }
        DropReason refused = ingress.check(t, port, frame);
        if (refused != null) {
            forwarding.drop(t, port, segment, refused, frame);
            return;
        }
        if (!innerMtu.admits(t, port, segment, frame)) {
            return;
        }
        t.segments[segment].in(length);
        switch (classifier.classify(t, segment, frame)) {
            case Classifier.ARP -> arpResponder.handle(t, port, segment, frame);
            case Classifier.ROUTE -> router.route(t, port, segment, frame);
            default -> bridge.forward(t, segment, port, frame);
        }
    }

    /**
     * A TSO burst read from an attached {@link io.vpclab.dataplane.port.BurstPort} (virtio-net
     * header first, borrowed): true when it went on whole ({@link BurstForwarder}), false when
     * nothing was done and the port must hand it on as frames.
     */
    public boolean fromPortBurst(Attachment attachment, ByteBuf headerAndFrame) {
        int port = attachment.index;
        return port != ForwardingState.NONE && bursts.offer(forwarding.tables, port, headerAndFrame);
    }

    /** A datagram from the underlay (VXLAN header first). Takes ownership of {@code payload}. */
    public void fromUnderlay(ByteBuf payload, InetSocketAddress sender) {
        decapsulator.receive(forwarding.tables, payload, sender);
    }

    /** Sends whatever the last batch queued; for callers that drive the pipeline without a loop (benchmarks). */
    public void flush() {
        forwarding.flushAll();
    }

    // ---- configuration (on the loop) --------------------------------------------------

    public ForwardingState state() {
        return state;
    }

    public void install(ForwardingState next) {
        state = next;
        natSessions = natGateways.install(next);
        rebuild();
    }

    public Attachment attach(String portId, FrameDevice device) {
        if (attachments.containsKey(portId)) {
            throw new IllegalStateException("port " + portId + " already has a device attached");
        }
        Attachment attachment = new Attachment(portId, device);
        attachments.put(portId, attachment);
        rebuild();
        return attachment;
    }

    /** Removes the port's device; returns it (null when none was attached). */
    public FrameDevice detach(String portId) {
        Attachment attachment = attachments.remove(portId);
        if (attachment == null) {
            return null;
        }
        attachment.index = ForwardingState.NONE;
        rebuild();
        return attachment.device;
    }

    public Map<String, Attachment> attachments() {
        return Map.copyOf(attachments);
    }

    /** Starts a capture at a port id or at {@link #UNDERLAY}; one capture per point. */
    public Capture startCapture(String point, Path file) {
        if (UNDERLAY.equals(point)) {
            if (underlayCapture != null) {
                throw new IllegalStateException("the underlay is already being captured to " + underlayCapture.file());
            }
            underlayCapture = new Capture(point, file);
            rebuild();
            return underlayCapture;
        }
        if (portCaptures.containsKey(point)) {
            throw new IllegalStateException("port " + point + " is already being captured to " + portCaptures.get(point).file());
        }
        if (state.portIndexOf(point) == ForwardingState.NONE) {
            throw new IllegalArgumentException("no port " + point + " in the current table (capture points: ports or "
                + UNDERLAY + ")");
        }
        Capture capture = new Capture(point, file);
        portCaptures.put(point, capture);
        rebuild();
        return capture;
    }

    public void stopCapture(Capture capture) {
        if (capture == underlayCapture) {
            underlayCapture = null;
        } else if (!portCaptures.remove(capture.point(), capture)) {
            capture.close();
            return;
        }
        rebuild();
        capture.close();
    }

    public CountersSnapshot counters() {
        return counters.snapshot();
    }

    /** The figures of every NAT gateway served here, each with at most {@code listedSessions} sessions, newest first. */
    public List<NatGatewaySnapshot> natGateways(int listedSessions) {
        return natGateways.snapshots(listedSessions);
    }

    /** Rule hits and drops of the installed table's whitelists, by whitelist id. */
    public Map<String, WhitelistSnapshot> whitelistCounters() {
        return whitelists.snapshot();
    }

    /** Stops every capture; the caller closes devices and the underlay. */
    public void closeCaptures() {
        portCaptures.values().forEach(Capture::close);
        portCaptures.clear();
        if (underlayCapture != null) {
            underlayCapture.close();
            underlayCapture = null;
        }
        rebuild();
    }

    private void rebuild() {
        whitelists.install(state);
        int portCount = state.portCount();
        TrafficCounters[] ports = new TrafficCounters[portCount];
        FrameDevice[] devices = new FrameDevice[portCount];
        Capture[] captures = new Capture[portCount];
        for (int i = 0; i < portCount; i++) {
            String id = state.port(i).id();
            ports[i] = counters.port(id);
            captures[i] = portCaptures.get(id);
        }
        for (Attachment attachment : attachments.values()) {
            attachment.index = state.portIndexOf(attachment.portId);
            if (attachment.index != ForwardingState.NONE) {
                devices[attachment.index] = attachment.device;
            }
        }
        TrafficCounters[] segments = new TrafficCounters[state.segmentCount()];
        for (int i = 0; i < segments.length; i++) {
            segments[i] = counters.segment(state.segmentVni(i));
        }
        int localIp = Ipv4Address.bitsOf(localAddress.getAddress());
        if (localIp == 0) {   // bound to the wildcard address: captures show the table's underlay address
            localIp = state.host().underlayIp().bits();
        }
        forwarding.tables = new Tables(state, counters.host(), ports, segments, devices, captures, underlayCapture,
            natSessions, localIp, localAddress.getPort());
    }
}
