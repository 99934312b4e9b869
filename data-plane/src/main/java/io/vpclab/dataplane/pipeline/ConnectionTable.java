package io.vpclab.dataplane.pipeline;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import java.util.function.LongPredicate;
import java.util.function.LongSupplier;

/**
 * The flows NAT has let out, so their replies can be let back in: a fixed-size open-addressing
 * table of (public IP, remote IP, protocol, remote port, local port) with a last-seen time.
 * Idle entries expire and their slots are reused; nothing is allocated per packet. Shared by the
 * event loops of one VTEP (a reply may arrive on another loop than its request) and kept across
 * table installs (a new generation must not cut existing flows).
 *
 * <p>Writers ({@link #track}) hold the table's monitor. {@link #established}, asked for every packet
 * of a tracked flow, takes no lock: a slot's last-seen time works as a sequence number (a writer
 * clears it before it rewrites the slot's key and publishes it again after), so a lookup that read
 * the key between two equal last-seen readings read a whole key; one that raced a writer asks
 * again under the monitor. It refreshes the time at most every {@link #refreshNanos}, by
 * compare-and-set, so it never undoes a writer's clearing.
 *
 * <p>Every key lives within {@link #PROBES} slots of its hash, so a lookup scans at most that
 * window and never needs tombstones.
 *
 * <p>A counting table (flow logs) also keeps, per entry, the packets and bytes each way since the
 * last {@link #drain}: {@link #established} and {@link #track} count on the entry they find, a few
 * plain array writes and no allocation. The lock-free count is racy by design: a flow's packets of
 * one direction are handled by one event loop (TAP queues and underlay sockets keep a flow on one
 * loop), and a packet counted while {@link #drain} reads the slot may be lost, as a flow log record
 * is an estimate. A slot reused while it still held undrained counts loses them; {@link #lostFlows}
 * counts how often, and per port ({@link #drainLost}) for as many ports as {@link #LOST_PORTS}, so
 * flow logs can say which interface lost records (SKIPDATA).
 */
final class ConnectionTable {

    static final int DEFAULT_CAPACITY = 1 << 16;
    static final long DEFAULT_IDLE_NANOS = TimeUnit.SECONDS.toNanos(120);
    private static final int PROBES = 16;

    private final long[] addresses; // public IP << 32 | remote IP
    private final long[] flows; // protocol << 32 | remote port << 16 | local port
    private final long[] lastSeen;
    private final boolean[] used;
    private final int mask;
    private final long idleNanos;
    private final LongSupplier clock;
    // per-slot counts since the last drain; null in a table that does not count
    private final long[] packetsOut;
    private final long[] bytesOut;
    private final long[] packetsIn;
    private final long[] bytesIn;
    private final long[] firstCounted;
    private final long[] lastCounted; // the flow record's end (the last-seen time is refreshed coarsely)
    private long lostFlows;
    /** Ports whose lost flows are kept apart until their drain; more ports count in the total only. */
    static final int LOST_PORTS = 256;
    // open addressing by localKey; a count of 0 is a free slot (null in a table that does not count)
    private final long[] lostKeys;
    private final long[] lostCounts;
    private final long refreshNanos;
    /**
     * Per slot, a verdict its user decided once for the flow and tagged with what it depends on
     * ({@link #verdict}); 0 is none. Null in a table that caches none.
     */
    private final long[] verdicts;

    private static final VarHandle LAST_SEEN = MethodHandles.arrayElementVarHandle(long[].class);
    private static final VarHandle USED = MethodHandles.arrayElementVarHandle(boolean[].class);
    /** The last-seen value of a slot being rewritten. */
    private static final long EMPTY = Long.MIN_VALUE;

    /** What {@link #established} and {@link #track} answer when they hold no entry. */
    static final int MISS = -1;

    ConnectionTable(int capacity, long idleNanos, LongSupplier clock) {
        this(capacity, idleNanos, clock, false);
    }

