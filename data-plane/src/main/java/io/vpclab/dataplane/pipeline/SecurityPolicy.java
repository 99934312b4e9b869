package io.vpclab.dataplane.pipeline;

import io.netty.buffer.ByteBuf;
import io.vpclab.dataplane.packet.EtherType;
import io.vpclab.dataplane.packet.Ethernet;
import io.vpclab.dataplane.packet.Icmp;
import io.vpclab.dataplane.packet.IcmpType;
import io.vpclab.dataplane.packet.IpProtocol;
import io.vpclab.dataplane.packet.Ipv4;
import io.vpclab.dataplane.packet.Packets;
import io.vpclab.dataplane.stats.DropReason;
import io.vpclab.dataplane.stats.SecurityPolicySnapshot;
import io.vpclab.dataplane.table.ForwardingState;
import io.vpclab.dataplane.table.NetworkAclLookup;
import io.vpclab.dataplane.table.PortFilter;
import io.vpclab.dataplane.table.SecurityPolicyLookup;
import java.util.Map;

/**
 * Security groups and network ACLs, at the instance's own host: on the way out of a local port
 * ({@link #admitsOut}, right after port ingress) the port's groups' egress rules, then its subnet's
 * outbound ACL; on the way into a local port ({@link #admitsIn}, at delivery) the inbound ACL, then
 * the groups' ingress rules.
 *
 * <p>Groups are stateful: a flow a rule admitted is tracked per port (VNI and address of the port,
 * peer, protocol, ports: the ICMP echo id for echo) in the VTEP's {@link ConnectionTable}, shared
 * by its event loops and kept across table installs, so its later packets and its replies pass
 * whatever the rules become, until the flow idles out. ACLs are stateless: every packet is
 * evaluated, replies included, so an ACL change cuts a flow at once; they filter only what leaves
 * or enters the subnet (a peer inside the port's own subnet is not filtered, as in AWS).
 *
 * <p>Not filtered: non-IPv4 frames (ARP is answered by the router), group destinations (floods),
 * and traffic between a port and its own gateway address (the router's ping answers and ICMP
 * errors). A port without groups (tables written by hand) is not filtered by groups, a segment
 * without an ACL not by ACLs. Drops count as {@link DropReason#SECURITY_GROUP_DENIED} (on the port)
 * and {@link DropReason#NETWORK_ACL_DENIED} (on the deciding entry too); admitted new flows count
 * on the rule that admitted them. Loop-confined; allocation-free per packet.
 */
final class SecurityPolicy {

    private final Forwarding forwarding;
    private final ConnectionTable flows;
    private final ConnectionTable rejected;

    private ForwardingState state;
    private NetworkAclLookup acls = NetworkAclLookup.EMPTY; // the installed state's
    /** Per port of the installed table: null when the port has neither groups nor an ACL. */
    private PortPolicy[] ports = new PortPolicy[0];
    /** Hits per rule of the installed lookup, kept by "group id/rule id" across installs. */
    private final KeyedCounters ruleHits = new KeyedCounters();
    /** Hits per ACL entry of the installed lookup, kept by "ACL id/entry label" across installs. */
    private final KeyedCounters entryHits = new KeyedCounters();
    /** Final-deny hits per ACL of the installed lookup, kept by "ACL id/*". */
    private final KeyedCounters finalDenies = new KeyedCounters();
    // the three's slots, read on every counted packet
    private long[] ruleCounts = new long[0];
    private long[] entryCounts = new long[0];
    private long[] finalDenyCounts = new long[0];

    // what the last decision read from the packet (loop-confined, like every stage)
    private int peer;
    private int totalLength;
    private long addresses; // ConnectionTable key: port address, peer
    private long flow; // ConnectionTable key: VNI, protocol, peer port, port's port
    private int protocol;
    private int portOrType;
    private int icmpCode;
    private int sourcePort;
    private int destinationPort;

    SecurityPolicy(Forwarding forwarding, ConnectionTable flows, ConnectionTable rejected) {
        this.forwarding = forwarding;
        this.flows = flows;
        this.rejected = rejected;
    }

    /**
     * A frame (Ethernet header at readerIndex) leaving local port {@code port}: true when it may go
     * on; false when it was dropped (counted and released).
     */
    boolean admitsOut(Tables t, int port, ByteBuf frame) {
        if (unfiltered(t, port)) {
            return true;
        }
        DropReason refused = decideFiltered(t, port, frame, frame.readerIndex(), true, 1);
        if (refused == null) {
            return true;
        }
        forwarding.drop(t, port, t.state.portSegment(port), refused, frame);
        return false;
    }

