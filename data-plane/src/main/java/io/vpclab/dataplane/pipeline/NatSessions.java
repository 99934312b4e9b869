package io.vpclab.dataplane.pipeline;

import io.vpclab.dataplane.packet.IpProtocol;
import io.vpclab.dataplane.packet.Tcp;
import io.vpclab.dataplane.stats.DropReason;
import io.vpclab.dataplane.stats.NatGatewaySnapshot;
import io.vpclab.dataplane.stats.NatSessionSnapshot;
import io.vpclab.dataplane.table.NatGateway;
import io.vpclab.net.Ipv4Address;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * The connection tracking of one NAT gateway: a fixed number of sessions stored column-wise in
 * primitive arrays, found by two open-addressing indexes (linear probing, deletion by backward
 * shift, so no tombstones), one per direction:
 *
 * <pre>
 * outbound key: protocol, private IP, private port, remote IP, remote port  -> session
 * inbound key:  protocol, public port, remote IP, remote port               -> session
 * </pre>
 *
 * The inbound key makes public ports unique per (destination IP, destination port, protocol),
 * so one public port serves many destinations at once (port allocation per destination). ICMP
 * echo uses its identifier as the port and 0 as the remote port. Nothing is allocated per packet.
 *
 * <p>Expiry is lazy and driven by the packets: a lookup that finds an idled-out session frees it,
 * every new session sweeps {@link #SWEEP_PER_NEW} slots ahead of a clock hand, and a full table
 * is swept whole (at most once until the earliest session can expire). Time comes from the
 * injected nanosecond clock, so tests advance it instead of waiting.
 *
 * <p>Shared by the event loops of one VTEP (a reply can arrive on another loop than its request):
 * every method holds this table's monitor, uncontended with one loop and allocation-free. A
 * session index returned by one call stays valid for the next calls of the same packet, because
 * a session is freed only once idle for its timeout (at least {@link #CLOSING_NANOS}), and the
 * packet's own lookup has just refreshed it.
 */
final class NatSessions {

    static final int DEFAULT_CAPACITY = 1 << 16;
    /**
     * A TCP session that saw FIN or RST keeps this long at most (Linux's nf_conntrack_tcp_timeout_close
     * is 10 s): the ports come back quickly once a connection closes.
     */
    static final long CLOSING_NANOS = TimeUnit.SECONDS.toNanos(10);
    /** Listing limit of the sessions report (the stats contract caps it at 1000). */
    static final int LISTED_SESSIONS = 1000;

    static final int NOT_FOUND = -1;
    static final int EXPIRED = -2;
    static final int TABLE_FULL = -3;
    static final int NO_PORT = -4;

    private static final int SWEEP_PER_NEW = 4;
    private static final byte FREE = 0;
    private static final byte NEW = 1;
    private static final byte ESTABLISHED = 2;
    private static final byte CLOSING = 3;
    private static final String[] STATE_NAMES = {"FREE", "NEW", "ESTABLISHED", "CLOSING"};

    private final int capacity;
    private final int[] privateIp;
    private final int[] remoteIp;
    private final char[] privatePort;
    private final char[] remotePort;
    private final char[] publicPort;
    private final byte[] protocol;
    private final byte[] state;
    private final long[] createdAt;
    private final long[] lastSeen;
    private final long[] packetsOut;
    private final long[] bytesOut;
    private final long[] packetsIn;
    private final long[] bytesIn;
    private final int[] outSlot;
    private final int[] inSlot;
    private final int[] outIndex;
    private final int[] inIndex;
    private final int indexMask;
    private final int[] freeIds;
    private int freeCount;
    private int sweepHand;
    private long noExpiryBefore = Long.MIN_VALUE;
    private final LongSupplier clock;

    private String id;
    private int publicIp;
    private int portMin;
    private int portMax;
    private int nextPort;
    private long tcpIdleNanos;
    private long udpIdleNanos;

    private long sessionsCreated;
    private long totalPacketsOut;
    private long totalBytesOut;
    private long totalPacketsIn;
    private long totalBytesIn;
    private final long[] drops = new long[DropReason.count()];

    NatSessions(NatGateway gateway, int capacity, LongSupplier clock) {
        if (capacity < 1 || capacity > (1 << 24)) {
            throw new IllegalArgumentException("NAT session capacity must be 1.." + (1 << 24) + ": " + capacity);
        }
        this.capacity = capacity;
        this.clock = clock;
        privateIp = new int[capacity];
        remoteIp = new int[capacity];
        privatePort = new char[capacity];
        remotePort = new char[capacity];
        publicPort = new char[capacity];
        protocol = new byte[capacity];
        state = new byte[capacity];
        createdAt = new long[capacity];
        lastSeen = new long[capacity];
        packetsOut = new long[capacity];
        bytesOut = new long[capacity];
        packetsIn = new long[capacity];
        bytesIn = new long[capacity];
        outSlot = new int[capacity];
        inSlot = new int[capacity];
        // twice the next power of two: at most half full, so probe runs stay short and a free slot always exists
        int indexSize = Integer.highestOneBit(capacity * 2 - 1) << 1;
        outIndex = new int[indexSize];
        inIndex = new int[indexSize];
        java.util.Arrays.fill(outIndex, -1);
        java.util.Arrays.fill(inIndex, -1);
        indexMask = indexSize - 1;
        freeIds = new int[capacity];
        for (int i = 0; i < capacity; i++) {
            freeIds[i] = capacity - 1 - i; // hand out low ids first
        }
        freeCount = capacity;
        configure(gateway);
    }

    /** Applies a new generation of the gateway's settings; a changed public address ends every session. */
    synchronized void configure(NatGateway gateway) {
        if (id != null && gateway.publicIp().bits() != publicIp) {
            clear();
        }
        id = gateway.id();
        publicIp = gateway.publicIp().bits();
        portMin = gateway.portMin();
        portMax = gateway.portMax();
        if (nextPort < portMin || nextPort > portMax) {
            nextPort = portMin;
        }
        tcpIdleNanos = TimeUnit.SECONDS.toNanos(gateway.tcpIdleSeconds());
        udpIdleNanos = TimeUnit.SECONDS.toNanos(gateway.udpIdleSeconds());
        noExpiryBefore = Long.MIN_VALUE; // timeouts may have shrunk
    }

    synchronized long now() {
        return clock.getAsLong();
    }

    synchronized int publicIp() {
        return publicIp;
    }

    // ---- lookups --------------------------------------------------------------------------

    /** The live session of an outbound packet, or {@link #NOT_FOUND} (an idled-out one is freed). */
    synchronized int findOutbound(
            int proto, int source, int sourcePort, int destination, int destinationPort, long now) {
        int slot = outHash(proto, source, sourcePort, destination, destinationPort) & indexMask;
        for (int s = outIndex[slot]; s >= 0; slot = (slot + 1) & indexMask, s = outIndex[slot]) {
            if (privateIp[s] == source
                    && remoteIp[s] == destination
                    && privatePort[s] == sourcePort
                    && remotePort[s] == destinationPort
                    && protocol[s] == proto) {
                if (expired(s, now)) {
                    free(s);
                    return NOT_FOUND;
                }
                return s;
            }
        }
        return NOT_FOUND;
    }

    /**
     * The session an inbound packet answers: its id, {@link #EXPIRED} (idled out, now freed) or
     * {@link #NOT_FOUND}.
     */
    synchronized int findInbound(int proto, int toPort, int source, int sourcePort, long now) {
        int slot = inHash(proto, toPort, source, sourcePort) & indexMask;
        for (int s = inIndex[slot]; s >= 0; slot = (slot + 1) & indexMask, s = inIndex[slot]) {
            if (publicPort[s] == toPort
                    && remoteIp[s] == source
                    && remotePort[s] == sourcePort
                    && protocol[s] == proto) {
                if (expired(s, now)) {
                    free(s);
                    return EXPIRED;
                }
                return s;
            }
        }
        return NOT_FOUND;
    }

    /**
     * Creates the session of a new outbound flow with a public port free for its destination.
     * Returns its id, {@link #TABLE_FULL} or {@link #NO_PORT} (every port of the range is taken
     * for this destination).
     */
    synchronized int create(int proto, int source, int sourcePort, int destination, int destinationPort, long now) {
        sweep(SWEEP_PER_NEW, now);
        if (freeCount == 0 && now >= noExpiryBefore) {
            sweep(capacity, now);
            if (freeCount == 0) {
                noExpiryBefore = earliestExpiry();
            }
        }
        if (freeCount == 0) {
            return TABLE_FULL;
        }
        int port = allocatePort(proto, destination, destinationPort, now);
        if (port < 0) {
            return NO_PORT;
        }
        int s = freeIds[--freeCount];
        protocol[s] = (byte) proto;
        privateIp[s] = source;
        privatePort[s] = (char) sourcePort;
        remoteIp[s] = destination;
        remotePort[s] = (char) destinationPort;
        publicPort[s] = (char) port;
        state[s] = NEW;
        createdAt[s] = now;
        lastSeen[s] = now;
        packetsOut[s] = 0;
        bytesOut[s] = 0;
        packetsIn[s] = 0;
        bytesIn[s] = 0;
        outSlot[s] = insert(outIndex, outHash(proto, source, sourcePort, destination, destinationPort), s);
        inSlot[s] = insert(inIndex, inHash(proto, port, destination, destinationPort), s);
        sessionsCreated++;
        return s;
    }

    /** Next free port for the destination, starting where the last allocation stopped. */
    private int allocatePort(int proto, int destination, int destinationPort, long now) {
        int candidate = nextPort;
        int count = portMax - portMin + 1;
        for (int tries = 0; tries < count; tries++) {
            int following = candidate == portMax ? portMin : candidate + 1;
            if (findInbound(proto, candidate, destination, destinationPort, now) < 0) {
                nextPort = following;
                return candidate;
            }
            candidate = following;
        }
        return -1;
    }

    // ---- per packet -----------------------------------------------------------------------

    /** Counts an outbound packet; {@code tcpFlags} is 0 for UDP and ICMP. */
    synchronized void outbound(int s, int bytes, int tcpFlags, long now) {
        outbound(s, 1, bytes, tcpFlags, now);
    }

    /** Counts {@code packets} outbound wire frames of {@code bytes} (a burst's segments) at once. */
    synchronized void outbound(int s, int packets, long bytes, int tcpFlags, long now) {
        lastSeen[s] = now;
        packetsOut[s] += packets;
        bytesOut[s] += bytes;
        totalPacketsOut += packets;
        totalBytesOut += bytes;
        if ((tcpFlags & (Tcp.FIN | Tcp.RST)) != 0) {
            state[s] = CLOSING;
        } else if (state[s] == CLOSING && (tcpFlags & (Tcp.SYN | Tcp.ACK)) == Tcp.SYN) {
            state[s] = NEW; // the same tuple opens a new connection
        }
    }

    /** Counts an inbound packet: a reply establishes the session. */
    synchronized void inbound(int s, int bytes, int tcpFlags, long now) {
        inbound(s, 1, bytes, tcpFlags, now);
    }

    /** Counts {@code packets} inbound wire frames of {@code bytes} (a burst's segments) at once. */
    synchronized void inbound(int s, int packets, long bytes, int tcpFlags, long now) {
        lastSeen[s] = now;
        packetsIn[s] += packets;
        bytesIn[s] += bytes;
        totalPacketsIn += packets;
        totalBytesIn += bytes;
        if ((tcpFlags & (Tcp.FIN | Tcp.RST)) != 0) {
            state[s] = CLOSING;
        } else if (state[s] == NEW) {
            state[s] = ESTABLISHED;
        }
    }

    /** Counts an inbound ICMP error about a session: it neither refreshes nor establishes the session. */
    synchronized void related(int bytes) {
        totalPacketsIn++;
        totalBytesIn += bytes;
    }

    synchronized void drop(DropReason reason) {
        drops[reason.ordinal()]++;
    }

    /** {@code frames} wire frames of a burst dropped whole. */
    synchronized void drop(DropReason reason, int frames) {
        drops[reason.ordinal()] += frames;
    }

    synchronized int privateIp(int s) {
        return privateIp[s];
    }

    synchronized int privatePort(int s) {
        return privatePort[s];
    }

    synchronized int publicPort(int s) {
        return publicPort[s];
    }

    // ---- expiry ---------------------------------------------------------------------------

    private boolean expired(int s, long now) {
        return now - lastSeen[s] >= timeout(s);
    }

    /** Live sessions that carried a packet within {@code nanos} (the rest of {@link #active()} are quiet). */
    synchronized int activeWithin(long nanos) {
        long now = now();
        int busy = 0;
        for (int s = 0; s < capacity; s++) {
            if (state[s] != FREE && !expired(s, now) && now - lastSeen[s] < nanos) {
                busy++;
            }
        }
        return busy;
    }

    private long timeout(int s) {
        if (protocol[s] != IpProtocol.TCP_VALUE) {
            return udpIdleNanos; // ICMP echo shares UDP's timeout
        }
        return state[s] == CLOSING ? Math.min(tcpIdleNanos, CLOSING_NANOS) : tcpIdleNanos;
    }

    private void sweep(int slots, long now) {
        for (int i = 0; i < slots; i++) {
            int s = sweepHand;
            sweepHand = sweepHand + 1 == capacity ? 0 : sweepHand + 1;
            if (state[s] != FREE && expired(s, now)) {
                free(s);
            }
        }
    }

    private long earliestExpiry() {
        long earliest = Long.MAX_VALUE;
        for (int s = 0; s < capacity; s++) {
            if (state[s] != FREE) {
                earliest = Math.min(earliest, lastSeen[s] + timeout(s));
            }
        }
        return earliest;
    }

    private void free(int s) {
        remove(outIndex, outSlot[s], true);
        remove(inIndex, inSlot[s], false);
        state[s] = FREE;
        freeIds[freeCount++] = s;
    }

    private void clear() {
        for (int s = 0; s < capacity; s++) {
            if (state[s] != FREE) {
                free(s);
            }
        }
    }

    // ---- indexes --------------------------------------------------------------------------

    private int insert(int[] index, int hash, int s) {
        int slot = hash & indexMask;
        while (index[slot] >= 0) {
            slot = (slot + 1) & indexMask;
        }
        index[slot] = s;
        return slot;
    }

    /** Linear-probing deletion (Knuth 6.4 algorithm R): later entries of the run move back into the hole. */
    private void remove(int[] index, int slot, boolean outbound) {
        int hole = slot;
        int j = slot;
        while (true) {
            j = (j + 1) & indexMask;
            int s = index[j];
            if (s < 0) {
                break;
            }
            int home = (outbound ? outHashOf(s) : inHashOf(s)) & indexMask;
            if (((j - home) & indexMask) >= ((j - hole) & indexMask)) {
                index[hole] = s;
                if (outbound) {
                    outSlot[s] = hole;
                } else {
                    inSlot[s] = hole;
                }
                hole = j;
            }
        }
        index[hole] = -1;
    }

    private int outHashOf(int s) {
        return outHash(protocol[s], privateIp[s], privatePort[s], remoteIp[s], remotePort[s]);
    }

    private int inHashOf(int s) {
        return inHash(protocol[s], publicPort[s], remoteIp[s], remotePort[s]);
    }

    private static int outHash(int proto, int source, int sourcePort, int destination, int destinationPort) {
        long addresses = ((long) source << 32) | (destination & 0xFFFF_FFFFL);
        long ports = ((long) proto << 32) | ((long) sourcePort << 16) | destinationPort;
        return mix(addresses * 0x9E37_79B9_7F4A_7C15L ^ ports * 0xC2B2_AE3D_27D4_EB4FL);
    }

    private static int inHash(int proto, int toPort, int source, int sourcePort) {
        long key = ((long) source << 32) | ((long) toPort << 16) | sourcePort;
        return mix(key * 0x9E37_79B9_7F4A_7C15L ^ proto * 0xC2B2_AE3D_27D4_EB4FL);
    }

    private static int mix(long h) {
        h ^= h >>> 31;
        h *= 0xBF58_476D_1CE4_E5B9L;
        return (int) (h ^ (h >>> 29));
    }

    // ---- figures (not the hot path) -------------------------------------------------------

    /** Live sessions; frees the idled-out ones it meets. */
    synchronized int active() {
        sweep(capacity, now());
        return capacity - freeCount;
    }

    synchronized NatGatewaySnapshot snapshot(int listed) {
        long now = now();
        int active = active();
        int[] newest = newest(listed);
        List<NatSessionSnapshot> sessions = new ArrayList<>(newest.length);
        for (int s : newest) {
            sessions.add(session(s, now));
        }
        Map<DropReason, Long> byReason = new EnumMap<>(DropReason.class);
        for (DropReason reason : DropReason.values()) {
            if (drops[reason.ordinal()] != 0) {
                byReason.put(reason, drops[reason.ordinal()]);
            }
        }
        return new NatGatewaySnapshot(
                id,
                active,
                sessionsCreated,
                totalPacketsOut,
                totalBytesOut,
                totalPacketsIn,
                totalBytesIn,
                drops[DropReason.ERROR_PORT_ALLOCATION.ordinal()],
                byReason,
                sessions);
    }

    /**
     * The {@code listed} newest live sessions, newest first (ties: lower slot first). A bounded
     * min-heap over one scan: this runs on the event loop once per stats report, so it must not
     * box or sort a million sessions to list a thousand.
     */
    private int[] newest(int listed) {
        int[] heap = new int[Math.min(listed, capacity)];
        int size = 0;
        for (int s = 0; s < capacity && heap.length > 0; s++) {
            if (state[s] == FREE) {
                continue;
            }
            if (size < heap.length) {
                heap[size] = s;
                siftUp(heap, size++);
            } else if (newer(s, heap[0])) {
                heap[0] = s;
                siftDown(heap, size);
            }
        }
        int[] newestFirst = new int[size];
        for (int i = size - 1; i >= 0; i--) {
            newestFirst[i] = heap[0];
            heap[0] = heap[i];
            siftDown(heap, i);
        }
        return newestFirst;
    }

    private boolean newer(int a, int b) {
        return createdAt[a] > createdAt[b] || createdAt[a] == createdAt[b] && a < b;
    }

    /** Heap order: every parent is older than its children, so the root is the oldest kept. */
    private void siftUp(int[] heap, int i) {
        while (i > 0) {
            int parent = (i - 1) >>> 1;
            if (!newer(heap[parent], heap[i])) {
                return;
            }
            swap(heap, parent, i);
            i = parent;
        }
    }

    private void siftDown(int[] heap, int size) {
        int i = 0;
        while (true) {
            int oldest = i;
            for (int child = 2 * i + 1; child <= 2 * i + 2 && child < size; child++) {
                if (newer(heap[oldest], heap[child])) {
                    oldest = child;
                }
            }
            if (oldest == i) {
                return;
            }
            swap(heap, i, oldest);
            i = oldest;
        }
    }

    private static void swap(int[] heap, int i, int j) {
        int t = heap[i];
        heap[i] = heap[j];
        heap[j] = t;
    }

    private NatSessionSnapshot session(int s, long now) {
        String name = switch (protocol[s]) {
            case IpProtocol.TCP_VALUE -> "TCP";
            case IpProtocol.UDP_VALUE -> "UDP";
            default -> "ICMP";
        };
        return new NatSessionSnapshot(
                name,
                new Ipv4Address(privateIp[s]),
                privatePort[s],
                new Ipv4Address(publicIp),
                publicPort[s],
                new Ipv4Address(remoteIp[s]),
                remotePort[s],
                STATE_NAMES[state[s]],
                TimeUnit.NANOSECONDS.toSeconds(now - lastSeen[s]),
                TimeUnit.NANOSECONDS.toSeconds(timeout(s)),
                packetsOut[s],
                packetsIn[s],
                bytesOut[s],
                bytesIn[s]);
    }
}