    ConnectionTable(int capacity, long idleNanos, LongSupplier clock, boolean counting) {
        this(capacity, idleNanos, clock, counting, false);
    }

    /** @param cachesVerdicts whether entries keep a {@link #verdict} (the per-port flow table's ACL verdicts) */
    ConnectionTable(int capacity, long idleNanos, LongSupplier clock, boolean counting, boolean cachesVerdicts) {
        if (Integer.bitCount(capacity) != 1 || capacity < PROBES) {
            throw new IllegalArgumentException("capacity must be a power of two >= " + PROBES + ": " + capacity);
        }
        addresses = new long[capacity];
        flows = new long[capacity];
        lastSeen = new long[capacity];
        used = new boolean[capacity];
        mask = capacity - 1;
        this.idleNanos = idleNanos;
        this.clock = clock;
        this.refreshNanos = Math.min(TimeUnit.SECONDS.toNanos(1), idleNanos / 64);
        packetsOut = counting ? new long[capacity] : null;
        bytesOut = counting ? new long[capacity] : null;
        packetsIn = counting ? new long[capacity] : null;
        bytesIn = counting ? new long[capacity] : null;
        firstCounted = counting ? new long[capacity] : null;
        lastCounted = counting ? new long[capacity] : null;
        lostKeys = counting ? new long[LOST_PORTS] : null;
        lostCounts = counting ? new long[LOST_PORTS] : null;
        verdicts = cachesVerdicts ? new long[capacity] : null;
    }

    static long addresses(int publicIp, int remoteIp) {
        return ((long) publicIp << 32) | (remoteIp & 0xFFFF_FFFFL);
    }

    static long flow(int protocol, int remotePort, int localPort) {
        return ((long) protocol << 32) | ((long) (remotePort & 0xFFFF) << 16) | (localPort & 0xFFFF);
    }

    /** Records (or refreshes) an outbound flow; false when its whole probe window is busy. */
    boolean touch(long address, long flow) {
        return track(address, flow, true, 0, 0) != MISS;
    }

    /** True (and refreshed) when the flow is recorded and has not been idle too long. */
    boolean isReply(long address, long flow) {
        return established(address, flow, true, 0, 0) != MISS;
    }

    /**
     * Records (or refreshes) a flow and counts {@code packets} of {@code bytes} on it, outbound or
     * inbound: its slot, or {@link #MISS} when its whole probe window is busy.
     */
    synchronized int track(long address, long flow, boolean out, long bytes, int packets) {
        long now = clock.getAsLong();
        int free = -1;
        int slot = slot(address, flow);
        for (int i = 0; i < PROBES; i++, slot = (slot + 1) & mask) {
            boolean live = used[slot] && now - lastSeen[slot] < idleNanos;
            if (live && addresses[slot] == address && flows[slot] == flow) {
                LAST_SEEN.setRelease(lastSeen, slot, now);
                count(slot, out, bytes, packets, now);
                return slot;
            }
            if (!live && free < 0) {
                free = slot;
            }
        }
        if (free < 0) {
            if (packetsOut != null && packets > 0) {
                lost(localKey(address, flow));
            }
            return MISS;
        }
        if (packetsOut != null && used[free]) {
            if (packetsOut[free] != 0 || packetsIn[free] != 0) {
                lost(localKey(addresses[free], flows[free]));
            }
            packetsOut[free] =
                    bytesOut[free] = packetsIn[free] = bytesIn[free] = firstCounted[free] = lastCounted[free] = 0;
        }
        LAST_SEEN.setVolatile(lastSeen, free, EMPTY); // lock-free readers see the slot change
        addresses[free] = address;
        flows[free] = flow;
        if (verdicts != null) {
            verdicts[free] = 0; // the previous flow's
        }
        USED.setRelease(used, free, true);
        LAST_SEEN.setRelease(lastSeen, free, now == EMPTY ? now + 1 : now);
        count(free, out, bytes, packets, now);
        return free;
    }

