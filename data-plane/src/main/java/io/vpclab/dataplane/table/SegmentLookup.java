package io.vpclab.dataplane.table;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The compiled tables of one segment: one MAC table for local ports and remote VTEPs (an entry
 * encodes which of the two, and its index), IP bindings, the flood list and the local ports.
 */
final class SegmentLookup {

    /** Remote entries are stored as {@code index | REMOTE_FLAG} so one map serves both kinds. */
    private static final int REMOTE_FLAG = 1 << 30;

    private final LongIntMap macs;
    private final LongIntMap bindings;
    private final long[] bindingMacs;
    private final int[] flood;
    private final int[] localPorts;
    private final int router;
    private final boolean learningPeer;
    private final boolean arpSuppression;

    private SegmentLookup(Builder b) {
        this.macs = b.macs.build();
        this.bindings = b.bindings.build();
        this.bindingMacs = Arrays.copyOf(b.bindingMacs, b.bindingMacCount);
        this.flood = b.flood;
        this.localPorts = b.localPorts.stream().mapToInt(Integer::intValue).toArray();
        this.router = b.router;
        this.learningPeer = b.learningPeer;
        this.arpSuppression = b.segment.arpSuppression();
    }

    static int localPortEntry(int port) {
        return port;
    }

    static int remoteVtepEntry(int vtep) {
        return vtep | REMOTE_FLAG;
    }

    static boolean isLocalPort(int entry) {
        return (entry & REMOTE_FLAG) == 0;
    }

    static int index(int entry) {
        return entry & ~REMOTE_FLAG;
    }

    /** A local-port or remote-vtep entry for {@code mac}, or {@link ForwardingState#NONE}. */
    int macEntry(long mac) {
        return macs.get(mac);
    }

    long bindingMac(int ip) {
        int slot = bindings.get(ip & 0xFFFF_FFFFL);
        return slot == LongIntMap.MISSING ? ForwardingState.NO_MAC : bindingMacs[slot];
    }

    int floodCount() {
        return flood.length;
    }

    int floodVtep(int i) {
        return flood[i];
    }

    int localPortCount() {
        return localPorts.length;
    }

    int localPort(int i) {
        return localPorts[i];
    }

    int router() {
        return router;
    }

    /** Whether the one VTEP of the flood list is a learning peer ({@link Segment#learningPeer}). */
    boolean learningPeer() {
        return learningPeer;
    }

    /** Whether the agent answers ARP here ({@link Segment#arpSuppression}) rather than flooding it. */
    boolean arpSuppression() {
        return arpSuppression;
    }

    static final class Builder {
        final LongIntMap.Builder macs = new LongIntMap.Builder();
        final LongIntMap.Builder bindings = new LongIntMap.Builder();
        final List<Integer> localPorts = new ArrayList<>();
        final int[] flood;
        final int router;
        private long[] bindingMacs = new long[8];
        private int bindingMacCount;
        private final java.util.Map<Integer, Long> bindingByIp = new java.util.HashMap<>();
        private final Segment segment;
        private final boolean learningPeer;

        Builder(Segment segment, int router, int[] flood) {
            this.segment = segment;
            this.router = router;
            this.flood = flood;
            this.learningPeer = segment.learningPeer();
        }

        void remoteMac(long mac, int vtep) {
            if (learningPeer) {
                throw new IllegalArgumentException(
                        "segment " + segment.vni() + ": a learning peer's MACs are learned, not listed");
            }
            macs.put(mac, remoteVtepEntry(vtep));
        }

        void localPort(int port) {
            if (learningPeer && !localPorts.isEmpty()) {
                throw new IllegalArgumentException(
                        "segment " + segment.vni() + ": a segment with a learning peer has at most one local port");
            }
            localPorts.add(port);
        }

        /** Binds {@code ip} to {@code mac}; false (nothing stored) when the ip is already bound. */
        boolean bind(int ip, long mac) {
            if (bindingByIp.putIfAbsent(ip, mac) != null) {
                return false;
            }
            bindings.put(ip & 0xFFFF_FFFFL, addMac(mac));
            return true;
        }

        private int addMac(long mac) {
            if (bindingMacCount == bindingMacs.length) {
                bindingMacs = Arrays.copyOf(bindingMacs, bindingMacCount * 2);
            }
            bindingMacs[bindingMacCount] = mac;
            return bindingMacCount++;
        }

        long bindingMac(int ip) {
            return bindingByIp.getOrDefault(ip, ForwardingState.NO_MAC);
        }

        SegmentLookup build() {
            return new SegmentLookup(this);
        }
    }
}
