package io.vpclab.dataplane.pipeline;

import io.netty.buffer.ByteBuf;
import io.vpclab.dataplane.capture.Capture;
import io.vpclab.dataplane.port.FrameDevice;
import io.vpclab.dataplane.stats.CountersSnapshot;
import io.vpclab.dataplane.stats.DropReason;
import io.vpclab.dataplane.stats.NatGatewaySnapshot;
import io.vpclab.dataplane.stats.SecurityPolicySnapshot;
import io.vpclab.dataplane.stats.TrafficCounters;
import io.vpclab.dataplane.stats.VtepCounters;
import io.vpclab.dataplane.stats.WhitelistSnapshot;
import io.vpclab.dataplane.table.ForwardingState;
import io.vpclab.dataplane.underlay.Underlay;
import io.vpclab.net.Ipv4Address;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * The data plane of one VTEP. Stages, numbered in processing order, each a class of this package
 * (docs/architecture.md, "The packet path", is the same list):
 *
 * <pre>
 * from a port ({@link #fromPort}):
 *   1  PortIngress        anti-spoofing: a port sends only its own MAC and IPv4 source
 *   2  InnerMtu           oversize frames dropped; DF gets ICMP fragmentation needed
 *   2b SecurityPolicy     out of the port: its security groups' egress rules (stateful), its subnet's outbound ACL;
 *                         into a local port (Forwarding.toPort, toPortWhole): inbound ACL, then ingress rules
 *   3  Classifier         ARP -> 4, a client's DHCP -> 4b, to the router MAC -> 5, anything else -> 7
 *   4  ArpResponder       requests answered in place from the bindings; other ARP -> 7
 *   4b DhcpResponder      DISCOVER, REQUEST, INFORM answered from the port's binding (OVN's native DHCP)
 *   5  L3Router           gateway ping, TTL (ICMP time exceeded), MACs and TTL - 1; public traffic -> 6, else -> 7
 *   6  PublicAddresses    the elastic IPs and NAT gateways held here:
 *        6a ElasticIpNat      1:1 NAT both ways (WhitelistFilter, ConnectionTable), then -> 7
 *        6b NatGatewayStage   private side: SNAT (WhitelistFilter, NatSessions); public side: back; then -> 7
 *   7  L2Forwarder        MAC table: a local port's device (Forwarding.toPort), a NAT gateway's port (-> 6b),
 *                         a remote VTEP (-> 8), or a flood to both
 *   8  VxlanEncapsulator  VXLAN header in place -> the underlay
 * from the underlay ({@link #fromUnderlay}):
 *   9  VxlanDecapsulator  known VTEPs, VNIs served here, inner MTU, source MAC behind the sender
 *   9b UnderlayBursts     TCP segments of one flow for an elastic IP or NAT gateway held here merged
 *                         (TcpCoalescer) into a burst, emitted at the end of the read batch; the rest -> 10 at once
 *   10 LocalDelivery      a public address or NAT gateway's port held here (-> 6), else a local port's device;
 *                         a burst: 6a inbound or 6b public side once and one write whole to the instance's burst port, or,
 *                         where nothing takes it whole, its segments one by one
 * a TSO or USO burst ({@link #fromPortBurst}):
 *      BurstForwarder     1, 2b, 3, 5, 6 (6a outbound, 6b private side of a live session) and 7 once for
 *                         the burst, then 8 segment by segment in one UDP GSO send, or the burst whole
 *                         to a local burst port; a burst it cannot carry whole enters at 1 as frames
 * </pre>
 *
 * ICMP errors (time exceeded, fragmentation needed) are built by {@link IcmpErrors}.
 *
 * <p>Loop-confined: every method runs on the underlay's event loop (the {@code Vtep} facade
 * hops there). The installed {@link Tables} are replaced whole on every change. A VTEP with
 * several event loops runs one pipeline per loop, each over its own socket and TAP queues, with
 * its own counters; they share only the flow state ({@link SharedFlowState}) and captures.
 */
public final class Pipeline {

    /** The capture point name of the underlay. */
    public static final String UNDERLAY = "underlay";

    private final Forwarding forwarding;
    private final PortIngress ingress = new PortIngress();
    private final BurstForwarder bursts;
    private final InnerMtu innerMtu;
    private final SecurityPolicy securityPolicy;
    private final Classifier classifier = new Classifier();
    private final ArpResponder arpResponder;
    private final L3Router router;
    private final DhcpResponder dhcpResponder;
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
        this(underlay, localAddress, initial, CoarseNanoClock.get(), NatSessions.DEFAULT_CAPACITY);
    }

    /**
     * @param nanoClock          the time NAT sessions idle by (tests advance their own)
     * @param natSessionCapacity sessions each NAT gateway served here can hold
     */
    public Pipeline(
            Underlay underlay,
            InetSocketAddress localAddress,
            ForwardingState initial,
            LongSupplier nanoClock,
            int natSessionCapacity) {
        this(underlay, localAddress, initial, new SharedFlowState(nanoClock, natSessionCapacity));
    }

    /**
     * One event loop's pipeline of a VTEP with several loops: its own stages, counters and
     * devices, and the flow state ({@code shared}) of every loop.
     */
    public Pipeline(
            Underlay underlay, InetSocketAddress localAddress, ForwardingState initial, SharedFlowState shared) {
        this.localAddress = localAddress;
        this.state = initial;
        this.forwarding = new Forwarding(underlay);
        this.innerMtu = new InnerMtu(forwarding);
        this.securityPolicy = new SecurityPolicy(forwarding, shared.securityGroupFlows, shared.rejectedFlows);
        this.forwarding.securityPolicy = securityPolicy;
        VxlanEncapsulator encapsulator = new VxlanEncapsulator(forwarding);
        this.bridge = new L2Forwarder(forwarding, encapsulator);
        this.arpResponder = new ArpResponder(forwarding, bridge);
        this.elasticIps = new ElasticIpNat(forwarding, bridge, shared.connections, whitelists);
        this.natGateways = new NatGatewayStage(forwarding, bridge, elasticIps, whitelists, shared);
        PublicAddresses publicAddresses = new PublicAddresses(forwarding, elasticIps, natGateways);
        this.bridge.publicAddresses = publicAddresses;
        this.router = new L3Router(forwarding, bridge, publicAddresses);
        this.dhcpResponder = new DhcpResponder(forwarding, router, bridge);
        this.bursts = new BurstForwarder(forwarding, ingress, classifier, router, elasticIps, natGateways);
        LocalDelivery delivery = new LocalDelivery(forwarding, publicAddresses);
        UnderlayBursts underlayBursts = new UnderlayBursts(forwarding, delivery);
        this.forwarding.endOfReceiveBatch = underlayBursts::flush;
        this.decapsulator = new VxlanDecapsulator(forwarding, delivery, underlayBursts);
        this.natSessions = natGateways.install(initial);
        rebuild();
    }

    // ---- packets ------------------------------------------------------------------------

    /** Counts a drop on the host that happened before the pipeline saw the frame (on this pipeline's loop). */
    public void countHostDrop(DropReason reason) {
        forwarding.tables.host.drop(reason);
    }

    /** A frame read from an attached device. Takes ownership of {@code frame}. */
    public void fromPort(Attachment attachment, ByteBuf frame) {
        forwarding.forgetFlowHash(); // every entry starts clean: a nested call too (a device answering from its write)
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
        if (!innerMtu.admits(t, port, segment, frame)
                || !(t.plainPort[port] || securityPolicy.admitsOut(t, port, frame))) {
            return;
        }
        t.segments[segment].in(length);
        switch (classifier.classify(t, segment, frame)) {
            case Classifier.ARP -> arpResponder.handle(t, port, segment, frame);
            case Classifier.DHCP -> dhcpResponder.handle(t, port, segment, frame);
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
        forwarding.forgetFlowHash();
        int port = attachment.index;
        return port != ForwardingState.NONE && bursts.offer(forwarding.tables, port, headerAndFrame);
    }

    /** A datagram from the underlay (VXLAN header first). Takes ownership of {@code payload}. */
    public void fromUnderlay(ByteBuf payload, InetSocketAddress sender) {
        forwarding.forgetFlowHash();
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
            throw new IllegalStateException("port " + point + " is already being captured to "
                    + portCaptures.get(point).file());
        }
        if (state.portIndexOf(point) == ForwardingState.NONE) {
            throw new IllegalArgumentException(
                    "no port " + point + " in the current table (capture points: ports or " + UNDERLAY + ")");
        }
        Capture capture = new Capture(point, file);
        portCaptures.put(point, capture);
        rebuild();
        return capture;
    }

    /**
     * Writes to {@code capture}, started by another loop's pipeline of the same VTEP, here too
     * (every loop carries frames of the point).
     */
    public void shareCapture(Capture capture) {
        if (UNDERLAY.equals(capture.point())) {
            underlayCapture = capture;
        } else {
            portCaptures.put(capture.point(), capture);
        }
        rebuild();
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

    /** Hits of the installed table's security group rules and network ACL entries. */
    public SecurityPolicySnapshot securityPolicyCounters() {
        return securityPolicy.snapshot();
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
        TrafficCounters[] elasticIpCounters = state.elasticIps().stream()
                .map(eip -> counters.elasticIp(eip.publicIp().toString()))
                .toArray(TrafficCounters[]::new);
        int localIp = Ipv4Address.bitsOf(localAddress.getAddress());
        if (localIp == 0) { // bound to the wildcard address: captures show the table's underlay address
            localIp = state.host().underlayIp().bits();
        }
        forwarding.tables = new Tables(
                state,
                counters.host(),
                ports,
                segments,
                elasticIpCounters,
                devices,
                captures,
                underlayCapture,
                natSessions,
                localIp,
                localAddress.getPort());
    }
}
