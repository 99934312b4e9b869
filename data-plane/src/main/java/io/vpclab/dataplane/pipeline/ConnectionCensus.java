package io.vpclab.dataplane.pipeline;

import io.vpclab.dataplane.stats.ConnectionSnapshot;
import io.vpclab.dataplane.table.ElasticIp;
import io.vpclab.dataplane.table.ForwardingState;
import io.vpclab.dataplane.table.LocalPort;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Counts connections per instance, elastic IP and NAT gateway from the flow state the data
 * plane keeps anyway: the flows security groups admitted (keyed by the instance's address and
 * segment), the elastic IPs' connection table (keyed by the public address) and the NAT
 * gateways' sessions. Nothing is added to the packet path: a census scans the tables once per
 * report, and a flow not in the previous census is a new connection (flows stay tracked for at
 * least their idle timeout, far longer than a report interval, so none is missed).
 */
public final class ConnectionCensus {

    /** A connection that carried a packet this recently is active; a quieter tracked one is inactive. */
    public static final long ACTIVE_NANOS = TimeUnit.SECONDS.toNanos(10);

    private record Flow(long address, long flow) {}

    private final SharedFlowState shared;
    private Set<Flow> lastSecurityGroupFlows = new HashSet<>();
    private Set<Flow> lastElasticIpFlows = new HashSet<>();
    private final Map<String, Long> createdByOwner = new HashMap<>();

    public ConnectionCensus(SharedFlowState shared) {
        this.shared = shared;
    }

    /** One census against {@code state} (which names the owners), sorted by kind and id. */
    public synchronized List<ConnectionSnapshot> take(ForwardingState state) {
        Map<Long, String> portByAddress = new HashMap<>();
        for (LocalPort port : state.ports()) {
            if (port.ipAddress() != null) {
                portByAddress.put(
                        segmentAddress(port.vni().value(), port.ipAddress().bits()), port.id());
            }
        }
        Map<Integer, String> elasticIps = new HashMap<>();
        for (ElasticIp eip : state.elasticIps()) {
            elasticIps.put(eip.publicIp().bits(), eip.publicIp().toString());
        }
        Map<String, long[]> counts = new HashMap<>(); // "kind/id" -> active, inactive
        Set<Flow> securityGroupFlows = new HashSet<>();
        shared.securityGroupFlows.forEachLive((address, flow, idle) -> {
            int vni = (int) (flow >>> 40) & 0xFF_FFFF;
            String port = portByAddress.get(segmentAddress(vni, (int) (address >>> 32)));
            if (port != null) {
                Flow key = new Flow(address, flow);
                securityGroupFlows.add(key);
                count(counts, ConnectionSnapshot.INSTANCE + "/" + port, idle, !lastSecurityGroupFlows.contains(key));
            }
        });
        Set<Flow> elasticIpFlows = new HashSet<>();
        shared.connections.forEachLive((address, flow, idle) -> {
            String eip = elasticIps.get((int) (address >>> 32));
            if (eip != null) {
                Flow key = new Flow(address, flow);
                elasticIpFlows.add(key);
                count(counts, ConnectionSnapshot.ELASTIC_IP + "/" + eip, idle, !lastElasticIpFlows.contains(key));
            }
        });
        lastSecurityGroupFlows = securityGroupFlows;
        lastElasticIpFlows = elasticIpFlows;

        List<ConnectionSnapshot> all = new ArrayList<>();
        // every port and elastic IP of the table is listed, with zeros when it has no connection
        state.ports()
                .forEach(p -> counts.computeIfAbsent(ConnectionSnapshot.INSTANCE + "/" + p.id(), k -> new long[2]));
        elasticIps
                .values()
                .forEach(e -> counts.computeIfAbsent(ConnectionSnapshot.ELASTIC_IP + "/" + e, k -> new long[2]));
        counts.forEach((owner, c) -> {
            int slash = owner.indexOf('/');
            all.add(new ConnectionSnapshot(
                    owner.substring(0, slash),
                    owner.substring(slash + 1),
                    c[0],
                    c[1],
                    createdByOwner.getOrDefault(owner, 0L)));
        });
        shared.natSessions().forEach((id, sessions) -> {
            long active = sessions.active();
            long busy = sessions.activeWithin(ACTIVE_NANOS);
            all.add(new ConnectionSnapshot(
                    ConnectionSnapshot.NAT_GATEWAY,
                    id,
                    busy,
                    active - busy,
                    sessions.snapshot(0).sessionsCreated()));
        });
        all.sort(Comparator.comparing(ConnectionSnapshot::kind).thenComparing(ConnectionSnapshot::id));
        return all;
    }

    private void count(Map<String, long[]> counts, String owner, long idleNanos, boolean isNew) {
        long[] c = counts.computeIfAbsent(owner, k -> new long[2]);
        c[idleNanos < ACTIVE_NANOS ? 0 : 1]++;
        if (isNew) {
            createdByOwner.merge(owner, 1L, Long::sum);
        }
    }

    private static long segmentAddress(int vni, int ip) {
        return ((long) vni << 32) | (ip & 0xFFFF_FFFFL);
    }
}
