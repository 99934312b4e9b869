package io.vpclab.dataplane.table;

import io.vpclab.net.Ipv4Prefix;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The network ACLs of one table as flat arrays, so the data plane evaluates every packet without
 * allocating: per segment (by VNI) its ACL, per ACL its entries per direction in rule-number order.
 * Stateless: the first entry that matches decides, and when none does the packet meets the
 * implicit final deny ({@link #FINAL_DENY}), as AWS's {@code *} entry.
 *
 * <p>Size: entries of the ACLs of the local ports' segments.
 */
public final class NetworkAclLookup {

    /** Before {@link #EMPTY}, which takes the first generation. */
    private static final AtomicInteger GENERATIONS = new AtomicInteger();

    public static final NetworkAclLookup EMPTY = new NetworkAclLookup(List.of(), Map.of());

    /** {@link #evaluate}'s answer when no entry matches: the implicit final deny (rule 32767). */
    public static final int FINAL_DENY = -2;

    /**
     * Unique per lookup (from 1): the data plane caches a flow's ACL verdict with it, and every
     * table install builds a new lookup, so a change re-decides every flow at its next packet.
     */
    private final int generation = GENERATIONS.incrementAndGet();

    private final Map<Integer, Integer> aclByVni = new HashMap<>();
    private final String[] aclIds;
    private final int[] inboundStart; // entries of ACL a: inbound [inboundStart[a], outboundStart[a])
    private final int[] outboundStart; // and outbound [outboundStart[a], inboundStart[a + 1])
    private final String[] labels;
    private final int[] entryAcl;
    private final boolean[] allows;
    private final int[] protocols; // IPv4 protocol number, -1 = any
    private final int[] fromPorts;
    private final int[] toPorts;
    private final int[] networks;
    private final int[] masks;
    /**
     * Per ACL and direction ({@code 2 * acl + (egress ? 1 : 0)}), its first entry when that entry
     * matches every packet (all protocols from 0.0.0.0/0, as AWS's default ACL), else -1: such an
     * ACL decides without a scan.
     */
    private final int[] firstMatchingAll;

    /**
     * @param acls        every ACL the table holds
     * @param aclIdsByVni each segment's ACL (segments without one are not listed)
     * @throws IllegalArgumentException on a duplicate ACL or a segment naming an ACL not in {@code acls}
     */
    public NetworkAclLookup(List<NetworkAcl> acls, Map<Integer, String> aclIdsByVni) {
        Map<String, Integer> slots = new HashMap<>();
        aclIds = new String[acls.size()];
        for (int a = 0; a < acls.size(); a++) {
            if (slots.putIfAbsent(acls.get(a).id(), a) != null) {
                throw new IllegalArgumentException(
                        "duplicate network ACL " + acls.get(a).id());
            }
            aclIds[a] = acls.get(a).id();
        }
        aclIdsByVni.forEach((vni, id) -> {
            Integer slot = slots.get(id);
            if (slot == null) {
                throw new IllegalArgumentException("segment " + vni + ": unknown network ACL " + id);
            }
            aclByVni.put(vni, slot);
        });
        int count = acls.stream().mapToInt(acl -> acl.entries().size()).sum();
        labels = new String[count];
        entryAcl = new int[count];
        allows = new boolean[count];
        protocols = new int[count];
        fromPorts = new int[count];
        toPorts = new int[count];
        networks = new int[count];
        masks = new int[count];
        inboundStart = new int[acls.size() + 1];
        outboundStart = new int[acls.size()];
        int next = 0;
        for (int a = 0; a < acls.size(); a++) {
            inboundStart[a] = next;
            outboundStart[a] = next;
            for (NetworkAclEntry entry : acls.get(a).entries()) { // inbound first, each by number
                if (!entry.egress()) {
                    outboundStart[a] = next + 1;
                }
                put(next++, a, entry);
            }
        }
        inboundStart[acls.size()] = next;
        firstMatchingAll = new int[2 * acls.size()];
        for (int a = 0; a < acls.size(); a++) {
            firstMatchingAll[2 * a] = matchesAll(inboundStart[a], outboundStart[a]);
            firstMatchingAll[2 * a + 1] = matchesAll(outboundStart[a], inboundStart[a + 1]);
        }
    }

    private int matchesAll(int from, int to) {
        return from < to && protocols[from] == -1 && masks[from] == 0 && networks[from] == 0 ? from : -1;
    }

    private void put(int i, int acl, NetworkAclEntry entry) {
        labels[i] = entry.label();
        entryAcl[i] = acl;
        allows[i] = entry.allow();
        protocols[i] = entry.protocol().number();
        fromPorts[i] = entry.fromPort();
        toPorts[i] = entry.toPort();
        networks[i] = entry.cidr().network();
        masks[i] = Ipv4Prefix.mask(entry.cidr().length());
    }

    public int generation() {
        return generation;
    }

    /** The ACL slot of the segment with {@code vni}, or {@link ForwardingState#NONE} (no ACL: all pass). */
    public int aclOfVni(int vni) {
        return aclByVni.getOrDefault(vni, ForwardingState.NONE);
    }

    public int aclCount() {
        return aclIds.length;
    }

    public String aclId(int acl) {
        return aclIds[acl];
    }

    /**
     * The entry of {@code acl} that decides a packet ({@code egress}: leaving the subnet toward
     * {@code peerIp}; else entering it from {@code peerIp}), or {@link #FINAL_DENY}.
     * {@code portOrType} is the TCP/UDP destination port or the ICMP type; {@code icmpCode} counts for ICMP only.
     */
    public int evaluate(int acl, boolean egress, int protocol, int peerIp, int portOrType, int icmpCode) {
        int first = firstMatchingAll[2 * acl + (egress ? 1 : 0)];
        if (first >= 0) {
            return first;
        }
        int from = egress ? outboundStart[acl] : inboundStart[acl];
        int to = egress ? inboundStart[acl + 1] : outboundStart[acl];
        for (int i = from; i < to; i++) {
            if ((protocols[i] == -1 || protocols[i] == protocol)
                    && (peerIp & masks[i]) == networks[i]
                    && SecurityPolicyLookup.portsMatch(protocols[i], fromPorts[i], toPorts[i], portOrType, icmpCode)) {
                return i;
            }
        }
        return FINAL_DENY;
    }

    /** True when the entry {@link #evaluate} returned lets the packet pass. */
    public boolean allows(int entry) {
        return entry >= 0 && allows[entry];
    }

    public int entryCount() {
        return labels.length;
    }

    /** The ACL an entry belongs to. */
    public int entryAcl(int entry) {
        return entryAcl[entry];
    }

    /** {@code ingress/100}, {@code egress/200}: how counters name an entry within its ACL. */
    public String entryLabel(int entry) {
        return labels[entry];
    }
}
