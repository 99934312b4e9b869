package io.vpclab.dataplane.pipeline;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * The flows NAT has let out, so their replies can be let back in: a fixed-size open-addressing
 * table of (public IP, remote IP, protocol, remote port, local port) with a last-seen time.
 * Idle entries expire and their slots are reused; nothing is allocated per packet. Shared by the
 * event loops of one VTEP (a reply may arrive on another loop than its request) and kept across
 * table installs (a new generation must not cut existing flows).
 *
 * <p>Writers ({@link #touch}) hold the table's monitor. {@link #isReply}, asked for every packet of
 * a tracked flow, takes no lock: a slot's last-seen time works as a sequence number (a writer
 * clears it before it rewrites the slot's key and publishes it again after), so a lookup that read
 * the key between two equal last-seen readings read a whole key; one that raced a writer asks
 * again under the monitor. It refreshes the time at most every {@link #refreshNanos}, by
 * compare-and-set, so it never undoes a writer's clearing.
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
    private final long refreshNanos;

    private static final VarHandle LAST_SEEN = MethodHandles.arrayElementVarHandle(long[].class);
    private static final VarHandle USED = MethodHandles.arrayElementVarHandle(boolean[].class);

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
        this.refreshNanos = Math.min(TimeUnit.SECONDS.toNanos(1), idleNanos / 64);
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
                LAST_SEEN.setRelease(lastSeen, slot, now);
                return true;
            }
            if (!live && free < 0) {
                free = slot;
            }
        }
        if (free < 0) {
            return false;
        }
        LAST_SEEN.setVolatile(lastSeen, free, EMPTY); // lock-free readers see the slot change
        addresses[free] = address;
        flows[free] = flow;
        USED.setRelease(used, free, true);
        LAST_SEEN.setRelease(lastSeen, free, now == EMPTY ? now + 1 : now);
        return true;
    }

    /** The last-seen value of a slot being rewritten. */
    private static final long EMPTY = Long.MIN_VALUE;

    /** True (and refreshed) when the flow is recorded and has not been idle too long. Lock-free. */
    boolean isReply(long address, long flow) {
        long now = clock.getAsLong();
        int slot = slot(address, flow);
        for (int i = 0; i < PROBES; i++, slot = (slot + 1) & mask) {
            long seen = (long) LAST_SEEN.getAcquire(lastSeen, slot);
            if (seen == EMPTY) {
                return isReplyLocked(address, flow); // a writer is rewriting this slot
            }
            if ((boolean) USED.getAcquire(used, slot) && addresses[slot] == address && flows[slot] == flow) {
                VarHandle.acquireFence(); // the key was read before the second reading of the time
                if ((long) LAST_SEEN.getAcquire(lastSeen, slot) != seen) {
                    return isReplyLocked(address, flow);
                }
                if (now - seen >= idleNanos) {
                    return false;
                }
                if (now - seen > refreshNanos) {
                    LAST_SEEN.compareAndSet(lastSeen, slot, seen, now);
                }
                return true;
            }
        }
        return false;
    }

    private synchronized boolean isReplyLocked(long address, long flow) {
        long now = clock.getAsLong();
        int slot = slot(address, flow);
        for (int i = 0; i < PROBES; i++, slot = (slot + 1) & mask) {
            if (used[slot] && addresses[slot] == address && flows[slot] == flow) {
                if (now - lastSeen[slot] >= idleNanos) {
                    return false;
                }
                LAST_SEEN.setRelease(lastSeen, slot, now);
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

    private int slot(long address, long flow) {
        long mixed = (address * 0x9E37_79B9_7F4A_7C15L) ^ (flow * 0xC2B2_AE3D_27D4_EB4FL);
        return (int) (mixed ^ (mixed >>> 32)) & mask;
    }
}
