package io.vpclab.dataplane.table;

import io.vpclab.net.Ipv4Prefix;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The table routes of every segment compiled for lookups: per source segment, routes sorted
 * longest prefix first in parallel int arrays (a subnet has a handful, so a linear scan wins), the
 * egress segment {@link ForwardingState#NONE} meaning blackhole. Segments without table routes
 * share one empty array, so the common case costs one length check.
 */
final class TableRouteLookup {

    private static final int[] EMPTY = new int[0];

    private final int[][] networks;
    private final int[][] masks;
    private final int[][] lengths;
    private final int[][] vias;
    private final int[][] nextHops;

    TableRouteLookup(ForwardingState state, List<TableRoute> routes) {
        int count = state.segmentCount();
        networks = new int[count][];
        masks = new int[count][];
        lengths = new int[count][];
        vias = new int[count][];
        nextHops = new int[count][];
        List<List<TableRoute>> bySegment = new ArrayList<>();
        for (int s = 0; s < count; s++) {
            bySegment.add(new ArrayList<>());
        }
        for (TableRoute route : routes) {
            bySegment
                    .get(state.segmentOf(route.from(), "tableRoute of " + route.from()))
                    .add(route);
        }
        for (int s = 0; s < count; s++) {
            List<TableRoute> sorted = bySegment.get(s);
            sorted.sort(
                    Comparator.comparingInt((TableRoute r) -> r.destination().length())
                            .reversed());
            int n = sorted.size();
            networks[s] = n == 0 ? EMPTY : new int[n];
            masks[s] = n == 0 ? EMPTY : new int[n];
            lengths[s] = n == 0 ? EMPTY : new int[n];
            vias[s] = n == 0 ? EMPTY : new int[n];
            nextHops[s] = n == 0 ? EMPTY : new int[n];
            for (int i = 0; i < n; i++) {
                TableRoute route = sorted.get(i);
                networks[s][i] = route.destination().network();
                masks[s][i] = Ipv4Prefix.mask(route.destination().length());
                lengths[s][i] = route.destination().length();
                vias[s][i] = route.isBlackhole()
                        ? ForwardingState.NONE
                        : state.segmentOf(route.via(), "tableRoute of " + route.from() + " to " + route.destination());
                nextHops[s][i] = route.isBlackhole() ? 0 : route.nextHop().bits();
            }
        }
    }

    /** The index of {@code segment}'s longest route matching {@code destination}, or {@link ForwardingState#NONE}. */
    int lookup(int segment, int destination) {
        int[] nets = networks[segment];
        int[] m = masks[segment];
        for (int i = 0; i < nets.length; i++) {
            if ((destination & m[i]) == nets[i]) {
                return i;
            }
        }
        return ForwardingState.NONE;
    }

    int length(int segment, int route) {
        return lengths[segment][route];
    }

    /** The egress segment of the route, or {@link ForwardingState#NONE} for a blackhole. */
    int via(int segment, int route) {
        return vias[segment][route];
    }

    int nextHop(int segment, int route) {
        return nextHops[segment][route];
    }
}
