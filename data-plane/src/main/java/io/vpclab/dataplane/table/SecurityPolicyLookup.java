package io.vpclab.dataplane.table;

import io.vpclab.dataplane.packet.IpProtocol;
import io.vpclab.net.Ipv4Prefix;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The security groups of one table as flat int arrays, so the data plane decides a new flow
 * without allocating: per port its groups, per group its rules (ingress and egress apart, in
 * table order) and its members as a sorted array of addresses (a binary search per rule naming a
 * group). Stateful matching only: whether a packet belongs to an allowed flow (a reply, a later
 * packet) is the connection tracker's question, asked before this one.
 *
 * <p>Size: rules of the local ports' groups + one int per (peer group, member).
 */
public final class SecurityPolicyLookup {

    public static final SecurityPolicyLookup EMPTY = new SecurityPolicyLookup(List.of(), List.of(), Map.of());

    private final Map<String, Integer> portSlots = new HashMap<>();
    private final int[][] groupsOfPort;
    private final int[][] membersOfGroup; // sorted address bits
    private final int[] ingressStart; // rules of group g: [ingressStart[g], egressStart[g])
    private final int[] egressStart; // and [egressStart[g], ingressStart[g + 1])
    private final String[] ruleIds;
    private final String[] ruleGroupIds;
    private final int[] protocols; // IPv4 protocol number, -1 = any
    private final int[] fromPorts;
    private final int[] toPorts;
    private final int[] networks;
    private final int[] masks;
    private final int[] peerGroups; // group slot, or ForwardingState.NONE for a CIDR rule

    /**
     * @param groups every group the table holds (rules' peer groups among them)
     * @param members addresses of groups
     * @param groupsOfPortId for each port that carries groups, their ids
     * @throws IllegalArgumentException on a duplicate group or a reference to a group not in {@code groups}
     */
    public SecurityPolicyLookup(
            List<SecurityGroup> groups, List<SecurityGroupMember> members, Map<String, List<String>> groupsOfPortId) {
        Map<String, Integer> groupSlots = new HashMap<>();
        for (SecurityGroup group : groups) {
            if (groupSlots.putIfAbsent(group.id(), groupSlots.size()) != null) {
                throw new IllegalArgumentException("duplicate security group " + group.id());
            }
        }
        List<List<Integer>> addresses = new ArrayList<>();
        groups.forEach(g -> addresses.add(new ArrayList<>()));
        for (SecurityGroupMember member : members) {
            addresses
                    .get(slot(groupSlots, member.groupId()))
                    .add(member.address().bits());
        }
        membersOfGroup = addresses.stream()
                .map(list -> list.stream().mapToInt(Integer::intValue).sorted().toArray())
                .toArray(int[][]::new);

        int ruleCount = groups.stream()
                .mapToInt(g -> g.ingress().size() + g.egress().size())
                .sum();
        ruleIds = new String[ruleCount];
        ruleGroupIds = new String[ruleCount];
        protocols = new int[ruleCount];
        fromPorts = new int[ruleCount];
        toPorts = new int[ruleCount];
        networks = new int[ruleCount];
        masks = new int[ruleCount];
        peerGroups = new int[ruleCount];
        ingressStart = new int[groups.size() + 1];
        egressStart = new int[groups.size()];
        int next = 0;
        for (int g = 0; g < groups.size(); g++) {
            ingressStart[g] = next;
            for (SecurityGroupRule rule : groups.get(g).ingress()) {
                ruleGroupIds[next] = groups.get(g).id();
                put(next++, rule, groupSlots);
            }
            egressStart[g] = next;
            for (SecurityGroupRule rule : groups.get(g).egress()) {
                ruleGroupIds[next] = groups.get(g).id();
                put(next++, rule, groupSlots);
            }
        }
        ingressStart[groups.size()] = next;

        groupsOfPort = new int[groupsOfPortId.size()][];
        groupsOfPortId.forEach((portId, ids) -> {
            int port = portSlots.size();
            portSlots.put(portId, port);
            groupsOfPort[port] =
                    ids.stream().mapToInt(id -> slot(groupSlots, id)).toArray();
        });
    }

