package io.vpclab.dataplane.stats;

/** Why the data plane dropped a frame or datagram. Every drop is counted under exactly one reason. */
public enum DropReason {
    /** A VXLAN header without the I flag (RFC 7348 s5). */
    NO_I_FLAG,
    /** Shorter than its headers (a datagram under 8 + 14 bytes, a frame under 14). */
    TRUNCATED,
    /** Headers present but inconsistent (bad IPv4 header or checksum, non-Ethernet/IPv4 ARP). */
    MALFORMED,
    /** VXLAN for a VNI not served on this host. */
    UNKNOWN_VNI,
    /** VXLAN from an address that is not a registered VTEP. */
    UNKNOWN_VTEP,
    /** A frame from a device whose port is not in the current table. */
    UNKNOWN_PORT,
    /** A port sent a frame with a MAC or IP that is not its own (anti-spoofing). */
    SPOOFED_SOURCE,
    /**
     * Decapsulated from a VTEP with an inner source MAC the table does not place behind that VTEP
     * on the VNI (nor a router's MAC), or a group or zero source MAC: anti-spoofing at the underlay.
     */
    VTEP_SPOOFED_SOURCE,
    /** An 802.1Q-tagged frame from an access port. */
    VLAN_TAGGED,
    /** A unicast frame for a MAC that is neither a local port nor a remote entry of the segment. */
    UNKNOWN_DESTINATION,
    /** An ARP request for an address without a binding: dropped, never flooded. */
    ARP_UNKNOWN_BINDING,
    /** An ARP probe or announcement for the sender's own address: nobody answers it (RFC 5227). */
    ARP_OWN_ADDRESS,
    /** Routed with TTL 1 or 0: answered with ICMP time exceeded. */
    TTL_EXCEEDED,
    /**
     * A frame from a port or the underlay larger than the inner MTU (underlay MTU minus 50) allows:
     * VTEPs never fragment. A DF packet from a port gets ICMP fragmentation needed back.
     */
    OVERSIZE,
    /** Sent to the router MAC with no route (or no binding) for the destination. */
    NO_ROUTE,
    /** Decapsulated, but no local port of the segment owns the destination MAC. */
    NO_LOCAL_PORT,
    /** The port or underlay refused the write. */
    TRANSMIT_ERROR,
    /** Inbound to an elastic IP, not a reply of one of its flows, and its ingress policy does not allow it. */
    EIP_INGRESS_DENIED,
    /** The first packet of a new flow that no rule of the whitelist in force (EIP ingress, NAT egress) admits. */
    WHITELIST_DENIED,
    /** A new flow found no free slot in the connection table (its replies could never be matched). */
    CONNECTION_TABLE_FULL,
    /** A NAT gateway found no free public port for a new flow's destination (AWS's ErrorPortAllocation). */
    ERROR_PORT_ALLOCATION,
    /** A NAT gateway's session table is full: the new flow is dropped. */
    NAT_TABLE_FULL,
    /** Inbound to a NAT gateway's public address that answers none of its sessions. */
    NAT_UNSOLICITED,
    /** Inbound to a NAT gateway's public address for a session that has idled out. */
    NAT_SESSION_EXPIRED,
    /** Sent to a NAT gateway from an address outside its associated subnets (e.g. a peered VPC: no edge-to-edge). */
    NAT_SOURCE_REFUSED,
    /** A new flow its NAT gateway's egress policy (WHITELIST) does not allow. */
    NAT_EGRESS_DENIED,
    /** A packet a NAT gateway cannot translate: not TCP, UDP or ICMP echo, or a non-first fragment. */
    NAT_UNSUPPORTED,
    /** No rule of the port's security groups admits a new flow (egress out of it, ingress into it). */
    SECURITY_GROUP_DENIED,
    /** The subnet's network ACL denies the packet: a deny entry, or no entry (the final {@code *} deny). */
    NETWORK_ACL_DENIED,
    /**
     * A DHCP message the port's server takes without answer: RELEASE, DECLINE (the address stays
     * the port's) or a REQUEST naming another server.
     */
    DHCP_UNANSWERED,
    /** Routed by a blackhole route of the source subnet's route table (explicit, or its target is gone). */
    BLACKHOLE_ROUTE,
    /**
     * A packet out of a VPN tunnel routed beyond the VPC's own subnets (a peered VPC, a NAT gateway,
     * an elastic IP, the public network, or back into a tunnel): a VPN gateway allows no transit (AWS).
     */
    VPN_NO_TRANSIT,
    /**
     * A frame for a device that lives on another event loop, while that loop already had its fill
     * of frames waiting (a flood faster than the device): dropped rather than queued without bound,
     * as wireguard-go's bounded queues do.
     */
    PORT_QUEUE_FULL;

    private static final DropReason[] VALUES = values();

    public static int count() {
        return VALUES.length;
    }

    static DropReason ofOrdinal(int ordinal) {
        return VALUES[ordinal];
    }
}
