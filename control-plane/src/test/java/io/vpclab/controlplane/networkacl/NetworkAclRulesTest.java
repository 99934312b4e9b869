package io.vpclab.controlplane.networkacl;

import static org.assertj.core.api.Assertions.assertThat;

import io.vpclab.client.api.NetworkAclsApi;
import io.vpclab.client.model.NetworkAcl;
import io.vpclab.client.model.NetworkAclAssociation;
import io.vpclab.client.model.NetworkAclCreate;
import io.vpclab.client.model.NetworkAclEntry;
import io.vpclab.client.model.NetworkAclEntryCreate;
import io.vpclab.client.model.SecurityGroupRuleDirection;
import io.vpclab.client.model.Subnet;
import io.vpclab.controlplane.ApiTestSupport;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class NetworkAclRulesTest extends ApiTestSupport {

    private TenantClient tenant;
    private NetworkAclsApi acls;
    private String vpcId;
    private Subnet subnet;

    @BeforeEach
    void network() throws Exception {
        tenant = newTenant();
        acls = new NetworkAclsApi(tenant.api());
        vpcId = tenant.vpc("10.0.0.0/16").getVpcId();
        subnet = tenant.subnet(vpcId, "10.0.1.0/24");
    }

    private static NetworkAclEntryCreate entry(
            int number, SecurityGroupRuleDirection direction, String protocol, String action, String cidr) {
        return new NetworkAclEntryCreate()
                .ruleNumber(number)
                .direction(direction)
                .protocol(protocol)
                .ruleAction(NetworkAclEntryCreate.RuleActionEnum.fromValue(action))
                .cidrBlock(cidr);
    }

    private static NetworkAclEntryCreate ingressTcp(int number, int from, int to) {
        return entry(number, SecurityGroupRuleDirection.INGRESS, "tcp", "allow", "0.0.0.0/0")
                .fromPort(from)
                .toPort(to);
    }

    private NetworkAcl defaultAcl() throws Exception {
        return acls.listNetworkAcls(vpcId, null, null).getItems().stream()
                .filter(NetworkAcl::getIsDefault)
                .findFirst()
                .orElseThrow();
    }

    private Object deleted(NetworkAclsApi api, String aclId) throws Exception {
        api.deleteNetworkAcl(aclId);
        return aclId;
    }

    private static List<String> shown(NetworkAcl acl) {
        return acl.getEntries().stream()
                .map(e -> e.getDirection().getValue() + " " + e.getRuleNumber() + " " + e.getProtocol() + " "
                        + e.getRuleAction().getValue() + " " + e.getCidrBlock())
                .toList();
    }

    @Test
    void theDefaultAclAllowsEverythingHoldsNewSubnetsAndCannotBeDeleted() throws Exception {
        NetworkAcl defaultAcl = defaultAcl();
        assertThat(defaultAcl.getNetworkAclId()).matches("acl-[0-9a-f]{17}");
        assertThat(shown(defaultAcl))
                .containsExactly(
                        "ingress 100 -1 allow 0.0.0.0/0",
                        "ingress 32767 -1 deny 0.0.0.0/0",
                        "egress 100 -1 allow 0.0.0.0/0",
                        "egress 32767 -1 deny 0.0.0.0/0");
        assertThat(defaultAcl.getSubnetIds()).containsExactly(subnet.getSubnetId());
        assertRefused(409, "CannotDelete", () -> deleted(acls, defaultAcl.getNetworkAclId()));
        assertThat(acls.getNetworkAcl(defaultAcl.getNetworkAclId())).isEqualTo(defaultAcl);
    }

    @Test
    void aCustomAclDeniesEverythingAndTakesNumberedEntries() throws Exception {
        NetworkAcl custom = acls.createNetworkAcl(new NetworkAclCreate().vpcId(vpcId));
        assertThat(custom.getIsDefault()).isFalse();
        assertThat(shown(custom)).containsExactly("ingress 32767 -1 deny 0.0.0.0/0", "egress 32767 -1 deny 0.0.0.0/0");
        String id = custom.getNetworkAclId();
        acls.createNetworkAclEntry(id, ingressTcp(200, 443, 443));
        acls.createNetworkAclEntry(
                id,
                entry(100, SecurityGroupRuleDirection.INGRESS, "tcp", "deny", "192.0.2.9/24")
                        .fromPort(443)
                        .toPort(443));
        // the same number in the other direction is another entry
        NetworkAcl stored = acls.createNetworkAclEntry(
                id,
                entry(100, SecurityGroupRuleDirection.EGRESS, "tcp", "allow", "0.0.0.0/0")
                        .fromPort(1024)
                        .toPort(65535));
        assertThat(shown(stored))
                .containsExactly(
                        "ingress 100 tcp deny 192.0.2.0/24",
                        "ingress 200 tcp allow 0.0.0.0/0",
                        "ingress 32767 -1 deny 0.0.0.0/0",
                        "egress 100 tcp allow 0.0.0.0/0",
                        "egress 32767 -1 deny 0.0.0.0/0");
        assertThat(stored.getEntries())
                .extracting(NetworkAclEntry::getFromPort)
                .containsExactly(443, 443, null, 1024, null);

        assertRefused(
                400, "NetworkAclEntryAlreadyExists", () -> acls.createNetworkAclEntry(id, ingressTcp(200, 80, 80)));
        for (int bad : List.of(0, 32767, -5, 40000)) {
            assertRefused(400, "InvalidParameterValue", () -> acls.createNetworkAclEntry(id, ingressTcp(bad, 80, 80)));
        }
        assertRefused(400, "InvalidParameterValue", () -> acls.createNetworkAclEntry(id, ingressTcp(300, 90, 80)));
        assertRefused(400, "InvalidParameterValue", () -> acls.createNetworkAclEntry(id, ingressTcp(300, 0, 70000)));
        assertRefused(
                400,
                "InvalidParameterValue",
                () -> acls.createNetworkAclEntry(
                        id, entry(300, SecurityGroupRuleDirection.INGRESS, "gre", "allow", "0.0.0.0/0")));
        assertRefused(
                400,
                "InvalidParameterValue",
                () -> acls.createNetworkAclEntry(
                        id, entry(300, SecurityGroupRuleDirection.INGRESS, "-1", "allow", "10.0.0.0")));
        assertRefused(
                400,
                "MissingParameter",
                () -> acls.createNetworkAclEntry(
                        id, entry(300, SecurityGroupRuleDirection.INGRESS, "-1", "allow", null)));
        assertRefused(404, "InvalidNetworkAclEntry.NotFound", () -> acls.deleteNetworkAclEntry(id, "egress", 200));
        assertRefused(400, "InvalidParameterValue", () -> acls.deleteNetworkAclEntry(id, "sideways", 100));
        assertThat(acls.getNetworkAcl(id)).isEqualTo(stored);

        NetworkAcl removed = acls.deleteNetworkAclEntry(id, "ingress", 100);
        assertThat(shown(removed))
                .doesNotContain("ingress 100 tcp deny 192.0.2.0/24")
                .hasSize(4);
    }

    @Test
    void twentyEntriesPerDirection() throws Exception {
        String id = acls.createNetworkAcl(new NetworkAclCreate().vpcId(vpcId)).getNetworkAclId();
        NetworkAcl full = null;
        for (int i = 1; i <= NetworkAclService.MAX_ENTRIES_PER_DIRECTION; i++) {
            full = acls.createNetworkAclEntry(id, ingressTcp(i * 10, i, i));
        }
        NetworkAcl atLimit = full;
        assertRefused(409, "NetworkAclEntryLimitExceeded", () -> acls.createNetworkAclEntry(id, ingressTcp(999, 9, 9)));
        assertThat(acls.getNetworkAcl(id)).isEqualTo(atLimit);
        assertThat(acls.createNetworkAclEntry(
                                id, entry(1, SecurityGroupRuleDirection.EGRESS, "-1", "allow", "0.0.0.0/0"))
                        .getEntries())
                .hasSize(23);
    }

    @Test
    void subnetsMoveBetweenAclsOfTheirVpcAndAnAclInUseStays() throws Exception {
        String defaultId = defaultAcl().getNetworkAclId();
        String custom =
                acls.createNetworkAcl(new NetworkAclCreate().vpcId(vpcId)).getNetworkAclId();
        String otherVpc = tenant.vpc("10.1.0.0/16").getVpcId();
        String elsewhere =
                acls.createNetworkAcl(new NetworkAclCreate().vpcId(otherVpc)).getNetworkAclId();
        TenantClient stranger = newTenant();
        NetworkAclsApi strangers = new NetworkAclsApi(stranger.api());

        assertThat(acls.replaceNetworkAclAssociation(
                        subnet.getSubnetId(), new NetworkAclAssociation().networkAclId(custom)))
                .isEqualTo(new NetworkAclAssociation().networkAclId(custom).subnetId(subnet.getSubnetId()));
        assertThat(acls.getNetworkAcl(custom).getSubnetIds()).containsExactly(subnet.getSubnetId());
        assertThat(acls.getNetworkAcl(defaultId).getSubnetIds()).isEmpty();

        assertRefused(409, "DependencyViolation", () -> deleted(acls, custom));
        assertRefused(
                400,
                "InvalidParameterValue",
                () -> acls.replaceNetworkAclAssociation(
                        subnet.getSubnetId(), new NetworkAclAssociation().networkAclId(elsewhere)));
        assertRefused(
                404,
                "InvalidNetworkAclID.NotFound",
                () -> acls.replaceNetworkAclAssociation(
                        subnet.getSubnetId(), new NetworkAclAssociation().networkAclId("acl-00000000000000000")));
        assertRefused(
                404,
                "InvalidSubnetID.NotFound",
                () -> strangers.replaceNetworkAclAssociation(
                        subnet.getSubnetId(), new NetworkAclAssociation().networkAclId(custom)));
        assertRefused(404, "InvalidNetworkAclID.NotFound", () -> strangers.getNetworkAcl(custom));
        assertRefused(404, "InvalidNetworkAclID.NotFound", () -> deleted(strangers, custom));
        assertRefused(
                404,
                "InvalidNetworkAclID.NotFound",
                () -> strangers.createNetworkAclEntry(custom, ingressTcp(5, 1, 1)));
        assertThat(strangers.listNetworkAcls(null, null, null).getItems())
                .extracting(NetworkAcl::getNetworkAclId)
                .doesNotContain(custom, defaultId);
        assertThat(acls.getNetworkAcl(custom).getSubnetIds()).containsExactly(subnet.getSubnetId());

        acls.replaceNetworkAclAssociation(subnet.getSubnetId(), new NetworkAclAssociation().networkAclId(defaultId));
        acls.deleteNetworkAcl(custom);
        assertRefused(404, "InvalidNetworkAclID.NotFound", () -> acls.getNetworkAcl(custom));
    }

    @Test
    void aVpcGoesWithItsDefaultAclButNotWithACustomOne() throws Exception {
        String empty = tenant.vpc("10.3.0.0/16").getVpcId();
        String defaultOfEmpty =
                acls.listNetworkAcls(empty, null, null).getItems().get(0).getNetworkAclId();
        String custom =
                acls.createNetworkAcl(new NetworkAclCreate().vpcId(empty)).getNetworkAclId();
        assertRefused(409, "DependencyViolation", () -> {
            tenant.vpcs().deleteVpc(empty);
            return null;
        });
        acls.deleteNetworkAcl(custom);
        tenant.vpcs().deleteVpc(empty);
        assertRefused(404, "InvalidNetworkAclID.NotFound", () -> acls.getNetworkAcl(defaultOfEmpty));

        // a deleted subnet leaves its ACL
        String defaultId = defaultAcl().getNetworkAclId();
        tenant.subnets().deleteSubnet(subnet.getSubnetId());
        assertThat(acls.getNetworkAcl(defaultId).getSubnetIds()).isEmpty();
    }
}