    private void put(int i, SecurityGroupRule rule, Map<String, Integer> groupSlots) {
        ruleIds[i] = rule.id();
        protocols[i] = rule.protocol().number();
        fromPorts[i] = rule.fromPort();
        toPorts[i] = rule.toPort();
        if (rule.cidr() != null) {
            networks[i] = rule.cidr().network();
            masks[i] = Ipv4Prefix.mask(rule.cidr().length());
            peerGroups[i] = ForwardingState.NONE;
        } else {
            peerGroups[i] = slot(groupSlots, rule.peerGroupId());
        }
    }

    private static int slot(Map<String, Integer> groupSlots, String groupId) {
        Integer slot = groupSlots.get(groupId);
        if (slot == null) {
            throw new IllegalArgumentException("unknown security group " + groupId);
        }
        return slot;
    }

    /** The port's slot, or {@link ForwardingState#NONE} for a port without groups (which no group filters). */
    public int port(String portId) {
        return portSlots.getOrDefault(portId, ForwardingState.NONE);
    }

    /**
     * The first ingress rule (of the port's groups in order) that admits a new flow from
     * {@code sourceIp}, or {@link ForwardingState#NONE}. {@code portOrType} is the destination
     * port (TCP, UDP) or the ICMP type; {@code icmpCode} counts for ICMP only.
     */
    public int ingressRule(int port, int protocol, int sourceIp, int portOrType, int icmpCode) {
        return match(port, true, protocol, sourceIp, portOrType, icmpCode);
    }

    /** As {@link #ingressRule} for a new flow out of the port to {@code destinationIp}. */
    public int egressRule(int port, int protocol, int destinationIp, int portOrType, int icmpCode) {
        return match(port, false, protocol, destinationIp, portOrType, icmpCode);
    }

    /** Rules of every group, numbered as matches return them. */
    public int ruleCount() {
        return ruleIds.length;
    }

    /** The group a rule belongs to. */
    public String ruleGroupId(int rule) {
        return ruleGroupIds[rule];
    }

    /** The id of a rule a match returned (for counters and the drop's reason). */
    public String ruleId(int rule) {
        return ruleIds[rule];
    }

    /** True when {@code ip} is a member of the rule's peer group (binary search, no allocation). */
    private boolean isMember(int group, int ip) {
        return Arrays.binarySearch(membersOfGroup[group], ip) >= 0;
    }

    private int match(int port, boolean ingress, int protocol, int peerIp, int portOrType, int icmpCode) {
        if (port == ForwardingState.NONE) {
            return ForwardingState.NONE;
        }
        for (int group : groupsOfPort[port]) {
            int from = ingress ? ingressStart[group] : egressStart[group];
            int to = ingress ? egressStart[group] : ingressStart[group + 1];
            for (int i = from; i < to; i++) {
                if (matches(i, protocol, peerIp, portOrType, icmpCode)) {
                    return i;
                }
            }
        }
        return ForwardingState.NONE;
    }

    private boolean matches(int i, int protocol, int peerIp, int portOrType, int icmpCode) {
        if (protocols[i] != -1 && protocols[i] != protocol) {
            return false;
        }
        boolean peer = peerGroups[i] == ForwardingState.NONE
                ? (peerIp & masks[i]) == networks[i]
                : isMember(peerGroups[i], peerIp);
        if (!peer) {
            return false;
        }
        return portsMatch(protocols[i], fromPorts[i], toPorts[i], portOrType, icmpCode);
    }

    /**
     * Whether a rule's ports admit a packet: any for ALL, the type and code (or ANY) for ICMP, the
     * destination port range for TCP and UDP. Shared with {@link NetworkAclLookup}.
     */
    static boolean portsMatch(int protocol, int fromPort, int toPort, int portOrType, int icmpCode) {
        return switch (protocol) {
            case -1 -> true;
            case IpProtocol.ICMP_VALUE ->
                (fromPort == SecurityGroupRule.ANY || fromPort == portOrType)
                        && (toPort == SecurityGroupRule.ANY || toPort == icmpCode);
            default -> portOrType >= fromPort && portOrType <= toPort;
        };
    }
}