    /** As {@link #admitsOut} for a frame about to be delivered to local port {@code port}. */
    boolean admitsIn(Tables t, int port, ByteBuf frame) {
        if (unfiltered(t, port)) {
            return true;
        }
        DropReason refused = decideFiltered(t, port, frame, frame.readerIndex(), false, 1);
        if (refused == null) {
            return true;
        }
        forwarding.drop(t, port, t.state.portSegment(port), refused, frame);
        return false;
    }

    /**
     * The decision for a burst standing for {@code frames} wire frames (Ethernet header at
     * {@code offset}, buffer borrowed), taken once: null when it passes, else why it may not (the
     * caller counts the drop per frame and keeps the buffer).
     */
    DropReason burst(Tables t, int port, ByteBuf buf, int offset, boolean out, int frames) {
        return decide(t, port, buf, offset, out, frames);
    }

    /**
     * A port with neither groups nor an ACL under the installed table: small enough to inline into
     * every stage that asks, so unfiltered ports (tables written by hand, the point-to-point mode)
     * pay one array load per frame, not a call into {@link #decide}.
     */
    private boolean unfiltered(Tables t, int port) {
        if (t.state != state) {
            install(t.state);
        }
        return ports[port] == null;
    }

    /**
     * The decision for one packet or burst. The tracked-flow path (most packets) is kept in small
     * methods the JIT inlines; a flow's first packet goes on in {@link #newFlow}.
     */
    private DropReason decide(Tables t, int port, ByteBuf buf, int offset, boolean out, int packets) {
        return unfiltered(t, port) ? null : decideFiltered(t, port, buf, offset, out, packets);
    }

    /** {@link #decide} for a port with groups or an ACL, under the installed table. */
    private DropReason decideFiltered(Tables t, int port, ByteBuf buf, int offset, boolean out, int packets) {
        PortPolicy policy = ports[port];
        if (Ethernet.etherType(buf, offset) == EtherType.IPV4_VALUE
                && !Ethernet.isGroupDestination(buf, offset)
                && readFlow(buf, offset + Ethernet.HEADER_LENGTH, policy, out)) {
            return judge(t, policy, out, packets);
        }
        return null;
    }

    /** {@link #decide} for the IPv4 unicast packet {@link #readFlow} read. */
    private DropReason judge(Tables t, PortPolicy policy, boolean out, int packets) {
        int acl = policy.acl;
        boolean outsideSubnet = (peer & policy.subnetMask) != policy.subnetNetwork;
        // flow logs count packets and bytes per flow; a port no flow log covers counts nothing
        int counted = policy.flowLogged ? packets : 0;
        long bytes = (long) totalLength * counted; // a burst: its frames' size, roughly
        // DESIGN order: out of a port the groups, then the ACL; into a port the ACL, then the groups
        if (!out && outsideSubnet) {
            DropReason refused = acl(t, acl, false, peer, packets);
            if (refused != null) {
                return reject(refused, out, bytes, counted);
            }
        }
        int tracked = ConnectionTable.MISS;
        if (policy.groups != ForwardingState.NONE) {
            // an established flow is counted for flow logs on the entry this lookup finds
            tracked = flows.established(addresses, flow, out, bytes, counted);
            if (tracked == ConnectionTable.MISS) {
                return newFlow(t, policy, out, outsideSubnet, bytes, counted, packets);
            }
        }
        if (out && outsideSubnet && acl != ForwardingState.NONE) {
            int entry = tracked == ConnectionTable.MISS
                    ? acls.evaluate(acl, true, protocol, peer, portOrType, icmpCode)
                    : trackedAclEntry(acl, tracked);
            DropReason refused = countAcl(acl, entry, packets);
            if (refused != null) {
                if (tracked != ConnectionTable.MISS) {
                    flows.uncount(tracked, out, bytes, counted);
                }
                return reject(refused, out, bytes, counted);
            }
        }
        return null;
    }

    /**
     * The outbound ACL entry deciding the packet of the tracked flow in {@code slot}: decided once
     * per flow and installed ACLs, then read from the flow table with the lookup it was taken
     * under (a stateless ACL changes only with the table). TCP and UDP only: what the ACL matches
     * on (protocol, peer, destination port) is the flow's key one way; an ICMP flow's packets
     * differ in type.
     */
    private int trackedAclEntry(int acl, int slot) {
        int entry = flows.verdict(slot, acls.generation());
        if (entry == ConnectionTable.NO_VERDICT) {
            entry = acls.evaluate(acl, true, protocol, peer, portOrType, icmpCode);
            cacheAclEntry(slot, entry);
        }
        return entry;
    }

    private void cacheAclEntry(int slot, int entry) {
        if (protocol == IpProtocol.TCP_VALUE || protocol == IpProtocol.UDP_VALUE) {
            flows.cacheVerdict(slot, acls.generation(), entry);
        }
    }

