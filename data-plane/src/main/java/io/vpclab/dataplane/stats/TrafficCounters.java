package io.vpclab.dataplane.stats;

/**
 * Mutable counters of one port, segment or host. Single writer: only the VTEP's event loop
 * touches them, so the fields are plain {@code long}s and counting is a field increment.
 */
public final class TrafficCounters {

    private long packetsIn;
    private long bytesIn;
    private long packetsOut;
    private long bytesOut;
    private long floods;
    private long arpRepliesSuppressed;
    private long floodCopies;
    private long broadcastsReceived;
    private final long[] drops = new long[DropReason.count()];

    public void in(int bytes) {
        packetsIn++;
        bytesIn += bytes;
    }

    public void out(int bytes) {
        packetsOut++;
        bytesOut += bytes;
    }

    /** {@code frames} frames of {@code bytes} in all, as a burst carried whole puts them on the wire. */
    public void in(int frames, long bytes) {
        packetsIn += frames;
        bytesIn += bytes;
    }

    public void out(int frames, long bytes) {
        packetsOut += frames;
        bytesOut += bytes;
    }

    public void flood() {
        floods++;
    }

    /** {@code copies} datagrams sent to remote VTEPs for one flood (head-end replication). */
    public void floodCopies(int copies) {
        floodCopies += copies;
    }

    /** A broadcast or multicast frame handed to a port. */
    public void broadcastReceived() {
        broadcastsReceived++;
    }

    public void arpReplySuppressed() {
        arpRepliesSuppressed++;
    }

    public void drop(DropReason reason) {
        drops[reason.ordinal()]++;
    }

    /** {@code frames} frames dropped for {@code reason}, as a burst dropped whole stands for them on the wire. */
    public void drop(DropReason reason, int frames) {
        drops[reason.ordinal()] += frames;
    }

    /** A copy of the current values; call on the writer thread. */
    public TrafficSnapshot snapshot() {
        return TrafficSnapshot.of(
                packetsIn,
                bytesIn,
                packetsOut,
                bytesOut,
                floods,
                arpRepliesSuppressed,
                drops,
                floodCopies,
                broadcastsReceived);
    }
}
