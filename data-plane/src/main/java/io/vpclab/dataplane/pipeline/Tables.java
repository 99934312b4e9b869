package io.vpclab.dataplane.pipeline;

import io.vpclab.dataplane.capture.Capture;
import io.vpclab.dataplane.port.FrameDevice;
import io.vpclab.dataplane.stats.TrafficCounters;
import io.vpclab.dataplane.table.ForwardingState;
import io.vpclab.dataplane.table.PortFilter;

/**
 * One installed generation: the forwarding state plus everything indexed like it (counters,
 * attached devices, captures), rebuilt on the loop whenever any of them changes, so a stage
 * reads one consistent set without maps.
 */
final class Tables {

    final ForwardingState state;
    final TrafficCounters host;
    final TrafficCounters[] ports;
    final TrafficCounters[] segments;
    /** Counters of the state's elastic IPs, indexed like {@code state.elasticIps()}. */
    final TrafficCounters[] elasticIps;

    final FrameDevice[] devices;
    final Capture[] portCaptures;
    final Capture underlayCapture;
    /** Session tables of the state's NAT gateways, indexed like {@code state.natGateways()}. */
    final NatSessions[] natSessions;

    final long[] portMacs;
    final int[] portIps;
    final boolean[] portHasIp;
    /**
     * A port whose frames need none of the rare checks: a device is attached, and it has no
     * security groups or ACL, no capture, no NAT gateway behind it, no VLAN trunk and no learning
     * peer. One array load on the per-frame path stands for those six.
     */
    final boolean[] plainPort;
    /** A segment that is neither the provider network nor led by a learning peer. */
    final boolean[] plainSegment;
    /**
     * Each segment's router MAC, or {@link #NO_ROUTER_MAC} (never equal to a 48-bit MAC) when it is
     * not routed: the classifier's "to the router?" in one load.
     */
    final long[] segmentRouterMacs;

    static final long NO_ROUTER_MAC = -1L;
    /** Ports of appliances ({@link ForwardingState#isAppliance}): they may send packets of other sources. */
    final boolean[] portForwards;

    final int localIp;
    final int localPort;

    Tables(
            ForwardingState state,
            TrafficCounters host,
            TrafficCounters[] ports,
            TrafficCounters[] segments,
            TrafficCounters[] elasticIps,
            FrameDevice[] devices,
            Capture[] portCaptures,
            Capture underlayCapture,
            NatSessions[] natSessions,
            int localIp,
            int localPort) {
        this.state = state;
        this.host = host;
        this.ports = ports;
        this.segments = segments;
        this.elasticIps = elasticIps;
        this.devices = devices;
        this.portCaptures = portCaptures;
        this.underlayCapture = underlayCapture;
        this.natSessions = natSessions;
        this.localIp = localIp;
        this.localPort = localPort;
        int count = state.portCount();
        portMacs = new long[count];
        portIps = new int[count];
        portHasIp = new boolean[count];
        portForwards = new boolean[count];
        for (int i = 0; i < count; i++) {
            portForwards[i] = state.isAppliance(i);
            portMacs[i] = state.port(i).mac().bits();
            portHasIp[i] = state.port(i).ipAddress() != null;
            portIps[i] = portHasIp[i] ? state.port(i).ipAddress().bits() : 0;
        }
        segmentRouterMacs = new long[state.segmentCount()];
        for (int s = 0; s < segmentRouterMacs.length; s++) {
            int router = state.segmentRouter(s);
            segmentRouterMacs[s] = router == ForwardingState.NONE ? NO_ROUTER_MAC : state.routerMac(router);
        }
        plainSegment = new boolean[state.segmentCount()];
        for (int s = 0; s < plainSegment.length; s++) {
            plainSegment[s] = s != state.publicSegment() && !state.hasLearningPeer(s);
        }
        plainPort = new boolean[count];
        for (int p = 0; p < count; p++) {
            plainPort[p] = devices[p] != null
                    && !devices[p].passesVlanTags()
                    && portCaptures[p] == null
                    && plainSegment[state.portSegment(p)]
                    && state.natGatewayOfPort(p) == ForwardingState.NONE
                    && !PortFilter.of(state, p).filters();
        }
    }
}
