package io.vpclab.dataplane.stats;

import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;

/**
 * Immutable copy of one {@link TrafficCounters}.
 *
 * @param drops drops by reason; reasons never seen are absent
 * @param floodCopies underlay datagrams sent by head-end replication (one per remote VTEP per flood)
 * @param broadcastsReceived group-addressed frames (broadcast, multicast) handed to a port
 */
public record TrafficSnapshot(
        long packetsIn,
        long bytesIn,
        long packetsOut,
        long bytesOut,
        long floods,
        long arpRepliesSuppressed,
        Map<DropReason, Long> drops,
        long floodCopies,
        long broadcastsReceived) {

    public static final TrafficSnapshot ZERO = new TrafficSnapshot(0, 0, 0, 0, 0, 0, Map.of(), 0, 0);

    public TrafficSnapshot {
        drops = Collections.unmodifiableMap(drops.isEmpty() ? new EnumMap<>(DropReason.class) : new EnumMap<>(drops));
    }

    static TrafficSnapshot of(
            long packetsIn,
            long bytesIn,
            long packetsOut,
            long bytesOut,
            long floods,
            long arpRepliesSuppressed,
            long[] drops,
            long floodCopies,
            long broadcastsReceived) {
        Map<DropReason, Long> byReason = new EnumMap<>(DropReason.class);
        for (int i = 0; i < drops.length; i++) {
            if (drops[i] != 0) {
                byReason.put(DropReason.ofOrdinal(i), drops[i]);
            }
        }
        return new TrafficSnapshot(
                packetsIn,
                bytesIn,
                packetsOut,
                bytesOut,
                floods,
                arpRepliesSuppressed,
                byReason,
                floodCopies,
                broadcastsReceived);
    }

    /** The sum of this and {@code other}: one VTEP's counters over its event loops. */
    public TrafficSnapshot plus(TrafficSnapshot other) {
        Map<DropReason, Long> byReason = new EnumMap<>(DropReason.class);
        byReason.putAll(drops);
        other.drops.forEach((reason, count) -> byReason.merge(reason, count, Long::sum));
        return new TrafficSnapshot(
                packetsIn + other.packetsIn,
                bytesIn + other.bytesIn,
                packetsOut + other.packetsOut,
                bytesOut + other.bytesOut,
                floods + other.floods,
                arpRepliesSuppressed + other.arpRepliesSuppressed,
                byReason,
                floodCopies + other.floodCopies,
                broadcastsReceived + other.broadcastsReceived);
    }

    public long dropped(DropReason reason) {
        return drops.getOrDefault(reason, 0L);
    }

    public long totalDrops() {
        return drops.values().stream().mapToLong(Long::longValue).sum();
    }
}