    /**
     * The slot of a recorded flow that has not been idle too long, refreshed and with
     * {@code packets} of {@code bytes} counted on it; {@link #MISS} otherwise.
     */
    int established(long address, long flow, boolean out, long bytes, int packets) {
        long now = clock.getAsLong();
        int slot = slot(address, flow);
        for (int i = 0; i < PROBES; i++, slot = (slot + 1) & mask) {
            long seen = (long) LAST_SEEN.getAcquire(lastSeen, slot);
            if (seen == EMPTY) {
                return establishedLocked(address, flow, out, bytes, packets); // a writer is rewriting this slot
            }
            if ((boolean) USED.getAcquire(used, slot) && addresses[slot] == address && flows[slot] == flow) {
                VarHandle.acquireFence(); // the key was read before the second reading of the time
                if ((long) LAST_SEEN.getAcquire(lastSeen, slot) != seen) {
                    return establishedLocked(address, flow, out, bytes, packets);
                }
                if (now - seen >= idleNanos) {
                    return MISS;
                }
                if (now - seen > refreshNanos) {
                    LAST_SEEN.compareAndSet(lastSeen, slot, seen, now);
                }
                count(slot, out, bytes, packets, now);
                return slot;
            }
        }
        return MISS;
    }

    private synchronized int establishedLocked(long address, long flow, boolean out, long bytes, int packets) {
        long now = clock.getAsLong();
        int slot = slot(address, flow);
        for (int i = 0; i < PROBES; i++, slot = (slot + 1) & mask) {
            if (used[slot] && addresses[slot] == address && flows[slot] == flow) {
                if (now - lastSeen[slot] >= idleNanos) {
                    return MISS;
                }
                LAST_SEEN.setRelease(lastSeen, slot, now);
                count(slot, out, bytes, packets, now);
                return slot;
            }
        }
        return MISS;
    }

    /**
     * The verdict cached for the flow in {@code slot} (as {@link #established} or {@link #track}
     * answered it, on this loop, for this packet) under {@code tag}, or {@link #NO_VERDICT}.
     * Racy by design, like the counts: a slot is reused only after its flow idled out, and a
     * reused slot's verdict is cleared before its new key is published.
     */
    int verdict(int slot, int tag) {
        long cached = verdicts[slot];
        return (int) (cached >>> 32) == tag ? (int) cached : NO_VERDICT;
    }

    /** Caches {@code verdict} (not {@link #NO_VERDICT}) for the flow in {@code slot} under {@code tag} (not 0). */
    void cacheVerdict(int slot, int tag, int verdict) {
        verdicts[slot] = ((long) tag << 32) | (verdict & 0xFFFF_FFFFL);
    }

    /** What {@link #verdict} answers when none is cached under the tag. */
    static final int NO_VERDICT = Integer.MIN_VALUE;

    /** Takes back a count {@link #established} made for a packet a later stage refused. */
    void uncount(int slot, boolean out, long bytes, int packets) {
        count(slot, out, -bytes, -packets, 0);
    }

    private void count(int slot, boolean out, long bytes, int packets, long now) {
        if (packetsOut == null || packets == 0) {
            return;
        }
        if (out) {
            packetsOut[slot] += packets;
            bytesOut[slot] += bytes;
        } else {
            packetsIn[slot] += packets;
            bytesIn[slot] += bytes;
        }
        if (now != 0) {
            if (firstCounted[slot] == 0) {
                firstCounted[slot] = now;
            }
            lastCounted[slot] = now;
        }
    }

    /** One flow's counts lost at the port {@code key}: in the total, and in the port's own count while there is room. */
    private void lost(long key) {
        lostFlows++;
        addLost(key, 1);
    }

    private void addLost(long key, long flows) {
        int slot = (int) (key ^ (key >>> 29)) & (LOST_PORTS - 1);
        for (int i = 0; i < LOST_PORTS; i++, slot = (slot + 1) & (LOST_PORTS - 1)) {
            if (lostCounts[slot] == 0 || lostKeys[slot] == key) {
                lostKeys[slot] = key;
                lostCounts[slot] += flows;
                return;
            }
        }
    }

