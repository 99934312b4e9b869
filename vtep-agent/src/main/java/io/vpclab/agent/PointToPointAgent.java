package io.vpclab.agent;

import io.vpclab.agent.port.IpCommand;
import io.vpclab.agent.port.PortProvisioner;
import io.vpclab.agent.table.TableTranslator;
import io.vpclab.client.model.ForwardingTable;
import io.vpclab.client.model.Port;
import io.vpclab.client.model.PortKind;
import io.vpclab.client.model.Segment;
import io.vpclab.client.model.TableHost;
import io.vpclab.client.model.Vtep;
import io.vpclab.dataplane.packet.Vxlan;
import io.vpclab.dataplane.port.FrameDevice;
import io.vpclab.dataplane.port.MultiQueueDevice;
import io.vpclab.dataplane.stats.CountersSnapshot;
import io.vpclab.dataplane.stats.DropReason;
import io.vpclab.dataplane.stats.TrafficSnapshot;
import io.vpclab.dataplane.table.ForwardingState;
import io.vpclab.dataplane.tap.SegmentingTapPort;
import io.vpclab.dataplane.tap.TapDevice;
import io.vpclab.dataplane.tap.TapOffloads;
import io.vpclab.dataplane.underlay.netty.NettyUdpUnderlay;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code --tap} mode: the data plane's pipeline configured as one tunnel, like
 * {@code ip link add vx0 type vxlan id N remote B nolearning}. One segment with the VNI, one local
 * port (the TAP, with the MAC and MTU the kernel gave it) and one remote VTEP, the segment's
 * only flood target and its learning peer, so broadcast, multicast and unknown unicast from the TAP
 * go to it ({@link ForwardingState#learningPeer}) and TSO bursts leave whole, as for a known
 * destination. The TAP is opened as every port's TAP ({@link PortProvisioner#openTap}), with the
 * virtio-net header and the offloads of {@code --offloads}, and is a trunk: 802.1Q-tagged frames
 * cross both ways untouched ({@link FrameDevice#passesVlanTags}), where instance ports drop them.
 */
final class PointToPointAgent implements RunningAgent {

    private static final Logger log = LoggerFactory.getLogger(PointToPointAgent.class);
    private static final String REMOTE = "remote";
    /** {@code ip -o link show}: "... mtu 1450 qdisc ..." and "link/ether 02:00:...". */
    private static final Pattern MTU = Pattern.compile(" mtu (\\d+) ");

    private static final Pattern MAC = Pattern.compile("link/ether ([0-9a-f:]{17})");
    /** Ethernet header and an 802.1Q tag: what a frame may carry beyond its MTU. */
    private static final int ETHERNET_AND_TAG = 18;

    private final io.vpclab.dataplane.Vtep vtep;
    private final List<NettyUdpUnderlay> underlays;
    private final List<TapDevice> taps;
    private final FrameDevice port;

    private PointToPointAgent(
            io.vpclab.dataplane.Vtep vtep, List<NettyUdpUnderlay> underlays, List<TapDevice> taps, FrameDevice port) {
        this.vtep = vtep;
        this.underlays = underlays;
        this.taps = taps;
        this.port = port;
    }

    static PointToPointAgent start(
            String tapName,
            int vni,
            InetAddress local,
            InetAddress remote,
            int udpPort,
            int underlayMtu,
            OffloadChoice offloads) {
        return start(tapName, vni, local, remote, udpPort, underlayMtu, offloads, EventLoopChoice.ONE);
    }

    static PointToPointAgent start(
            String tapName,
            int vni,
            InetAddress local,
            InetAddress remote,
            int udpPort,
            int underlayMtu,
            OffloadChoice offloads,
            EventLoopChoice loops) {
        List<TapDevice> taps = List.of();
        List<NettyUdpUnderlay> underlays = List.of();
        try {
            int innerFrame = underlayMtu - Vxlan.OVERHEAD + 14;
            // a new TAP gets the kernel's 1500; frames over the inner MTU must reach the pipeline,
            // which answers DF packets with fragmentation needed
            int readLimit = Math.max(innerFrame + 4, linkMtu(tapName, 1500) + ETHERNET_AND_TAG);
            PortProvisioner provisioner =
                    new PortProvisioner(SimulatedPorts::create, readLimit, offloads.tunFlags(), loops.count());
            taps = provisioner.openTapQueues("point-to-point", tapName, readLimit);
            // a trunk, as the kernel's vxlan device: VLAN subinterfaces' tagged frames cross untouched
            taps.forEach(TapDevice::passVlanTags);
            // the one port decides: a TAP that took fewer queues (not multi_queue) gets as many loops
            underlays = new EventLoopChoice(taps.size(), loops.auto())
                    .bindUnderlays(new InetSocketAddress(local, udpPort), offloads.underlayOptions(underlayMtu));
            NettyUdpUnderlay underlay = underlays.get(0);
            if (!underlay.isEpoll()) {
                throw new IllegalStateException(
                        "TAP devices need Netty's epoll transport, which is not available here");
            }
            String link = IpCommand.ip("-o", "link", "show", "dev", tapName);
            ForwardingState state = TableTranslator.translate(
                    "--tap " + tapName,
                    table(
                            tapName,
                            vni,
                            local.getHostAddress(),
                            remote.getHostAddress(),
                            udpPort,
                            underlayMtu,
                            mac(link),
                            linkMtu(link)));
            FrameDevice port = PortProvisioner.forPipeline(taps, readLimit);
            io.vpclab.dataplane.Vtep vtep = EventLoopChoice.vtepOn(underlays);
            PointToPointAgent agent = new PointToPointAgent(vtep, underlays, taps, port);
            vtep.apply(state);
            vtep.attachPort(tapName, port);
            log.info(
                    "tunnel vni {} {} <-> {}:{} on the pipeline (underlay {}, MTU {})",
                    vni,
                    tapName,
                    remote.getHostAddress(),
                    udpPort,
                    underlay.localAddress(),
                    underlayMtu);
            log.info("offloads: {}", agent.offloadLine());
            return agent;
        } catch (RuntimeException e) {
            taps.forEach(TapDevice::close);
            underlays.forEach(NettyUdpUnderlay::close);
            throw e;
        }
    }

    /**
     * The whole configuration of the mode as a forwarding table, validated and translated as a
     * {@code --table} file is: the TAP as an L2-only port (any MAC and address may sit behind it,
     * as beside every learning peer).
     */
    static ForwardingTable table(
            String tapName,
            int vni,
            String local,
            String remote,
            int udpPort,
            int underlayMtu,
            String tapMac,
            int tapMtu) {
        return new ForwardingTable()
                .generation(0L)
                .host(new TableHost().underlayIp(local).udpPort(udpPort).underlayMtu(underlayMtu))
                .addVtepsItem(new Vtep().id(REMOTE).ip(remote).port(udpPort))
                .addSegmentsItem(
                        new Segment().vni(vni).floodList(List.of(REMOTE)).learningPeer(true))
                .addPortsItem(new Port()
                        .id(tapName)
                        .kind(PortKind.TAP)
                        .vni(vni)
                        .mac(tapMac)
                        .mtu(tapMtu)
                        .device(tapName));
    }

    private static int linkMtu(String tapName, int fallback) {
        try {
            return linkMtu(IpCommand.ip("-o", "link", "show", "dev", tapName));
        } catch (RuntimeException e) {
            return fallback; // not created yet: opening it creates it with the kernel's default
        }
    }

    private static int linkMtu(String link) {
        Matcher m = MTU.matcher(link);
        if (!m.find()) {
            throw new IllegalStateException("no MTU in '" + link.strip() + "'");
        }
        return Integer.parseInt(m.group(1));
    }

    private static String mac(String link) {
        Matcher m = MAC.matcher(link);
        if (!m.find()) {
            throw new IllegalStateException("not an Ethernet TAP: '" + link.strip() + "'");
        }
        return m.group(1);
    }

    /** What runs after probing, e.g. {@code vnet_hdr=on csum=on tso4=on ... udp_gso=on udp_gro=on}. */
    String offloadLine() {
        NettyUdpUnderlay underlay = underlays.get(0);
        return taps.get(0).offloads().describe() + " udp_gso=" + (underlay.isGso() ? "on" : "off") + " udp_gro="
                + (underlay.isGro() ? "on" : "off");
    }

    /**
     * The tunnel's figures as before the pipeline ({@code tunnel}, {@code offload}, {@code tap/NAME},
     * {@code underlay}, {@code offloads}), taken from the pipeline's counters, then the pipeline's
     * own groups ({@code host}, {@code segment/VNI}, {@code port/NAME}) with every drop by reason.
     */
    @Override
    public Map<String, Map<String, Long>> counterGroups() {
        Map<String, Map<String, Long>> pipelineGroups = PortedVtep.counterGroups(vtep);
        TapDevice tap = taps.get(0);
        NettyUdpUnderlay underlay = underlays.get(0);
        Map<String, Map<String, Long>> groups = new LinkedHashMap<>();
        CountersSnapshot counters = vtep.counters();
        groups.put("tunnel", tunnel(counters.host(), counters.ports().getOrDefault(tap.name(), TrafficSnapshot.ZERO)));
        groups.put("offload", offload());
        Map<String, Long> tapCounters = new LinkedHashMap<>();
        taps.forEach(queue ->
                queue.counters().snapshot().forEach((name, value) -> tapCounters.merge(name, value, Long::sum)));
        groups.put("tap/" + tap.name(), tapCounters);
        Map<String, Long> underlayCounters = new LinkedHashMap<>();
        underlayCounters.put(
                "sendDrops",
                underlays.stream().mapToLong(NettyUdpUnderlay::sendDrops).sum());
        for (NettyUdpUnderlay socket : underlays) {
            socket.offloadCounters()
                    .forEach((name, value) ->
                            underlayCounters.merge(name, value, name.startsWith("udpG") ? (a, b) -> a : Long::sum));
        }
        groups.put("underlay", underlayCounters);
        TapOffloads probed = tap.offloads();
        Map<String, Long> features = new LinkedHashMap<>();
        features.put("vnetHeader", probed.vnetHeader() ? 1L : 0L);
        features.put("csum", probed.checksum() ? 1L : 0L);
        features.put("tso4", probed.tso4() ? 1L : 0L);
        features.put("uso", probed.uso() ? 1L : 0L);
        features.put("udpGso", underlay.isGso() ? 1L : 0L);
        features.put("udpGro", underlay.isGro() ? 1L : 0L);
        groups.put("offloads", features);
        groups.putAll(pipelineGroups);
        return groups;
    }

    /**
     * Every datagram sent carries one frame from the TAP; every frame written to the TAP came out
     * of one datagram (or is the pipeline's ICMP answer to an oversize frame).
     */
    private static Map<String, Long> tunnel(TrafficSnapshot host, TrafficSnapshot tapPort) {
        Map<String, Long> values = new LinkedHashMap<>();
        values.put("encapsulatedFrames", host.packetsOut());
        values.put("encapsulatedBytes", host.bytesOut() - Vxlan.HEADER_LENGTH * host.packetsOut());
        values.put("decapsulatedFrames", tapPort.packetsOut());
        values.put("decapsulatedBytes", tapPort.bytesOut());
        values.put("dropUnknownVtep", host.dropped(DropReason.UNKNOWN_VTEP));
        values.put("dropVniNotServed", host.dropped(DropReason.UNKNOWN_VNI));
        values.put("dropNoVniFlag", host.dropped(DropReason.NO_I_FLAG));
        values.put("dropRunt", host.dropped(DropReason.TRUNCATED));
        values.put("dropOversize", host.dropped(DropReason.OVERSIZE));
        return values;
    }

    /** The TAP side of the fast path: TSO bursts read (and taken whole), refusals, merging toward the TAP. */
    private Map<String, Long> offload() {
        List<FrameDevice> queues = port instanceof MultiQueueDevice queued ? queued.queues() : List.of(port);
        List<SegmentingTapPort> segmenting = queues.stream()
                .filter(SegmentingTapPort.class::isInstance)
                .map(SegmentingTapPort.class::cast)
                .toList();
        Map<String, Long> values = new LinkedHashMap<>();
        if (!segmenting.isEmpty()) {
            values.put("tsoBursts", sum(segmenting, SegmentingTapPort::tsoReads));
            values.put("tsoBurstsWhole", sum(segmenting, SegmentingTapPort::tsoReadsTakenWhole));
            values.put("segmentRefusals", sum(segmenting, SegmentingTapPort::refusals));
            values.put("coalescerFramesIn", sum(segmenting, SegmentingTapPort::coalescerFramesIn));
            values.put("coalescerFramesOut", sum(segmenting, SegmentingTapPort::coalescerFramesOut));
            values.put("coalescedBursts", sum(segmenting, SegmentingTapPort::coalescedBursts));
            values.put("coalescerChecksumFailures", sum(segmenting, SegmentingTapPort::coalescerChecksumFailures));
            values.put("coalescerPartialChecksums", sum(segmenting, SegmentingTapPort::coalescerPartialChecksums));
        } else {
            values.put("tsoBursts", 0L);
            values.put("segmentRefusals", 0L);
        }
        return values;
    }

    private static long sum(
            List<SegmentingTapPort> queues, java.util.function.ToLongFunction<SegmentingTapPort> counter) {
        return queues.stream().mapToLong(counter).sum();
    }

    @Override
    public void reload() {
        log.info("nothing to reload in point-to-point mode");
    }

    @Override
    public void close() {
        // closes the TAP (attached) and the underlay
        vtep.close();
    }
}
