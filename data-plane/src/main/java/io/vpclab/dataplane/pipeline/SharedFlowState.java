package io.vpclab.dataplane.pipeline;

import io.vpclab.dataplane.stats.NatGatewaySnapshot;
import io.vpclab.dataplane.table.ForwardingState;
import io.vpclab.dataplane.table.NatGateway;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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
    /** Flows security groups admitted, per port: kept across table installs, so rule changes keep them. */
    final ConnectionTable securityGroupFlows;

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
        this.securityGroupFlows =
                new ConnectionTable(ConnectionTable.DEFAULT_CAPACITY, ConnectionTable.DEFAULT_IDLE_NANOS, nanoClock);
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
