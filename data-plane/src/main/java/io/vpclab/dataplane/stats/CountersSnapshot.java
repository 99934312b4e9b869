package io.vpclab.dataplane.stats;

import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * Every counter of one VTEP at one moment.
 *
 * @param host     underlay datagrams in and out, and every drop
 * @param ports    by port id: frames from the instance (in) and to it (out)
 * @param segments by VNI: frames entering the segment here (from ports or the underlay) and leaving it
 * @param elasticIps by public address: packets translated toward the instance (in) and from it
 *                   (out), and the packets refused at the address, by reason
 */
public record CountersSnapshot(
        TrafficSnapshot host,
        Map<String, TrafficSnapshot> ports,
        Map<Integer, TrafficSnapshot> segments,
        Map<String, TrafficSnapshot> elasticIps) {

    public CountersSnapshot {
        ports = Map.copyOf(ports);
        segments = Map.copyOf(segments);
        elasticIps = Map.copyOf(elasticIps);
    }

    public TrafficSnapshot port(String portId) {
        return ports.getOrDefault(portId, TrafficSnapshot.ZERO);
    }

    public TrafficSnapshot segment(int vni) {
        return segments.getOrDefault(vni, TrafficSnapshot.ZERO);
    }

    /** The counters of elastic IP {@code publicIp} (dotted), zero when it never counted here. */
    public TrafficSnapshot elasticIp(String publicIp) {
        return elasticIps.getOrDefault(publicIp, TrafficSnapshot.ZERO);
    }

    /** The sum of this and {@code other}, set by set: one VTEP's counters over its event loops. */
    public CountersSnapshot plus(CountersSnapshot other) {
        Map<String, TrafficSnapshot> allPorts = new HashMap<>(ports);
        other.ports.forEach((id, s) -> allPorts.merge(id, s, TrafficSnapshot::plus));
        Map<Integer, TrafficSnapshot> allSegments = new HashMap<>(segments);
        other.segments.forEach((vni, s) -> allSegments.merge(vni, s, TrafficSnapshot::plus));
        Map<String, TrafficSnapshot> allElasticIps = new HashMap<>(elasticIps);
        other.elasticIps.forEach((address, s) -> allElasticIps.merge(address, s, TrafficSnapshot::plus));
        return new CountersSnapshot(host.plus(other.host), allPorts, allSegments, allElasticIps);
    }

    /** A multi-line text form for an agent to print on SIGTERM or on request. */
    public String format() {
        StringBuilder text = new StringBuilder();
        text.append("host ").append(line(host)).append('\n');
        new TreeMap<>(segments)
                .forEach((vni, s) -> text.append("vni ")
                        .append(vni)
                        .append(' ')
                        .append(line(s))
                        .append('\n'));
        new TreeMap<>(ports)
                .forEach((id, s) -> text.append("port ")
                        .append(id)
                        .append(' ')
                        .append(line(s))
                        .append('\n'));
        new TreeMap<>(elasticIps)
                .forEach((address, s) -> text.append("elastic-ip ")
                        .append(address)
                        .append(' ')
                        .append(line(s))
                        .append('\n'));
        return text.toString();
    }

    private static String line(TrafficSnapshot s) {
        return "in " + s.packetsIn() + " pkts " + s.bytesIn() + " B, out " + s.packetsOut() + " pkts " + s.bytesOut()
                + " B, floods " + s.floods() + ", arp-suppressed " + s.arpRepliesSuppressed() + ", drops " + s.drops();
    }
}
