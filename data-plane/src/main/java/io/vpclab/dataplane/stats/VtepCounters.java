package io.vpclab.dataplane.stats;

import java.util.HashMap;
import java.util.Map;

/**
 * All counters of one VTEP. Sets are created on first use and kept across table swaps, so a
 * port's counts survive a new generation. Used on the event loop only.
 */
public final class VtepCounters {

    private final TrafficCounters host = new TrafficCounters();
    private final Map<String, TrafficCounters> ports = new HashMap<>();
    private final Map<Integer, TrafficCounters> segments = new HashMap<>();
    private final Map<String, TrafficCounters> elasticIps = new HashMap<>();

    public TrafficCounters host() {
        return host;
    }

    public TrafficCounters port(String portId) {
        return ports.computeIfAbsent(portId, id -> new TrafficCounters());
    }

    public TrafficCounters segment(int vni) {
        return segments.computeIfAbsent(vni, v -> new TrafficCounters());
    }

    /** The counters of the elastic IP {@code publicIp} (its dotted address), kept like a port's across generations. */
    public TrafficCounters elasticIp(String publicIp) {
        return elasticIps.computeIfAbsent(publicIp, a -> new TrafficCounters());
    }

    public CountersSnapshot snapshot() {
        Map<String, TrafficSnapshot> portSnapshots = new HashMap<>();
        ports.forEach((id, c) -> portSnapshots.put(id, c.snapshot()));
        Map<Integer, TrafficSnapshot> segmentSnapshots = new HashMap<>();
        segments.forEach((vni, c) -> segmentSnapshots.put(vni, c.snapshot()));
        Map<String, TrafficSnapshot> elasticIpSnapshots = new HashMap<>();
        elasticIps.forEach((address, c) -> elasticIpSnapshots.put(address, c.snapshot()));
        return new CountersSnapshot(host.snapshot(), portSnapshots, segmentSnapshots, elasticIpSnapshots);
    }
}
