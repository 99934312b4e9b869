package io.vpclab.agent.stats;

import io.vpclab.client.model.ConnectionStats;
import io.vpclab.client.model.HostStatsReport;
import io.vpclab.dataplane.stats.ConnectionSnapshot;
import io.vpclab.dataplane.stats.CountersSnapshot;
import io.vpclab.dataplane.stats.DropReason;
import io.vpclab.dataplane.stats.NatGatewaySnapshot;
import io.vpclab.dataplane.stats.TrafficSnapshot;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;
import java.util.function.Supplier;

/**
 * Connections per instance, elastic IP and NAT gateway: the data plane's census (active,
 * inactive, new) with the packets, bytes and refused connection starts its counters already
 * keep per port, per elastic IP and per NAT gateway. The counter groups {@code connection/KIND/ID} carry the same
 * figures for metrics.
 */
public final class ConnectionStatsSection implements StatsSection {

    /** A packet refused at an instance's port before its connection was tracked. */
    private static final List<DropReason> INSTANCE_REFUSALS =
            List.of(DropReason.SECURITY_GROUP_DENIED, DropReason.NETWORK_ACL_DENIED, DropReason.CONNECTION_TABLE_FULL);
    /** A packet an elastic IP refused before its connection was tracked. */
    private static final List<DropReason> ELASTIC_IP_REFUSALS =
            List.of(DropReason.EIP_INGRESS_DENIED, DropReason.WHITELIST_DENIED, DropReason.CONNECTION_TABLE_FULL);
    /** A new flow a NAT gateway could not or would not translate. */
    private static final List<DropReason> NAT_REFUSALS =
            List.of(DropReason.ERROR_PORT_ALLOCATION, DropReason.NAT_TABLE_FULL, DropReason.NAT_EGRESS_DENIED);

    private final Supplier<List<ConnectionSnapshot>> census;
    private final Supplier<CountersSnapshot> counters;
    private final IntFunction<List<NatGatewaySnapshot>> natGateways;

    /** e.g. {@code vtep::connections}, {@code vtep::counters}, {@code vtep::natGateways} */
    public ConnectionStatsSection(
            Supplier<List<ConnectionSnapshot>> census,
            Supplier<CountersSnapshot> counters,
            IntFunction<List<NatGatewaySnapshot>> natGateways) {
        this.census = census;
        this.counters = counters;
        this.natGateways = natGateways;
    }

    /** The figures of every owner, in census order. */
    public List<ConnectionStats> stats() {
        CountersSnapshot ports = counters.get();
        Map<String, NatGatewaySnapshot> gateways = new LinkedHashMap<>();
        natGateways.apply(0).forEach(g -> gateways.put(g.natGatewayId(), g));
        return census.get().stream()
                .map(c -> {
                    ConnectionStats stats = new ConnectionStats()
                            .kind(ConnectionStats.KindEnum.fromValue(c.kind()))
                            .id(c.id())
                            .active(c.active())
                            .inactive(c.inactive())
                            .created(c.created());
                    if (c.kind().equals(ConnectionSnapshot.INSTANCE)) {
                        TrafficSnapshot port = ports.port(c.id());
                        // the port counts in = from the instance; here in = toward it
                        stats.dropped(INSTANCE_REFUSALS.stream()
                                        .mapToLong(port::dropped)
                                        .sum())
                                .packetsIn(port.packetsOut())
                                .bytesIn(port.bytesOut())
                                .packetsOut(port.packetsIn())
                                .bytesOut(port.bytesIn());
                    } else if (c.kind().equals(ConnectionSnapshot.ELASTIC_IP)) {
                        // the elastic IP counts in = translated toward the instance, as here
                        TrafficSnapshot eip = ports.elasticIp(c.id());
                        stats.dropped(ELASTIC_IP_REFUSALS.stream()
                                        .mapToLong(eip::dropped)
                                        .sum())
                                .packetsIn(eip.packetsIn())
                                .bytesIn(eip.bytesIn())
                                .packetsOut(eip.packetsOut())
                                .bytesOut(eip.bytesOut());
                    } else if (c.kind().equals(ConnectionSnapshot.NAT_GATEWAY) && gateways.containsKey(c.id())) {
                        NatGatewaySnapshot g = gateways.get(c.id());
                        stats.dropped(NAT_REFUSALS.stream()
                                        .mapToLong(g::dropped)
                                        .sum())
                                .packetsIn(g.packetsIn())
                                .bytesIn(g.bytesIn())
                                .packetsOut(g.packetsOut())
                                .bytesOut(g.bytesOut());
                    }
                    return stats;
                })
                .toList();
    }

    @Override
    public void contribute(HostStatsReport report) {
        report.connections(stats());
    }

    /** {@code connection/KIND/ID} -> figure name -> value, for the counter groups and metrics. */
    public Map<String, Map<String, Long>> counterGroups() {
        Map<String, Map<String, Long>> groups = new LinkedHashMap<>();
        for (ConnectionStats s : stats()) {
            Map<String, Long> values = new LinkedHashMap<>();
            values.put("active", s.getActive());
            values.put("inactive", s.getInactive());
            values.put("created", s.getCreated());
            if (s.getDropped() != null) {
                values.put("dropped", s.getDropped());
                values.put("packetsIn", s.getPacketsIn());
                values.put("bytesIn", s.getBytesIn());
                values.put("packetsOut", s.getPacketsOut());
                values.put("bytesOut", s.getBytesOut());
            }
            groups.put("connection/" + s.getKind().getValue() + "/" + s.getId(), values);
        }
        return groups;
    }
}