    /** A flow the port's groups do not track yet: a rule must admit it, then the outbound ACL; then it is tracked. */
    private DropReason newFlow(
            Tables t, PortPolicy policy, boolean out, boolean outsideSubnet, long bytes, int counted, int packets) {
        SecurityPolicyLookup lookup = t.state.securityPolicy();
        int groups = policy.groups;
        int rule = out
                ? lookup.egressRule(groups, protocol, peer, portOrType, icmpCode)
                : lookup.ingressRule(groups, protocol, peer, portOrType, icmpCode);
        if (rule == ForwardingState.NONE) {
            return reject(DropReason.SECURITY_GROUP_DENIED, out, bytes, counted);
        }
        int acl = policy.acl;
        int entry = ConnectionTable.NO_VERDICT;
        if (out && outsideSubnet && acl != ForwardingState.NONE) {
            entry = acls.evaluate(acl, true, protocol, peer, portOrType, icmpCode);
            DropReason refused = countAcl(acl, entry, packets);
            if (refused != null) {
                return reject(refused, out, bytes, counted);
            }
        }
        int slot = flows.track(addresses, flow, out, bytes, counted);
        if (slot == ConnectionTable.MISS) {
            return DropReason.CONNECTION_TABLE_FULL;
        }
        if (entry != ConnectionTable.NO_VERDICT) {
            cacheAclEntry(slot, entry);
        }
        ruleCounts[rule]++;
        return null;
    }

    /**
     * Counts a refused packet of a flow-logged port for flow logs' REJECT records (bounded: a full
     * table loses it, counted) and says why. Other ports take no lock for a refusal.
     */
    private DropReason reject(DropReason why, boolean out, long bytes, int counted) {
        if (counted != 0) {
            rejected.track(addresses, flow, out, bytes, counted);
        }
        return why;
    }

    /** The ACL's verdict on the packet read by {@link #readFlow}, counted on the deciding entry. */
    private DropReason acl(Tables t, int acl, boolean out, int peer, int packets) {
        if (acl == ForwardingState.NONE) {
            return null;
        }
        return countAcl(acl, acls.evaluate(acl, out, protocol, peer, portOrType, icmpCode), packets);
    }

    /** Counts {@code packets} on the deciding {@code entry} of {@code acl} (or its final deny) and gives its verdict. */
    private DropReason countAcl(int acl, int entry, int packets) {
        if (entry == NetworkAclLookup.FINAL_DENY) {
            finalDenyCounts[acl] += packets;
            return DropReason.NETWORK_ACL_DENIED;
        }
        entryCounts[entry] += packets;
        return acls.allows(entry) ? null : DropReason.NETWORK_ACL_DENIED;
    }

    /**
     * Reads the packet's flow as seen from the port (addresses, protocol, ports: the ICMP echo id
     * as both) and what rules match on (destination port, or ICMP type and code); false when its
     * peer is the port's own gateway (not filtered).
     */
    private boolean readFlow(ByteBuf buf, int ip, PortPolicy policy, boolean out) {
        // the header in three reads (four with options, or for ICMP): a filtered port pays for each buffer access
        long first = Ipv4.firstWords(buf, ip);
        long middle = Ipv4.middleWords(buf, ip);
        int source = Ipv4.sourceOf(middle);
        totalLength = Ipv4.totalLengthOf(first);
        int destination;
        if (portsFollowDestination(buf, ip, first, Ipv4.protocolOf(middle))) {
            // TCP or UDP without options (most packets): the destination and both ports in one read
            long last = buf.getLong(ip + Ipv4.DESTINATION_OFFSET);
            destination = (int) (last >>> 32);
            protocol = Ipv4.protocolOf(middle);
            icmpCode = 0;
            sourcePort = (int) last >>> 16;
            destinationPort = (int) last & 0xFFFF;
            portOrType = destinationPort;
            if (out && ip == buf.readerIndex() + Ethernet.HEADER_LENGTH) {
                // a frame's (not a burst's) VXLAN source port from what was read: no second read of the 5-tuple
                forwarding.rememberFlowHash(
                        buf, FlowHash.ofIpv4(((long) source << 32) | (last >>> 32), protocol, last & 0xFFFF_FFFFL));
            }
        } else {
            destination = Ipv4.destination(buf, ip);
            readPorts(buf, ip, first, Ipv4.protocolOf(middle));
        }
        peer = out ? destination : source;
        if (peer == policy.gateway) {
            return false;
        }
        addresses = ConnectionTable.addresses(out ? source : destination, peer);
        flow = ((long) policy.vni << 40)
                | ConnectionTable.flow(
                        protocol, out ? destinationPort : sourcePort, out ? sourcePort : destinationPort);
        return true;
    }

