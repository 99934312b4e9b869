package io.vpclab.dataplane.pipeline;

import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * The flows NAT has let out, so their replies can be let back in: a fixed-size open-addressing
 * table of (public IP, remote IP, protocol, remote port, local port) with a last-seen time.
 * Idle entries expire and their slots are reused; nothing is allocated per packet. Shared by the
 * event loops of one VTEP (each method holds the table's monitor: a reply may arrive on another
 * loop than its request) and kept across table installs (a new generation must not cut existing flows).
 *
 * <p>Every key lives within {@link #PROBES} slots of its hash, so a lookup scans at most that
 * window and never needs tombstones.
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

    ConnectionTable(int capacity, long idleNanos, LongSupplier clock) {
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
    }

    static long addresses(int publicIp, int remoteIp) {
        return ((long) publicIp << 32) | (remoteIp & 0xFFFF_FFFFL);
    }

    static long flow(int protocol, int remotePort, int localPort) {
        return ((long) protocol << 32) | ((long) (remotePort & 0xFFFF) << 16) | (localPort & 0xFFFF);
    }

    /** Records (or refreshes) an outbound flow; false when its whole probe window is busy. */
    synchronized boolean touch(long address, long flow) {
        long now = clock.getAsLong();
        int free = -1;
        int slot = slot(address, flow);
        for (int i = 0; i < PROBES; i++, slot = (slot + 1) & mask) {
            boolean live = used[slot] && now - lastSeen[slot] < idleNanos;
            if (live && addresses[slot] == address && flows[slot] == flow) {
                lastSeen[slot] = now;
                return true;
            }
            if (!live && free < 0) {
                free = slot;
            }
        }
        if (free < 0) {
            return false;
        }
        used[free] = true;
        addresses[free] = address;
        flows[free] = flow;
        lastSeen[free] = now;
        return true;
    }

    /** True (and refreshed) when the flow is recorded and has not been idle too long. */
    synchronized boolean isReply(long address, long flow) {
        long now = clock.getAsLong();
        int slot = slot(address, flow);
        for (int i = 0; i < PROBES; i++, slot = (slot + 1) & mask) {
            if (used[slot] && addresses[slot] == address && flows[slot] == flow) {
                if (now - lastSeen[slot] >= idleNanos) {
                    return false;
                }
                lastSeen[slot] = now;
                return true;
            }
        }
        return false;
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
