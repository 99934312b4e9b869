package io.vpclab.net;

/**
 * The five addresses AWS reserves in every subnet, so an instance can never be given one:
 * <ul>
 *   <li>first: the network address;</li>
 *   <li>first + 1: the VPC router (here the distributed router answers it, the subnet's gateway);</li>
 *   <li>first + 2: the DNS server (AWS: the VPC base + 2);</li>
 *   <li>first + 3: reserved for future use;</li>
 *   <li>last: the broadcast address (a VPC has no broadcast, AWS reserves it anyway).</li>
 * </ul>
 * A /28 therefore has 16 - 5 = 11 usable addresses. See
 * https://docs.aws.amazon.com/vpc/latest/userguide/subnet-sizing.html
 */
public final class SubnetReservations {

    /** Network, router, DNS and future use. */
    public static final int AT_START = 4;
    /** The broadcast address. */
    public static final int AT_END = 1;
    /** Every subnet loses this many addresses to the reservations. */
    public static final int COUNT = AT_START + AT_END;

    private SubnetReservations() {}

    /** The router's address (first + 1): the subnet's gateway. */
    public static long router(Ipv4Prefix subnet) {
        return subnet.first() + 1;
    }

    /** The DNS server's address (first + 2). */
    public static long dns(Ipv4Prefix subnet) {
        return subnet.first() + 2;
    }

    public static long firstUsable(Ipv4Prefix subnet) {
        return subnet.first() + AT_START;
    }

    public static long lastUsable(Ipv4Prefix subnet) {
        return subnet.last() - AT_END;
    }

    /** Addresses an instance may take: the size less the five reserved, never negative. */
    public static long usableCount(Ipv4Prefix subnet) {
        return Math.max(0, lastUsable(subnet) - firstUsable(subnet) + 1);
    }

    /** True for one of the five reserved addresses of {@code subnet}; false outside it. */
    public static boolean isReserved(Ipv4Prefix subnet, long address) {
        return subnet.contains(address) && (address < firstUsable(subnet) || address > lastUsable(subnet));
    }
}
