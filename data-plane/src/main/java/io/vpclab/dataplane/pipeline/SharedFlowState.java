package io.vpclab.dataplane.pipeline;

import io.vpclab.dataplane.packet.IpProtocol;
import io.vpclab.dataplane.stats.FlowCount;
import io.vpclab.dataplane.stats.FlowCounts;
import io.vpclab.dataplane.stats.NatGatewaySnapshot;
import io.vpclab.dataplane.table.ForwardingState;
import io.vpclab.dataplane.table.NatGateway;
import io.vpclab.net.Ipv4Address;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongPredicate;
import java.util.function.LongSupplier;

/**
 * The flow state every event loop of one VTEP shares: the NAT gateways' sessions, the elastic
 * IPs' connection table and the flows security groups admitted. A reply can arrive on another loop than its request (the remote VTEP
 * picks the outer UDP source port from the inner flow hash, which differs for the reverse
 * direction, and the kernel steers each underlay 4-tuple to one socket), so each loop's
 * {@link Pipeline} gets the same instance. The tables themselves take their own monitor per call.
 */
public final class SharedFlowState {

    private final LongSupplier clock;
    private final int natSessionCapacity;
    final ConnectionTable connections;
    /**
     * Flows security groups admitted, per port: kept across table installs, so rule changes keep
     * them. It counts packets and bytes per flow for flow logs.
     */
    final ConnectionTable securityGroupFlows;
    /** Flows security groups or ACLs refused, per port and interval, for flow logs' REJECT records. */
    final ConnectionTable rejectedFlows;

    /** Refused flows tracked per interval; more are counted as lost (flow logs' SKIPDATA). */
    static final int REJECTED_FLOW_CAPACITY = 1 << 12;

    private final Map<String, NatSessions> sessionsById = new HashMap<>();
    private ForwardingState installedFor;
    private NatSessions[] installed = new NatSessions[0];

    /**
     * @param nanoClock          the time NAT sessions and tracked connections idle by
     * @param natSessionCapacity sessions each NAT gateway served here can hold
     */
    public SharedFlowState(LongSupplier nanoClock, int natSessionCapacity) {
        this.clock = nanoClock;
        this.natSessionCapacity = natSessionCapacity;
        this.connections =
                new ConnectionTable(ConnectionTable.DEFAULT_CAPACITY, ConnectionTable.DEFAULT_IDLE_NANOS, nanoClock);
        this.securityGroupFlows = new ConnectionTable(
                ConnectionTable.DEFAULT_CAPACITY, ConnectionTable.DEFAULT_IDLE_NANOS, nanoClock, true, true);
        this.rejectedFlows =
                new ConnectionTable(REJECTED_FLOW_CAPACITY, ConnectionTable.DEFAULT_IDLE_NANOS, nanoClock, true);
    }

    /**
     * The session tables of {@code state}'s gateways, in its order; gateways no longer listed lose
     * theirs. Every loop installing the same state gets the same tables (configured once).
     */
    synchronized NatSessions[] install(ForwardingState state) {
        if (state == installedFor) {
            return installed;
        }
        List<NatGateway> gateways = state.natGateways();
        NatSessions[] next = new NatSessions[gateways.size()];
        Map<String, NatSessions> kept = new HashMap<>();
        for (int i = 0; i < next.length; i++) {
            NatGateway gateway = gateways.get(i);
            NatSessions sessions = sessionsById.get(gateway.id());
            if (sessions == null) {
                sessions = new NatSessions(gateway, natSessionCapacity, clock);
            } else {
                sessions.configure(gateway);
            }
            kept.put(gateway.id(), sessions);
            next[i] = sessions;
        }
        sessionsById.clear();
        sessionsById.putAll(kept);
        installedFor = state;
        installed = next;
        return next;
    }

    /**
     * The flows counted since the last drain at the local ports {@code due} accepts (by
     * {@link FlowCount#localKey}), accepted and refused, each direction its own entry; their counts
     * restart from zero. Other ports' counts stay for a later drain.
     */
    public FlowCounts drainFlowCounts(LongPredicate due) {
        List<FlowCount> counted = new ArrayList<>();
        long lost = securityGroupFlows.drain(
                        due,
                        (address, flow, pOut, bOut, pIn, bIn, first, last) ->
                                add(counted, address, flow, true, pOut, bOut, pIn, bIn, first, last))
                + rejectedFlows.drain(
                        due,
                        (address, flow, pOut, bOut, pIn, bIn, first, last) ->
                                add(counted, address, flow, false, pOut, bOut, pIn, bIn, first, last));
        Map<Long, Long> lostByPort = new HashMap<>();
        ConnectionTable.LostSink sink = (port, flows) -> lostByPort.merge(port, flows, Long::sum);
        securityGroupFlows.drainLost(due, sink);
        rejectedFlows.drainLost(due, sink);
        return new FlowCounts(counted, lost, lostByPort);
    }

    private static void add(
            List<FlowCount> into,
            long address,
            long flow,
            boolean accepted,
            long packetsOut,
            long bytesOut,
            long packetsIn,
            long bytesIn,
            long first,
            long last) {
        int vni = (int) (flow >>> 40);
        Ipv4Address local = new Ipv4Address((int) (address >>> 32));
        Ipv4Address peer = new Ipv4Address((int) address);
        int protocol = (int) (flow >>> 32) & 0xFF;
        boolean ported = protocol == IpProtocol.TCP_VALUE || protocol == IpProtocol.UDP_VALUE;
        int peerPort = ported ? (int) (flow >>> 16) & 0xFFFF : 0;
        int localPort = ported ? (int) flow & 0xFFFF : 0;
        if (packetsOut > 0) {
            into.add(new FlowCount(
                    vni,
                    local,
                    peer,
                    protocol,
                    localPort,
                    peerPort,
                    true,
                    accepted,
                    packetsOut,
                    bytesOut,
                    first,
                    last));
        }
        if (packetsIn > 0) {
            into.add(new FlowCount(
                    vni, local, peer, protocol, localPort, peerPort, false, accepted, packetsIn, bytesIn, first, last));
        }
    }

    /** Each NAT gateway's id with its sessions, for a census (read-only). */
    synchronized Map<String, NatSessions> natSessions() {
        return Map.copyOf(sessionsById);
    }

    synchronized List<NatGatewaySnapshot> snapshots(int listedSessions) {
        List<NatGatewaySnapshot> all = new ArrayList<>();
        sessionsById.values().forEach(sessions -> all.add(sessions.snapshot(listedSessions)));
        return all;
    }
}