    /** Receives one port's lost flows from {@link #drainLost}. */
    interface LostSink {
        void lost(long localKey, long flows);
    }

    /**
     * Hands the ports {@code due} accepts that lost flows since their last drain to {@code sink},
     * with how many, and forgets them; other ports keep theirs. Off the packet path.
     */
    synchronized void drainLost(LongPredicate due, LostSink sink) {
        if (lostCounts == null) {
            return;
        }
        long[] keptKeys = new long[LOST_PORTS];
        long[] keptCounts = new long[LOST_PORTS];
        int kept = 0;
        for (int i = 0; i < LOST_PORTS; i++) {
            if (lostCounts[i] == 0) {
                continue;
            }
            if (due.test(lostKeys[i])) {
                sink.lost(lostKeys[i], lostCounts[i]);
            } else {
                keptKeys[kept] = lostKeys[i];
                keptCounts[kept++] = lostCounts[i];
            }
        }
        // rebuilt rather than cleared slot by slot: open addressing has no tombstones
        Arrays.fill(lostCounts, 0);
        for (int i = 0; i < kept; i++) {
            addLost(keptKeys[i], keptCounts[i]);
        }
    }

    /** The (VNI, local address) of an entry of a per-port table, as {@code vni << 32 | local address}. */
    static long localKey(long address, long flow) {
        return ((flow >>> 40) << 32) | (address >>> 32);
    }

    /** Receives one entry's counts from {@link #drain}. */
    interface CountSink {
        void counted(
                long address,
                long flow,
                long packetsOut,
                long bytesOut,
                long packetsIn,
                long bytesIn,
                long firstNanos,
                long lastNanos);
    }

    /**
     * Hands every entry with counts whose key {@code due} accepts to {@code sink} and clears its
     * counts (the entry itself stays); a full scan, once per flow-log interval, off the packet
     * path. Returns, and resets, the flows lost to slot reuse since the last drain.
     */
    synchronized long drain(LongPredicate due, CountSink sink) {
        if (packetsOut == null) {
            return 0;
        }
        for (int i = 0; i <= mask; i++) {
            if (!used[i] || (packetsOut[i] == 0 && packetsIn[i] == 0) || !due.test(localKey(addresses[i], flows[i]))) {
                continue;
            }
            sink.counted(
                    addresses[i],
                    flows[i],
                    packetsOut[i],
                    bytesOut[i],
                    packetsIn[i],
                    bytesIn[i],
                    firstCounted[i],
                    lastCounted[i]);
            packetsOut[i] = bytesOut[i] = packetsIn[i] = bytesIn[i] = firstCounted[i] = lastCounted[i] = 0;
        }
        long lost = lostFlows;
        lostFlows = 0;
        return lost;
    }

    /** Live entries; a full scan, for counters and tests, not the hot path. */
    synchronized int size() {
        long now = clock.getAsLong();
        int live = 0;
        for (int i = 0; i <= mask; i++) {
            if (used[i] && now - lastSeen[i] < idleNanos) {
                live++;
            }
        }
        return live;
    }

    /** What {@link #forEachLive} hands over: one live entry's key and how long it has been idle. */
    interface LiveEntry {
        void accept(long address, long flow, long idleNanos);
    }

    /** Visits every live entry under the table's monitor; a full scan, for counters, not the hot path. */
    synchronized void forEachLive(LiveEntry visitor) {
        long now = clock.getAsLong();
        for (int i = 0; i <= mask; i++) {
            long idle = now - lastSeen[i];
            if (used[i] && idle < idleNanos) {
                visitor.accept(addresses[i], flows[i], idle);
            }
        }
    }

    private int slot(long address, long flow) {
        long mixed = (address * 0x9E37_79B9_7F4A_7C15L) ^ (flow * 0xC2B2_AE3D_27D4_EB4FL);
        return (int) (mixed ^ (mixed >>> 32)) & mask;
    }
}
