package io.vpclab.dataplane.host;

import io.vpclab.net.Ipv4Address;
import java.util.List;

/**
 * One traceroute: the reply per TTL, starting at TTL 1. The last hop is the destination when
 * {@link #reached()}.
 */
public record TracerouteResult(Ipv4Address destination, List<ProbeReply> hops) {

    public TracerouteResult {
        hops = List.copyOf(hops);
    }

    public boolean reached() {
        return !hops.isEmpty() && destination.equals(hops.get(hops.size() - 1).from());
    }

    /** The routers on the way: the answering addresses before the destination (null where a hop timed out). */
    public List<Ipv4Address> intermediateHops() {
        int end = reached() ? hops.size() - 1 : hops.size();
        return hops.subList(0, end).stream().map(ProbeReply::from).toList();
    }
}
