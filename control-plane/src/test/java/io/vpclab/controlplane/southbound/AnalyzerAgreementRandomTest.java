package io.vpclab.controlplane.southbound;

import static io.vpclab.controlplane.southbound.OnTheWireFixture.tcp;
import static org.assertj.core.api.Assertions.assertThat;

import io.vpclab.agent.FollowAgent;
import io.vpclab.client.api.NetworkAclsApi;
import io.vpclab.client.api.NetworkInsightsApi;
import io.vpclab.client.api.SecurityGroupsApi;
import io.vpclab.client.model.Instance;
import io.vpclab.client.model.InstanceSecurityGroupsUpdate;
import io.vpclab.client.model.NetworkAcl;
import io.vpclab.client.model.NetworkAclAssociation;
import io.vpclab.client.model.NetworkAclCreate;
import io.vpclab.client.model.NetworkAclEntry;
import io.vpclab.client.model.NetworkAclEntryCreate;
import io.vpclab.client.model.NetworkPathEndpoint;
import io.vpclab.client.model.NetworkPathRequest;
import io.vpclab.client.model.SecurityGroup;
import io.vpclab.client.model.SecurityGroupCreate;
import io.vpclab.client.model.SecurityGroupRule;
import io.vpclab.client.model.SecurityGroupRuleCreate;
import io.vpclab.client.model.SecurityGroupRuleDirection;
import io.vpclab.net.Ipv4Prefix;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Random security groups, rules and network ACLs over four instances in two subnets on two agents
 * (seeded: {@code -Danalyzer.seed=N} replays a run; the seed is in every failure message). For
 * every ordered pair and each of tcp 22, tcp 80 and ping, three answers must agree: the analyzer's,
 * a reference model of AWS semantics written here over what the API shows, and real packets
 * through the agents. Bounded: one configuration, 36 flows, each probe at most {@link #ATTEMPTS} times.
 */
class AnalyzerAgreementRandomTest {

    /** A first packet may race ARP or a table install; a stable disagreement survives three tries. */
    private static final int ATTEMPTS = 3;

    private static final int[] PORTS = {22, 80};
    /** The simulated hosts' ephemeral ports (Linux 32768..60999): the replies' destination ports. */
    private static final int EPHEMERAL = 49152;

    private final long seed = Long.getLong("analyzer.seed", System.nanoTime());
    private final Random random = new Random(seed);

    private OnTheWireFixture wire;
    private final List<Instance> instances = new ArrayList<>();
    private final Map<String, FollowAgent> agentOf = new HashMap<>();
    private final Map<String, String> subnetOf = new HashMap<>();
    private final Map<String, String> aclOfSubnet = new HashMap<>();

    @AfterEach
    void stop() {
        if (wire != null) {
            wire.close();
        }
    }

    @Test
    void theAnalyzerTheReferenceModelAndThePacketsAgreeOnRandomRules() throws Exception {
        System.out.println("AnalyzerAgreementRandomTest seed " + seed + " (replay with -Danalyzer.seed=" + seed + ")");
        wire = OnTheWireFixture.server();
        List<FollowAgent> agents = wire.agents("rnd", 2);
        String tenantId = wire.tenant("rnd");
        String vpcId = wire.vpc(tenantId, "10.60.0.0/16");
        List<String> subnets = List.of(wire.subnet(vpcId, "10.60.1.0/24"), wire.subnet(vpcId, "10.60.2.0/24"));
        String[] addresses = {"10.60.1.5", "10.60.1.6", "10.60.2.5", "10.60.2.6"};
        for (int i = 0; i < addresses.length; i++) {
            FollowAgent agent = agents.get(i % 2);
            String subnet = subnets.get(i / 2);
            Instance instance = wire.instance(subnet, agent, addresses[i]);
            instances.add(instance);
            agentOf.put(instance.getInstanceId(), agent);
            subnetOf.put(instance.getInstanceId(), subnet);
        }
        randomGroups(vpcId);
        randomAcls(vpcId, subnets);
        wire.awaitConverged();

        Model model = Model.read(wire, instances, subnetOf, aclOfSubnet);
        NetworkInsightsApi insights = new NetworkInsightsApi(wire.admin());
        List<String> disagreements = new ArrayList<>();
        int reachable = 0;
        for (Instance from : instances) {
            for (Instance to : instances) {
                if (from == to) {
                    continue;
                }
                for (int port : new int[] {PORTS[0], PORTS[1], -1}) {
                    boolean expected = model.reaches(from, to, port);
                    boolean analyzed = Boolean.TRUE.equals(insights.analyzeNetworkPath(new NetworkPathRequest()
                                    .source(new NetworkPathEndpoint().instance(from.getInstanceId()))
                                    .destination(new NetworkPathEndpoint().instance(to.getInstanceId()))
                                    .protocol(
                                            port < 0
                                                    ? NetworkPathRequest.ProtocolEnum.ICMP
                                                    : NetworkPathRequest.ProtocolEnum.TCP)
                                    .port(port < 0 ? null : port)
                                    .sourcePort(EPHEMERAL))
                            .getReachable());
                    boolean observed = probe(from, to, port, expected);
                    reachable += expected ? 1 : 0;
                    if (expected != analyzed || expected != observed) {
                        disagreements.add(from.getPrivateIpAddress() + " -> " + to.getPrivateIpAddress() + " "
                                + (port < 0 ? "ping" : "tcp " + port) + ": model " + expected + ", analyzer "
                                + analyzed + ", packets " + observed);
                    }
                }
            }
        }
        System.out.println("seed " + seed + ": " + reachable + " of 36 flows reachable");
        assertThat(disagreements)
                .as("seed %d (replay with -Danalyzer.seed=%d); configuration: %s", seed, seed, model)
                .isEmpty();
    }

    /** Real packets, retried while they disagree with the model (a race is not a verdict; a rule is). */
    private boolean probe(Instance from, Instance to, int port, boolean expected) {
        FollowAgent agent = agentOf.get(from.getInstanceId());
        boolean observed = false;
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            observed = port < 0
                    ? ControlPlaneLab.ping(agent, from.getInstanceId(), to.getPrivateIpAddress())
                                    .getReceived()
                            > 0
                    : !"filtered".equals(tcp(agent, from.getInstanceId(), to.getPrivateIpAddress(), port));
            if (observed == expected) {
                break;
            }
        }
        return observed;
    }

    private void randomGroups(String vpcId) throws Exception {
        SecurityGroupsApi groups = new SecurityGroupsApi(wire.admin());
        String defaultGroup = groups.getInstanceSecurityGroups(instances.get(0).getInstanceId())
                .getSecurityGroupIds()
                .get(0);
        List<String> all = new ArrayList<>(List.of(defaultGroup));
        for (int g = 0; g < 2; g++) {
            SecurityGroup group = groups.createSecurityGroup(
                    new SecurityGroupCreate().vpcId(vpcId).groupName("g" + g));
            all.add(group.getGroupId());
        }
        for (String groupId : all.subList(1, all.size())) {
            for (int r = 1 + random.nextInt(3); r > 0; r--) {
                authorize(groups, groupId, SecurityGroupRuleDirection.INGRESS, all);
            }
            if (random.nextInt(3) == 0) { // narrow the group's egress from "all" to one random rule
                SecurityGroup group = groups.getSecurityGroup(groupId);
                for (SecurityGroupRule rule : group.getEgressRules()) {
                    groups.revokeSecurityGroupRule(groupId, rule.getSecurityGroupRuleId());
                }
                authorize(groups, groupId, SecurityGroupRuleDirection.EGRESS, all);
            }
        }
        for (Instance instance : instances) {
            Set<String> chosen = new HashSet<>();
            for (int n = 1 + random.nextInt(2); n > 0; n--) {
                chosen.add(all.get(random.nextInt(all.size())));
            }
            groups.replaceInstanceSecurityGroups(
                    instance.getInstanceId(),
                    new InstanceSecurityGroupsUpdate().securityGroupIds(new ArrayList<>(chosen)));
        }
    }

    private void authorize(
            SecurityGroupsApi groups, String groupId, SecurityGroupRuleDirection direction, List<String> all)
            throws Exception {
        SecurityGroupRuleCreate rule = new SecurityGroupRuleCreate().direction(direction);
        switch (random.nextInt(4)) {
            case 0 -> rule.ipProtocol("icmp").fromPort(8).toPort(-1);
            case 1 -> rule.ipProtocol("-1");
            default -> {
                int[][] ranges = {{22, 22}, {80, 80}, {20, 25}, {5432, 5432}};
                int[] range = ranges[random.nextInt(ranges.length)];
                rule.ipProtocol("tcp").fromPort(range[0]).toPort(range[1]);
            }
        }
        if (random.nextInt(3) == 0) {
            rule.referencedGroupId(all.get(random.nextInt(all.size())));
        } else {
            rule.cidrIp(randomCidr());
        }
        try {
            groups.authorizeSecurityGroupRule(groupId, rule);
        } catch (io.vpclab.client.ApiException duplicate) {
            if (!duplicate.getResponseBody().contains("Duplicate")) {
                throw duplicate;
            }
        }
    }

    private String randomCidr() {
        String[] cidrs = {"10.60.1.0/24", "10.60.2.0/24", "10.60.0.0/16", "0.0.0.0/0"};
        if (random.nextInt(4) == 0) {
            return instances.get(random.nextInt(instances.size())).getPrivateIpAddress() + "/32";
        }
        return cidrs[random.nextInt(cidrs.length)];
    }

    private void randomAcls(String vpcId, List<String> subnets) throws Exception {
        NetworkAclsApi acls = new NetworkAclsApi(wire.admin());
        for (String subnet : subnets) {
            if (random.nextInt(5) < 2) {
                continue; // the default ACL: everything allowed
            }
            String aclId =
                    acls.createNetworkAcl(new NetworkAclCreate().vpcId(vpcId)).getNetworkAclId();
            for (SecurityGroupRuleDirection direction : SecurityGroupRuleDirection.values()) {
                List<Integer> numbers = new ArrayList<>(List.of(50, 100, 150, 200));
                for (int e = 1 + random.nextInt(3); e > 0; e--) {
                    int number = numbers.remove(random.nextInt(numbers.size()));
                    NetworkAclEntryCreate entry = new NetworkAclEntryCreate()
                            .ruleNumber(number)
                            .direction(direction)
                            .ruleAction(
                                    random.nextInt(10) < 7
                                            ? NetworkAclEntryCreate.RuleActionEnum.ALLOW
                                            : NetworkAclEntryCreate.RuleActionEnum.DENY)
                            .cidrBlock(randomCidr());
                    // port ranges either hold every ephemeral port or none, so one reply port speaks for all
                    int[][] ranges = {{22, 22}, {80, 80}, {1024, 65535}, {0, 65535}};
                    if (random.nextInt(3) == 0) {
                        entry.protocol("-1");
                    } else {
                        int[] range = ranges[random.nextInt(ranges.length)];
                        entry.protocol("tcp").fromPort(range[0]).toPort(range[1]);
                    }
                    acls.createNetworkAclEntry(aclId, entry);
                }
            }
            acls.replaceNetworkAclAssociation(subnet, new NetworkAclAssociation().networkAclId(aclId));
            aclOfSubnet.put(subnet, aclId);
        }
    }

    /**
     * AWS semantics over what the API shows, independent of the control plane's compiler and of the
     * data plane: groups are stateful allow lists (any rule of any of the instance's groups), ACLs
     * stateless numbered lists (first match decides, else deny) that filter only what crosses their
     * subnet's edge, and the reply needs its own ACL entries to the ephemeral port.
     */
    private record Model(
            Map<String, List<SecurityGroup>> groupsOf,
            Map<String, Set<String>> membersOf,
            Map<String, List<NetworkAclEntry>> aclOf,
            Map<String, String> subnetOf) {

        static Model read(
                OnTheWireFixture wire,
                List<Instance> instances,
                Map<String, String> subnetOf,
                Map<String, String> aclOfSubnet)
                throws Exception {
            SecurityGroupsApi groups = new SecurityGroupsApi(wire.admin());
            Map<String, List<SecurityGroup>> groupsOf = new HashMap<>();
            Map<String, Set<String>> membersOf = new HashMap<>();
            Map<String, SecurityGroup> byId = new HashMap<>();
            for (Instance instance : instances) {
                List<SecurityGroup> carried = new ArrayList<>();
                for (String groupId : groups.getInstanceSecurityGroups(instance.getInstanceId())
                        .getSecurityGroupIds()) {
                    SecurityGroup group = byId.get(groupId);
                    if (group == null) {
                        group = groups.getSecurityGroup(groupId);
                        byId.put(groupId, group);
                    }
                    carried.add(group);
                    membersOf.computeIfAbsent(groupId, g -> new HashSet<>()).add(instance.getPrivateIpAddress());
                }
                groupsOf.put(instance.getPrivateIpAddress(), carried);
            }
            NetworkAclsApi acls = new NetworkAclsApi(wire.admin());
            Map<String, List<NetworkAclEntry>> aclOf = new HashMap<>();
            Map<String, String> subnetOfIp = new HashMap<>();
            for (Instance instance : instances) {
                String subnet = subnetOf.get(instance.getInstanceId());
                subnetOfIp.put(instance.getPrivateIpAddress(), subnet);
                String aclId = aclOfSubnet.get(subnet);
                if (aclId != null && !aclOf.containsKey(subnet)) {
                    NetworkAcl acl = acls.getNetworkAcl(aclId);
                    aclOf.put(subnet, acl.getEntries());
                }
            }
            return new Model(groupsOf, membersOf, aclOf, subnetOfIp);
        }

        /** {@code port} -1: ping. */
        boolean reaches(Instance from, Instance to, int port) {
            String a = from.getPrivateIpAddress();
            String b = to.getPrivateIpAddress();
            String protocol = port < 0 ? "icmp" : "tcp";
            int request = port < 0 ? 8 : port;
            boolean crossing = !subnetOf.get(a).equals(subnetOf.get(b));
            return groupsAllow(a, SecurityGroupRuleDirection.EGRESS, protocol, request, b)
                    && (!crossing || aclAllows(subnetOf.get(a), SecurityGroupRuleDirection.EGRESS, protocol, port, b))
                    && (!crossing || aclAllows(subnetOf.get(b), SecurityGroupRuleDirection.INGRESS, protocol, port, a))
                    && groupsAllow(b, SecurityGroupRuleDirection.INGRESS, protocol, request, a)
                    // the reply: groups track the flow, ACLs judge it again
                    && (!crossing
                            || aclAllows(subnetOf.get(b), SecurityGroupRuleDirection.EGRESS, protocol, reply(port), a))
                    && (!crossing
                            || aclAllows(
                                    subnetOf.get(a), SecurityGroupRuleDirection.INGRESS, protocol, reply(port), b));
        }

        private static int reply(int port) {
            return port < 0 ? -1 : EPHEMERAL;
        }

        private boolean groupsAllow(
                String instance, SecurityGroupRuleDirection direction, String protocol, int portOrType, String peer) {
            for (SecurityGroup group : groupsOf.get(instance)) {
                List<SecurityGroupRule> rules = direction == SecurityGroupRuleDirection.INGRESS
                        ? group.getIngressRules()
                        : group.getEgressRules();
                for (SecurityGroupRule rule : rules) {
                    if (protocolMatches(rule.getIpProtocol(), protocol)
                            && portsMatch(
                                    protocol, rule.getIpProtocol(), rule.getFromPort(), rule.getToPort(), portOrType)
                            && (rule.getCidrIp() != null
                                    ? contains(rule.getCidrIp(), peer)
                                    : membersOf
                                            .getOrDefault(rule.getReferencedGroupId(), Set.of())
                                            .contains(peer))) {
                        return true;
                    }
                }
            }
            return false;
        }

        /** ICMP flows meet only "-1" entries here (the random ACLs hold no ICMP entries). */
        private boolean aclAllows(
                String subnet, SecurityGroupRuleDirection direction, String protocol, int port, String peer) {
            List<NetworkAclEntry> entries = aclOf.get(subnet);
            if (entries == null) {
                return true; // the default ACL
            }
            return entries.stream()
                    .filter(e -> e.getDirection() == direction)
                    .sorted(Comparator.comparingInt(NetworkAclEntry::getRuleNumber))
                    .filter(e -> protocolMatches(e.getProtocol(), protocol)
                            && (isAll(e.getProtocol()) || (port >= e.getFromPort() && port <= e.getToPort()))
                            && contains(e.getCidrBlock(), peer))
                    .findFirst()
                    .map(e -> e.getRuleAction() == NetworkAclEntry.RuleActionEnum.ALLOW)
                    .orElse(false);
        }

        private static boolean isAll(String protocol) {
            return protocol.equals("-1") || protocol.equalsIgnoreCase("all");
        }

        private static boolean protocolMatches(String ruleProtocol, String protocol) {
            return isAll(ruleProtocol)
                    || ruleProtocol.equalsIgnoreCase(protocol)
                    || ruleProtocol.equals(protocol.equals("tcp") ? "6" : "1");
        }

        private static boolean portsMatch(String protocol, String ruleProtocol, Integer from, Integer to, int value) {
            if (isAll(ruleProtocol)) {
                return true;
            }
            if (protocol.equals("icmp")) { // fromPort is the type, toPort the code (-1: any); echo has code 0
                return (from == null || from == -1 || from == value) && (to == null || to == -1 || to == 0);
            }
            return value >= from && value <= to;
        }

        private static boolean contains(String cidr, String ip) {
            return Ipv4Prefix.parse(cidr).contains(Ipv4Prefix.parseAddress(ip));
        }
    }
}
