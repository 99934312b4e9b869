package io.vpclab.dataplane.table;

import io.vpclab.net.Ipv4Prefix;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.IntUnaryOperator;

/**
 * A router compiled for lookups: routes sorted longest prefix first (so the first match is the
 * longest; a VPC has tens of routes, where a linear scan of two int arrays beats a trie), and its
 * gateway addresses with their segments.
 */
final class RouterLookup {

    private final long mac;
    private final int[] networks;
    private final int[] masks;
    private final int[] segments;
    /** Per route, the next hop's address, or 0: the destination itself. */
    private final int[] nextHops;

    private final int[] lengths;
    private final int[] gatewayIps;
    private final int[] gatewaySegments;

    private RouterLookup(
            long mac,
            int[] networks,
            int[] masks,
            int[] segments,
            int[] nextHops,
            int[] lengths,
            int[] gatewayIps,
            int[] gatewaySegments) {
        this.mac = mac;
        this.lengths = lengths;
        this.networks = networks;
        this.masks = masks;
        this.segments = segments;
        this.nextHops = nextHops;
        this.gatewayIps = gatewayIps;
        this.gatewaySegments = gatewaySegments;
    }

    static RouterLookup build(Router router, List<int[]> gateways, IntUnaryOperator segmentOfVni) {
        List<Route> sorted = new ArrayList<>(router.routes());
        sorted.sort(
                Comparator.comparingInt((Route r) -> r.destination().length()).reversed());
        int[] networks = new int[sorted.size()];
        int[] masks = new int[sorted.size()];
        int[] segments = new int[sorted.size()];
        int[] nextHops = new int[sorted.size()];
        int[] lengths = new int[sorted.size()];
        for (int i = 0; i < sorted.size(); i++) {
            Route route = sorted.get(i);
            int segment = segmentOfVni.applyAsInt(route.vni().value());
            networks[i] = route.destination().network();
            masks[i] = Ipv4Prefix.mask(route.destination().length());
            segments[i] = segment;
            nextHops[i] = route.nextHop() == null ? 0 : route.nextHop().bits();
            lengths[i] = route.destination().length();
        }
        int[] gatewayIps = new int[gateways.size()];
        int[] gatewaySegments = new int[gateways.size()];
        for (int i = 0; i < gateways.size(); i++) {
            gatewayIps[i] = gateways.get(i)[0];
            gatewaySegments[i] = gateways.get(i)[1];
        }
        return new RouterLookup(
                router.mac().bits(), networks, masks, segments, nextHops, lengths, gatewayIps, gatewaySegments);
    }

    long mac() {
        return mac;
    }

    /** The index of the longest route that matches {@code destination} (routes are kept longest first), or NONE. */
    int match(int destination) {
        for (int i = 0; i < networks.length; i++) {
            if ((destination & masks[i]) == networks[i]) {
                return i;
            }
        }
        return ForwardingState.NONE;
    }

    int lookup(int destination) {
        int match = match(destination);
        return match == ForwardingState.NONE ? ForwardingState.NONE : segments[match];
    }

    /** The egress segment of route {@code match}. */
    int segmentAt(int match) {
        return segments[match];
    }

    /** The next hop of route {@code match} for {@code destination}: its own, or the destination. */
    int nextHopAt(int match, int destination) {
        return nextHops[match] == 0 ? destination : nextHops[match];
    }

    /** The prefix length of route {@code match}. */
    int lengthAt(int match) {
        return lengths[match];
    }

    int gatewaySegment(int ip) {
        for (int i = 0; i < gatewayIps.length; i++) {
            if (gatewayIps[i] == ip) {
                return gatewaySegments[i];
            }
        }
        return ForwardingState.NONE;
    }
}
