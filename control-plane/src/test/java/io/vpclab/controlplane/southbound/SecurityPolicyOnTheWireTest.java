package io.vpclab.controlplane.southbound;

import static io.vpclab.controlplane.southbound.OnTheWireFixture.CONVERGENCE;
import static io.vpclab.controlplane.southbound.OnTheWireFixture.tcp;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vpclab.agent.FollowAgent;
import io.vpclab.client.ApiException;
import io.vpclab.client.api.HostStatsApi;
import io.vpclab.client.api.NetworkAclsApi;
import io.vpclab.client.api.SecurityGroupsApi;
import io.vpclab.client.model.Instance;
import io.vpclab.client.model.InstanceSecurityGroupsUpdate;
import io.vpclab.client.model.NetworkAclAssociation;
import io.vpclab.client.model.NetworkAclCreate;
import io.vpclab.client.model.NetworkAclEntryCreate;
import io.vpclab.client.model.RuleHitStats;
import io.vpclab.client.model.SecurityGroup;
import io.vpclab.client.model.SecurityGroupCreate;
import io.vpclab.client.model.SecurityGroupRuleCreate;
import io.vpclab.client.model.SecurityGroupRuleDirection;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Security groups and network ACLs on the wire, set up over the REST API: instances "app" and
 * "other" (10.30.1.0/24, agent sg-1, the VPC's default group) and "db" (10.30.2.0/24, agent sg-2).
 * Simulated hosts ping with one echo id each, so a host's repeated pings are one tracked flow.
 */
class SecurityPolicyOnTheWireTest {

    private OnTheWireFixture wire;
    private FollowAgent a1;
    private FollowAgent a2;
    private String vpcId;
    private String dbSubnet;
    private Instance app;
    private Instance other;
    private Instance db;

    @AfterEach
    void stop() {
        if (wire != null) {
            wire.close();
        }
    }

    private void network() throws Exception {
        wire = OnTheWireFixture.server();
        List<FollowAgent> agents = wire.agents("sg", 2);
        a1 = agents.get(0);
        a2 = agents.get(1);
        String tenantId = wire.tenant("sg");
        vpcId = wire.vpc(tenantId, "10.30.0.0/16");
        String appSubnet = wire.subnet(vpcId, "10.30.1.0/24");
        dbSubnet = wire.subnet(vpcId, "10.30.2.0/24");
        app = wire.instance(appSubnet, a1, "10.30.1.5");
        other = wire.instance(appSubnet, a1, "10.30.1.6");
        db = wire.instance(dbSubnet, a2, "10.30.2.5");
    }

    @Test
    void aGroupAdmitsItsPortRefusesAnotherAndKeepsATrackedFlowWhenItsRuleIsRevoked() throws Exception {
        network();
        SecurityGroupsApi groups = new SecurityGroupsApi(wire.admin());
        String defaultGroup = groups.getInstanceSecurityGroups(app.getInstanceId())
                .getSecurityGroupIds()
                .get(0);
        String dbGroup = groups.createSecurityGroup(
                        new SecurityGroupCreate().vpcId(vpcId).groupName("db"))
                .getGroupId();
        groups.authorizeSecurityGroupRule(
                dbGroup,
                new SecurityGroupRuleCreate()
                        .direction(SecurityGroupRuleDirection.INGRESS)
                        .ipProtocol("tcp")
                        .fromPort(5432)
                        .toPort(5432)
                        .referencedGroupId(defaultGroup));
        SecurityGroup withPing = groups.authorizeSecurityGroupRule(
                dbGroup,
                new SecurityGroupRuleCreate()
                        .direction(SecurityGroupRuleDirection.INGRESS)
                        .ipProtocol("icmp")
                        .fromPort(8)
                        .toPort(-1)
                        .cidrIp("10.30.1.0/24"));
        String pingRule = withPing.getIngressRules().stream()
                .filter(rule -> rule.getIpProtocol().equals("icmp"))
                .findFirst()
                .orElseThrow()
                .getSecurityGroupRuleId();
        String pgRule = withPing.getIngressRules().stream()
                .filter(rule -> rule.getIpProtocol().equals("tcp"))
                .findFirst()
                .orElseThrow()
                .getSecurityGroupRuleId();
        groups.replaceInstanceSecurityGroups(
                db.getInstanceId(), new InstanceSecurityGroupsUpdate().securityGroupIds(List.of(dbGroup)));
        wire.awaitConverged();

        await().atMost(CONVERGENCE).until(() -> "closed".equals(tcp(a1, app.getInstanceId(), "10.30.2.5", 5432)));
        assertThat(tcp(a1, app.getInstanceId(), "10.30.2.5", 22))
                .as("no rule of db's group admits 22")
                .isEqualTo("filtered");
        assertThat(ControlPlaneLab.ping(a1, app.getInstanceId(), "10.30.2.5").getReceived())
                .isEqualTo(2);

        long before = a2.appliedGeneration();
        groups.revokeSecurityGroupRule(dbGroup, pingRule);
        wire.awaitNewGeneration(a2, before);

        assertThat(ControlPlaneLab.ping(a1, app.getInstanceId(), "10.30.2.5").getReceived())
                .as("app's pings are a tracked flow: revoking the rule keeps it")
                .isEqualTo(2);
        assertThat(ControlPlaneLab.ping(a1, other.getInstanceId(), "10.30.2.5").getReceived())
                .as("other's pings are a new flow, which no rule admits any more")
                .isZero();

        HostStatsApi stats = new HostStatsApi(wire.admin());
        await().atMost(CONVERGENCE).ignoreException(ApiException.class).untilAsserted(() -> {
            var report = stats.getHostStats(a2.hostId()).getReport();
            assertThat(report.getHost().getDropsByReason())
                    .as("counted where the group is enforced: db's host")
                    .containsKey("SECURITY_GROUP_DENIED");
            assertThat(report.getSecurityGroupRules())
                    .as("new flows the postgres rule admitted (a probe the first reply of which is lost retries)")
                    .anySatisfy(hit -> {
                        assertThat(hit.getId()).isEqualTo(dbGroup + "/" + pgRule);
                        assertThat(hit.getHits()).isPositive();
                    });
        });
    }

    @Test
    void anAclEntryRemovedCutsALiveFlowAtOnce() throws Exception {
        network();
        NetworkAclsApi acls = new NetworkAclsApi(wire.admin());
        String aclId =
                acls.createNetworkAcl(new NetworkAclCreate().vpcId(vpcId)).getNetworkAclId();
        for (SecurityGroupRuleDirection direction : SecurityGroupRuleDirection.values()) {
            acls.createNetworkAclEntry(
                    aclId,
                    new NetworkAclEntryCreate()
                            .ruleNumber(100)
                            .direction(direction)
                            .protocol("-1")
                            .ruleAction(NetworkAclEntryCreate.RuleActionEnum.ALLOW)
                            .cidrBlock("0.0.0.0/0"));
        }
        acls.replaceNetworkAclAssociation(dbSubnet, new NetworkAclAssociation().networkAclId(aclId));
        wire.awaitConverged();
        await().atMost(CONVERGENCE)
                .until(() -> ControlPlaneLab.ping(a1, app.getInstanceId(), "10.30.2.5")
                                .getReceived()
                        == 2);

        long before = a2.appliedGeneration();
        acls.deleteNetworkAclEntry(aclId, "ingress", 100);
        wire.awaitNewGeneration(a2, before);

        assertThat(ControlPlaneLab.ping(a1, app.getInstanceId(), "10.30.2.5").getReceived())
                .as("stateless: the live flow's next packet meets the final deny")
                .isZero();
        HostStatsApi stats = new HostStatsApi(wire.admin());
        await().atMost(CONVERGENCE).ignoreException(ApiException.class).untilAsserted(() -> {
            var report = stats.getHostStats(a2.hostId()).getReport();
            assertThat(report.getHost().getDropsByReason()).containsEntry("NETWORK_ACL_DENIED", 2L);
            assertThat(report.getNetworkAclEntries())
                    .extracting(RuleHitStats::getId, RuleHitStats::getHits)
                    .contains(org.assertj.core.groups.Tuple.tuple(aclId + "/*", 2L));
        });
    }
}