    /** A TCP or UDP first fragment without IPv4 options whose ports lie within the packet and the frame. */
    private boolean portsFollowDestination(ByteBuf buf, int ip, long firstWords, int protocol) {
        return (protocol == IpProtocol.TCP_VALUE || protocol == IpProtocol.UDP_VALUE)
                && Ipv4.headerLengthOf(firstWords) == Ipv4.MIN_HEADER_LENGTH
                && totalLength >= Ipv4.MIN_HEADER_LENGTH + 4
                && (Ipv4.flagsAndFragmentOf(firstWords) & Ipv4.FRAGMENT_OFFSET_MASK) == 0
                && Packets.fits(buf, ip + Ipv4.DESTINATION_OFFSET, 8);
    }

    private void readPorts(ByteBuf buf, int ip, long firstWords, int protocol) {
        this.protocol = protocol;
        portOrType = 0;
        icmpCode = 0;
        sourcePort = 0;
        destinationPort = 0;
        if ((Ipv4.flagsAndFragmentOf(firstWords) & Ipv4.FRAGMENT_OFFSET_MASK) != 0) {
            return; // a later fragment carries no ports: it is judged on addresses and protocol
        }
        int headerLength = Ipv4.headerLengthOf(firstWords);
        int l4 = ip + headerLength;
        int available = totalLength - headerLength;
        switch (protocol) {
            case IpProtocol.TCP_VALUE, IpProtocol.UDP_VALUE -> {
                if (available >= 4) { // TCP and UDP put both ports first
                    int ports = buf.getInt(l4);
                    sourcePort = ports >>> 16;
                    destinationPort = ports & 0xFFFF;
                    portOrType = destinationPort;
                }
            }
            case IpProtocol.ICMP_VALUE -> {
                if (available >= Icmp.HEADER_LENGTH) {
                    portOrType = Icmp.type(buf, l4);
                    icmpCode = Icmp.code(buf, l4);
                    if (portOrType == IcmpType.ECHO_REQUEST_VALUE || portOrType == IcmpType.ECHO_REPLY_VALUE) {
                        sourcePort = Icmp.identifier(buf, l4);
                        destinationPort = sourcePort;
                    }
                }
            }
            default -> {}
        }
    }

    /** Per-port slots and counters for a newly installed table. */
    private void install(ForwardingState next) {
        SecurityPolicyLookup groups = next.securityPolicy();
        NetworkAclLookup acls = next.networkAcls();
        PortPolicy[] policies = new PortPolicy[next.portCount()];
        for (int p = 0; p < policies.length; p++) {
            PortFilter filter = PortFilter.of(next, p);
            if (filter.filters()) {
                policies[p] = new PortPolicy(filter, next.segmentVni(next.portSegment(p)), next.flowLogged(p));
            }
        }
        String[] rules = new String[groups.ruleCount()];
        for (int r = 0; r < rules.length; r++) {
            rules[r] = groups.ruleGroupId(r) + "/" + groups.ruleId(r);
        }
        String[] entries = new String[acls.entryCount()];
        for (int e = 0; e < entries.length; e++) {
            entries[e] = acls.aclId(acls.entryAcl(e)) + "/" + acls.entryLabel(e);
        }
        String[] acl = new String[acls.aclCount()];
        for (int a = 0; a < acl.length; a++) {
            acl[a] = acls.aclId(a) + "/*";
        }
        ruleHits.install(rules);
        entryHits.install(entries);
        finalDenies.install(acl);
        ruleCounts = ruleHits.counts();
        entryCounts = entryHits.counts();
        finalDenyCounts = finalDenies.counts();
        ports = policies;
        this.acls = acls;
        state = next;
    }

    /** Hits of the installed table's rules and entries (read on the loop, like every counter). */
    SecurityPolicySnapshot snapshot() {
        Map<String, Long> rules = ruleHits.snapshot();
        Map<String, Long> entries = entryHits.snapshot();
        finalDenies.addTo(entries);
        return new SecurityPolicySnapshot(rules, entries);
    }

    /**
     * What the decision reads of one filtered port, in one object: one load per packet, where a
     * field per array cost a bounds-checked load from another cache line each.
     */
    private static final class PortPolicy {
        final int groups;
        final int acl;
        final int subnetNetwork;
        final int subnetMask;
        final int gateway;
        final int vni;
        /** A flow log covers the port: its flows are counted. */
        final boolean flowLogged;

        PortPolicy(PortFilter filter, int vni, boolean flowLogged) {
            groups = filter.groups();
            acl = filter.acl();
            subnetNetwork = filter.subnetNetwork();
            subnetMask = filter.subnetMask();
            gateway = filter.gateway();
            this.vni = vni;
            this.flowLogged = flowLogged;
        }
    }
}
