package io.vpclab.controlplane.securitygroup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vpclab.client.api.PeeringsApi;
import io.vpclab.client.api.SecurityGroupsApi;
import io.vpclab.client.api.SouthboundApi;
import io.vpclab.client.model.ForwardingTable;
import io.vpclab.client.model.GroupMember;
import io.vpclab.client.model.Instance;
import io.vpclab.client.model.InstanceCreate;
import io.vpclab.client.model.InstanceKind;
import io.vpclab.client.model.InstanceSecurityGroupsUpdate;
import io.vpclab.client.model.PeeringCreate;
import io.vpclab.client.model.SecurityGroup;
import io.vpclab.client.model.SecurityGroupCreate;
import io.vpclab.client.model.SecurityGroupRule;
import io.vpclab.client.model.SecurityGroupRuleCreate;
import io.vpclab.client.model.SecurityGroupRuleDirection;
import io.vpclab.client.model.Subnet;
import io.vpclab.controlplane.ApiTestSupport;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class SecurityGroupRulesTest extends ApiTestSupport {

    private TenantClient tenant;
    private SecurityGroupsApi groups;
    private String vpcId;
    private String host;
    private Subnet subnet;

    @BeforeEach
    void network() throws Exception {
        tenant = newTenant();
        groups = new SecurityGroupsApi(tenant.api());
        vpcId = tenant.vpc("10.0.0.0/16").getVpcId();
        host = newHost(InstanceKind.SIMULATED).getHost().getHostId();
        subnet = tenant.subnet(vpcId, "10.0.1.0/24");
    }

    private SecurityGroup group(String vpc, String name) throws Exception {
        return groups.createSecurityGroup(
                new SecurityGroupCreate().vpcId(vpc).groupName(name).description(name + " tier"));
    }

    private static SecurityGroupRuleCreate ingress(String protocol, Integer from, Integer to, String cidr) {
        return new SecurityGroupRuleCreate()
                .direction(SecurityGroupRuleDirection.INGRESS)
                .ipProtocol(protocol)
                .fromPort(from)
                .toPort(to)
                .cidrIp(cidr);
    }

    private static SecurityGroupRuleCreate ingressFromGroup(String protocol, Integer from, Integer to, String group) {
        return new SecurityGroupRuleCreate()
                .direction(SecurityGroupRuleDirection.INGRESS)
                .ipProtocol(protocol)
                .fromPort(from)
                .toPort(to)
                .referencedGroupId(group);
    }

    private SecurityGroup defaultGroup(String vpc) throws Exception {
        List<SecurityGroup> ofVpc = groups.listSecurityGroups(vpc, null, null).getItems();
        assertThat(ofVpc).filteredOn(SecurityGroup::getIsDefault).hasSize(1);
        return ofVpc.stream().filter(SecurityGroup::getIsDefault).findFirst().orElseThrow();
    }

    private InstanceCreate launch(String... groupIds) {
        return new InstanceCreate()
                .subnetId(subnet.getSubnetId())
                .hostId(host)
                .securityGroupIds(groupIds.length == 0 ? null : List.of(groupIds));
    }

    @Test
    void eachVpcGetsADefaultGroupThatNewInstancesCarryAndThatCannotBeDeleted() throws Exception {
        SecurityGroup defaultGroup = defaultGroup(vpcId);
        assertThat(defaultGroup.getGroupName()).isEqualTo("default");
        assertThat(defaultGroup.getGroupId()).matches("sg-[0-9a-f]{17}");
        assertThat(defaultGroup.getTenantId()).isEqualTo(tenant.tenantId());
        SecurityGroupRule fromMembers = defaultGroup.getIngressRules().get(0);
        assertThat(defaultGroup.getIngressRules()).hasSize(1);
        assertThat(fromMembers.getIpProtocol()).isEqualTo("-1");
        assertThat(fromMembers.getReferencedGroupId()).isEqualTo(defaultGroup.getGroupId());
        assertThat(fromMembers.getCidrIp()).isNull();
        assertThat(defaultGroup.getEgressRules())
                .singleElement()
                .satisfies(rule -> assertThat(rule.getCidrIp()).isEqualTo("0.0.0.0/0"))
                .satisfies(rule -> assertThat(rule.getIpProtocol()).isEqualTo("-1"));

        Instance instance = tenant.instances().runInstance(launch());
        assertThat(groups.getInstanceSecurityGroups(instance.getInstanceId()).getSecurityGroupIds())
                .containsExactly(defaultGroup.getGroupId());

        assertRefused(409, "CannotDelete", () -> deleted(groups, defaultGroup.getGroupId()));
        assertThat(groups.getSecurityGroup(defaultGroup.getGroupId())).isEqualTo(defaultGroup);
    }

    @Test
    void rulesAreValidatedCanonicalisedAndRefusalsStoreNothing() throws Exception {
        SecurityGroup web = group(vpcId, "web");
        assertThat(web.getIsDefault()).isFalse();
        assertThat(web.getIngressRules()).isEmpty();
        assertThat(web.getEgressRules())
                .singleElement()
                .satisfies(rule -> assertThat(rule.getCidrIp()).isEqualTo("0.0.0.0/0"));
        String id = web.getGroupId();
        SecurityGroup withRules = groups.authorizeSecurityGroupRule(id, ingress("tcp", 443, 443, "198.51.100.77/24"));
        withRules = groups.authorizeSecurityGroupRule(id, ingress("ICMP", 8, null, "10.0.0.0/16"));
        withRules = groups.authorizeSecurityGroupRule(id, ingress("icmp", null, null, "10.0.0.0/16"));
        withRules = groups.authorizeSecurityGroupRule(id, ingressFromGroup("udp", 53, 53, id));
        assertThat(withRules.getIngressRules())
                .extracting(SecurityGroupRule::getIpProtocol)
                .containsExactly("tcp", "icmp", "icmp", "udp");
        assertThat(withRules.getIngressRules().get(0).getCidrIp()).isEqualTo("198.51.100.0/24");
        assertThat(withRules.getIngressRules())
                .extracting(SecurityGroupRule::getFromPort)
                .containsExactly(443, 8, -1, 53);
        assertThat(withRules.getIngressRules())
                .extracting(SecurityGroupRule::getToPort)
                .containsExactly(443, -1, -1, 53);
        SecurityGroup stored = withRules;

        List<SecurityGroupRuleCreate> malformed = List.of(
                ingress("sctp", 1, 2, "0.0.0.0/0"),
                ingress("tcp", 90, 80, "0.0.0.0/0"),
                ingress("tcp", 0, 65536, "0.0.0.0/0"),
                ingress("udp", -1, 5, "0.0.0.0/0"),
                ingress("tcp", null, 22, "0.0.0.0/0"),
                ingress("icmp", 256, -1, "0.0.0.0/0"),
                ingress("icmp", -1, 3, "0.0.0.0/0"),
                ingress("-1", 0, 22, "0.0.0.0/0"),
                ingress("tcp", 22, 22, "300.1.1.1/24"),
                ingress("tcp", 22, 22, "10.0.0.0"),
                ingress("tcp", 22, 22, null),
                ingress("tcp", 22, 22, "10.0.0.0/8").referencedGroupId(id));
        for (SecurityGroupRuleCreate rule : malformed) {
            assertRefused(400, "InvalidPermission.Malformed", () -> groups.authorizeSecurityGroupRule(id, rule));
        }
        // Equal once canonicalised (host bits, icmp type without code), even with another description.
        assertRefused(
                400,
                "InvalidPermission.Duplicate",
                () -> groups.authorizeSecurityGroupRule(
                        id, ingress("tcp", 443, 443, "198.51.100.1/24").description("again")));
        assertRefused(
                400,
                "InvalidPermission.Duplicate",
                () -> groups.authorizeSecurityGroupRule(id, ingress("icmp", 8, -1, "10.0.0.0/16")));
        assertRefused(
                400, "MissingParameter", () -> groups.authorizeSecurityGroupRule(id, ingress(null, 1, 2, "0.0.0.0/0")));
        assertRefused(
                404,
                "InvalidGroup.NotFound",
                () -> groups.authorizeSecurityGroupRule(id, ingressFromGroup("tcp", 1, 2, "sg-00000000000000000")));
        assertRefused(
                404,
                "InvalidGroup.NotFound",
                () -> groups.authorizeSecurityGroupRule("sg-00000000000000000", ingress("tcp", 1, 2, "0.0.0.0/0")));
        HttpResponse<String> badDirection = raw(
                "POST",
                "/api/v1/security-groups/" + id + "/rules",
                tenant.token(),
                "{\"direction\":\"sideways\",\"ipProtocol\":\"tcp\",\"fromPort\":1,\"toPort\":1,\"cidrIp\":\"0.0.0.0/0\"}");
        assertThat(badDirection.statusCode()).isEqualTo(400);

        assertRefused(409, "InvalidGroup.Duplicate", () -> group(vpcId, "web"));
        assertRefused(409, "InvalidGroup.Duplicate", () -> group(vpcId, "default"));
        assertRefused(
                400, "MissingParameter", () -> groups.createSecurityGroup(new SecurityGroupCreate().vpcId(vpcId)));
        assertRefused(404, "InvalidVpcID.NotFound", () -> group("vpc-00000000000000000", "web"));

        assertThat(groups.getSecurityGroup(id)).isEqualTo(stored);
        assertThat(groups.listSecurityGroups(vpcId, null, null).getItems())
                .extracting(SecurityGroup::getGroupName)
                .containsExactlyInAnyOrder("default", "web");
    }

    @Test
    void sixtyRulesPerDirectionAndRevokedRulesGo() throws Exception {
        String id = group(vpcId, "many").getGroupId();
        SecurityGroup full = null;
        for (int port = 1; port <= SecurityGroupService.MAX_RULES_PER_DIRECTION; port++) {
            full = groups.authorizeSecurityGroupRule(id, ingress("tcp", port, port, "0.0.0.0/0"));
        }
        SecurityGroup atLimit = full;
        assertThat(atLimit.getIngressRules()).hasSize(60);
        assertRefused(
                409,
                "RulesPerSecurityGroupLimitExceeded",
                () -> groups.authorizeSecurityGroupRule(id, ingress("tcp", 1000, 1000, "0.0.0.0/0")));
        assertThat(groups.getSecurityGroup(id)).isEqualTo(atLimit);
        // The quota counts each direction apart: egress still has room.
        SecurityGroup withEgress = groups.authorizeSecurityGroupRule(
                id,
                new SecurityGroupRuleCreate()
                        .direction(SecurityGroupRuleDirection.EGRESS)
                        .ipProtocol("udp")
                        .fromPort(53)
                        .toPort(53)
                        .cidrIp("10.0.0.2/32"));
        assertThat(withEgress.getEgressRules()).hasSize(2);

        String first = atLimit.getIngressRules().get(0).getSecurityGroupRuleId();
        SecurityGroup revoked = groups.revokeSecurityGroupRule(id, first);
        assertThat(revoked.getIngressRules())
                .hasSize(59)
                .extracting(SecurityGroupRule::getSecurityGroupRuleId)
                .doesNotContain(first);
        assertRefused(404, "InvalidPermission.NotFound", () -> groups.revokeSecurityGroupRule(id, first));
        assertThat(groups.authorizeSecurityGroupRule(id, ingress("tcp", 1000, 1000, "0.0.0.0/0"))
                        .getIngressRules())
                .hasSize(60);
    }

    @Test
    void rulesReferenceGroupsOfTheSameVpcOrOfAnActivelyPeeredOne() throws Exception {
        // Another tenant's VPC: the peering waits for its acceptance, and until then its groups do not exist here.
        TenantClient partner = newTenant();
        SecurityGroupsApi partners = new SecurityGroupsApi(partner.api());
        String other = partner.vpc("10.1.0.0/16").getVpcId();
        String remote = partners.createSecurityGroup(
                        new SecurityGroupCreate().vpcId(other).groupName("remote"))
                .getGroupId();
        String app = group(vpcId, "app").getGroupId();
        String sameVpc = group(vpcId, "web").getGroupId();

        assertRefused(
                404,
                "InvalidGroup.NotFound",
                () -> groups.authorizeSecurityGroupRule(app, ingressFromGroup("tcp", 8080, 8080, remote)));
        String peering = new PeeringsApi(tenant.api())
                .createPeering(new PeeringCreate().requesterVpcId(vpcId).accepterVpcId(other))
                .getVpcPeeringConnectionId();
        assertRefused(
                404,
                "InvalidGroup.NotFound",
                () -> groups.authorizeSecurityGroupRule(app, ingressFromGroup("tcp", 8080, 8080, remote)));
        assertThat(groups.getSecurityGroup(app).getIngressRules()).isEmpty();
        new PeeringsApi(partner.api()).acceptPeering(peering);

        SecurityGroup referencing = groups.authorizeSecurityGroupRule(app, ingressFromGroup("tcp", 8080, 8080, remote));
        referencing = groups.authorizeSecurityGroupRule(app, ingressFromGroup("tcp", 8080, 8080, sameVpc));
        assertThat(referencing.getIngressRules())
                .extracting(SecurityGroupRule::getReferencedGroupId)
                .containsExactly(remote, sameVpc);
        assertRefused(409, "DependencyViolation", () -> deleted(partners, remote));
        assertThat(partners.getSecurityGroup(remote).getGroupName()).isEqualTo("remote");
    }

    @Test
    void instancesCarryOneToFiveGroupsOfTheirVpcAndRefusedLaunchesStoreNothing() throws Exception {
        List<String> six = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            six.add(group(vpcId, "g" + i).getGroupId());
        }
        String foreignVpcGroup =
                group(tenant.vpc("10.2.0.0/16").getVpcId(), "elsewhere").getGroupId();
        TenantClient stranger = newTenant();
        String strangersGroup = defaultGroupOf(stranger);

        Instance instance = tenant.instances().runInstance(launch(six.get(0), six.get(1)));
        String instanceId = instance.getInstanceId();
        assertThat(groups.getInstanceSecurityGroups(instanceId).getSecurityGroupIds())
                .containsExactlyInAnyOrder(six.get(0), six.get(1));
        int freeBefore = tenant.subnets().getSubnet(subnet.getSubnetId()).getAvailableIpAddressCount();

        assertRefused(
                409,
                "SecurityGroupsPerInstanceLimitExceeded",
                () -> tenant.instances().runInstance(launch(six.toArray(String[]::new))));
        assertRefused(400, "InvalidParameterValue", () -> tenant.instances().runInstance(launch(foreignVpcGroup)));
        assertRefused(404, "InvalidGroup.NotFound", () -> tenant.instances().runInstance(launch(strangersGroup)));
        assertRefused(
                400, "InvalidParameterValue", () -> tenant.instances().runInstance(launch(six.get(0), six.get(0))));
        assertThat(tenant.instances()
                        .listInstances(null, subnet.getSubnetId(), null, null, null)
                        .getItems())
                .extracting(Instance::getInstanceId)
                .containsExactly(instanceId);
        assertThat(tenant.subnets().getSubnet(subnet.getSubnetId()).getAvailableIpAddressCount())
                .isEqualTo(freeBefore);

        assertThat(groups.replaceInstanceSecurityGroups(
                                instanceId, new InstanceSecurityGroupsUpdate().securityGroupIds(six.subList(1, 6)))
                        .getSecurityGroupIds())
                .containsExactlyInAnyOrderElementsOf(six.subList(1, 6));
        List<String> replaced = groups.getInstanceSecurityGroups(instanceId).getSecurityGroupIds();
        assertRefused(
                409,
                "SecurityGroupsPerInstanceLimitExceeded",
                () -> groups.replaceInstanceSecurityGroups(
                        instanceId, new InstanceSecurityGroupsUpdate().securityGroupIds(six)));
        assertRefused(
                400,
                "MissingParameter",
                () -> groups.replaceInstanceSecurityGroups(
                        instanceId, new InstanceSecurityGroupsUpdate().securityGroupIds(List.of())));
        assertRefused(
                404,
                "InvalidGroup.NotFound",
                () -> groups.replaceInstanceSecurityGroups(
                        instanceId, new InstanceSecurityGroupsUpdate().securityGroupIds(List.of(strangersGroup))));
        assertRefused(
                400,
                "InvalidParameterValue",
                () -> groups.replaceInstanceSecurityGroups(
                        instanceId, new InstanceSecurityGroupsUpdate().securityGroupIds(List.of(foreignVpcGroup))));
        assertThat(groups.getInstanceSecurityGroups(instanceId).getSecurityGroupIds())
                .isEqualTo(replaced);
    }

    @Test
    void aGroupInUseOrReferencedCannotBeDeletedUntilReleased() throws Exception {
        String db = group(vpcId, "db").getGroupId();
        String app = group(vpcId, "app").getGroupId();
        SecurityGroup appWithRule = groups.authorizeSecurityGroupRule(db, ingressFromGroup("tcp", 5432, 5432, app));
        Instance instance = tenant.instances().runInstance(launch(app));

        assertRefused(409, "DependencyViolation", () -> deleted(groups, app));
        groups.replaceInstanceSecurityGroups(
                instance.getInstanceId(), new InstanceSecurityGroupsUpdate().securityGroupIds(List.of(db)));
        assertRefused(409, "DependencyViolation", () -> deleted(groups, app));
        assertThat(groups.getSecurityGroup(app).getGroupName()).isEqualTo("app");

        groups.revokeSecurityGroupRule(db, appWithRule.getIngressRules().get(0).getSecurityGroupRuleId());
        groups.deleteSecurityGroup(app);
        assertRefused(404, "InvalidGroup.NotFound", () -> groups.getSecurityGroup(app));

        // A terminated instance no longer holds its group.
        assertRefused(409, "DependencyViolation", () -> deleted(groups, db));
        tenant.instances().terminateInstance(instance.getInstanceId());
        groups.deleteSecurityGroup(db);
        assertRefused(404, "InvalidGroup.NotFound", () -> groups.getSecurityGroup(db));
    }

    @Test
    void anotherTenantsGroupsDoNotExistForIt() throws Exception {
        String web = group(vpcId, "web").getGroupId();
        TenantClient stranger = newTenant();
        SecurityGroupsApi strangers = new SecurityGroupsApi(stranger.api());

        assertRefused(404, "InvalidGroup.NotFound", () -> strangers.getSecurityGroup(web));
        assertRefused(404, "InvalidGroup.NotFound", () -> deleted(strangers, web));
        assertRefused(
                404,
                "InvalidGroup.NotFound",
                () -> strangers.authorizeSecurityGroupRule(web, ingress("tcp", 22, 22, "0.0.0.0/0")));
        assertRefused(
                404,
                "InvalidVpcID.NotFound",
                () -> strangers.createSecurityGroup(
                        new SecurityGroupCreate().vpcId(vpcId).groupName("intruder")));
        assertThat(strangers.listSecurityGroups(null, null, null).getItems())
                .extracting(SecurityGroup::getGroupId)
                .doesNotContain(web);
        String strangersVpc = stranger.vpc("10.0.0.0/16").getVpcId();
        SecurityGroup strangersGroup = strangers.createSecurityGroup(
                new SecurityGroupCreate().vpcId(strangersVpc).groupName("web"));
        assertRefused(
                404,
                "InvalidGroup.NotFound",
                () -> strangers.authorizeSecurityGroupRule(
                        strangersGroup.getGroupId(), ingressFromGroup("tcp", 22, 22, web)));
        assertThat(groups.getSecurityGroup(web).getIngressRules()).isEmpty();
    }

    @Test
    void aVpcGoesWithItsDefaultGroupButNotWithOtherGroups() throws Exception {
        String empty = tenant.vpc("10.3.0.0/16").getVpcId();
        String defaultOfEmpty = defaultGroup(empty).getGroupId();
        String custom = group(empty, "custom").getGroupId();

        assertRefused(409, "DependencyViolation", () -> {
            tenant.vpcs().deleteVpc(empty);
            return null;
        });
        assertThat(groups.getSecurityGroup(defaultOfEmpty).getIsDefault()).isTrue();

        groups.deleteSecurityGroup(custom);
        tenant.vpcs().deleteVpc(empty);
        assertRefused(404, "InvalidGroup.NotFound", () -> groups.getSecurityGroup(defaultOfEmpty));
    }

    @Test
    void theHostsTableCarriesThePortsGroupsTheirRulesAndTheMembersTheyName() throws Exception {
        String defaultId = defaultGroup(vpcId).getGroupId();
        Instance first = tenant.instances().runInstance(launch());
        SouthboundApi southbound = new SouthboundApi(admin());
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            ForwardingTable table = southbound.getForwardingTable(host);
            assertThat(table.getPorts())
                    .singleElement()
                    .satisfies(port -> assertThat(port.getSecurityGroupIds()).containsExactly(defaultId));
            assertThat(table.getSecurityGroups())
                    .singleElement()
                    .satisfies(group -> assertThat(group.getIngress())
                            .singleElement()
                            .satisfies(rule -> assertThat(rule.getGroupId()).isEqualTo(defaultId)));
            assertThat(table.getGroupMembers())
                    .containsExactly(new GroupMember().groupId(defaultId).ipAddress(first.getPrivateIpAddress()));
        });

        String web = group(vpcId, "web").getGroupId();
        groups.authorizeSecurityGroupRule(web, ingress("tcp", 443, 443, "0.0.0.0/0"));
        groups.replaceInstanceSecurityGroups(
                first.getInstanceId(), new InstanceSecurityGroupsUpdate().securityGroupIds(List.of(web)));
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            ForwardingTable table = southbound.getForwardingTable(host);
            assertThat(table.getPorts())
                    .singleElement()
                    .satisfies(port -> assertThat(port.getSecurityGroupIds()).containsExactly(web));
            assertThat(table.getSecurityGroups())
                    .singleElement()
                    .satisfies(group -> assertThat(group.getIngress())
                            .extracting(rule -> rule.getFromPort())
                            .containsExactly(443));
            assertThat(table.getGroupMembers()).isEmpty();
        });
    }

    private static Object deleted(SecurityGroupsApi api, String groupId) throws Exception {
        api.deleteSecurityGroup(groupId);
        return groupId;
    }

    private String defaultGroupOf(TenantClient other) throws Exception {
        String otherVpc = other.vpc("10.0.0.0/16").getVpcId();
        return new SecurityGroupsApi(other.api())
                .listSecurityGroups(otherVpc, null, null).getItems().stream()
                        .filter(SecurityGroup::getIsDefault)
                        .findFirst()
                        .orElseThrow()
                        .getGroupId();
    }
}
