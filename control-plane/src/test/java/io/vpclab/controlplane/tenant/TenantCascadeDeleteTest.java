package io.vpclab.controlplane.tenant;

import static org.assertj.core.api.Assertions.assertThat;

import io.vpclab.client.api.CustomerGatewaysApi;
import io.vpclab.client.api.EipsApi;
import io.vpclab.client.api.InstancesApi;
import io.vpclab.client.api.NatGatewaysApi;
import io.vpclab.client.api.NetworkAclsApi;
import io.vpclab.client.api.PeeringsApi;
import io.vpclab.client.api.SecurityGroupsApi;
import io.vpclab.client.api.TenantsApi;
import io.vpclab.client.api.VpnConnectionsApi;
import io.vpclab.client.api.VpnGatewaysApi;
import io.vpclab.client.api.WhitelistsApi;
import io.vpclab.client.model.CustomerGatewayCreate;
import io.vpclab.client.model.EgressPolicy;
import io.vpclab.client.model.Eip;
import io.vpclab.client.model.EipAllocate;
import io.vpclab.client.model.EipAssociate;
import io.vpclab.client.model.EipUpdate;
import io.vpclab.client.model.IngressPolicy;
import io.vpclab.client.model.Instance;
import io.vpclab.client.model.InstanceCreate;
import io.vpclab.client.model.NatGatewayCreate;
import io.vpclab.client.model.NatGatewaySubnetAssociate;
import io.vpclab.client.model.NetworkAclAssociation;
import io.vpclab.client.model.NetworkAclCreate;
import io.vpclab.client.model.Peering;
import io.vpclab.client.model.PeeringCreate;
import io.vpclab.client.model.SecurityGroup;
import io.vpclab.client.model.SecurityGroupCreate;
import io.vpclab.client.model.SecurityGroupRuleCreate;
import io.vpclab.client.model.SecurityGroupRuleDirection;
import io.vpclab.client.model.Subnet;
import io.vpclab.client.model.Vpc;
import io.vpclab.client.model.VpnConnectionCreate;
import io.vpclab.client.model.VpnGatewayCreate;
import io.vpclab.client.model.WhitelistCreate;
import io.vpclab.controlplane.ApiTestSupport;
import io.vpclab.net.WireGuardKeys;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;

/** DELETE /tenants/{id}?cascade=true: everything the tenant holds goes, in one transaction, or nothing does. */
class TenantCascadeDeleteTest extends ApiTestSupport {

    /** Tables that hold a tenant_id column: counted per tenant before and after. */
    private static final List<String> TENANT_TABLES = List.of(
            "vpc",
            "subnet",
            "instance",
            "elastic_ip",
            "nat_gateway",
            "whitelist",
            "security_group",
            "network_acl",
            "customer_gateway",
            "vpn_gateway",
            "vpn_connection",
            "tenant_token");

    @Autowired
    JdbcTemplate jdbc;

    @Test
    void cascadeRemovesEverythingTheTenantHoldsAndNothingElse() throws Exception {
        TenantClient alice = newTenant();
        TenantClient bob = newTenant();
        Built built = buildEverything(alice, bob);
        Map<String, Integer> bobsBefore = counts(bob.tenantId());
        assertThat(counts(alice.tenantId()))
                .allSatisfy((table, count) -> assertThat(count).as(table).isPositive());

        TenantsApi tenants = new TenantsApi(admin());
        assertRefused(409, "DependencyViolation", () -> {
            tenants.deleteTenant(alice.tenantId(), false);
            return null;
        });
        tenants.deleteTenant(alice.tenantId(), true);

        assertRefused(404, "InvalidTenant.NotFound", () -> tenants.getTenant(alice.tenantId()));
        assertThat(counts(alice.tenantId()))
                .allSatisfy((table, count) -> assertThat(count).as(table).isZero());
        assertRefused(401, "AuthFailure", () -> alice.vpcs().listVpcs(null, null, null));
        // Bob keeps all he had; only the peering to alice's VPC went, with her VPC.
        Map<String, Integer> bobsAfter = counts(bob.tenantId());
        assertThat(bobsAfter.remove("peering")).isZero();
        bobsBefore.remove("peering");
        assertThat(bobsAfter).isEqualTo(bobsBefore);
        assertRefused(
                404,
                "InvalidVpcPeeringConnectionID.NotFound",
                () -> new PeeringsApi(bob.api())
                        .getPeering(built.crossTenantPeering().getVpcPeeringConnectionId()));
        assertThat(bob.vpcs().getVpc(built.bobsVpc().getVpcId()).getVpcId())
                .isEqualTo(built.bobsVpc().getVpcId());
        // Her elastic IPs were released, not left behind without an owner.
        assertThat(new EipsApi(admin()).listEips(null, null, null).getItems())
                .extracting(Eip::getTenantId)
                .doesNotContain(alice.tenantId());
        assertRefused(404, "InvalidTenant.NotFound", () -> {
            tenants.deleteTenant(alice.tenantId(), true);
            return null;
        });
    }

    @Test
    void aRefusalOnTheWayLeavesEverythingAsItWas() throws Exception {
        TenantClient alice = newTenant();
        TenantClient bob = newTenant();
        Built built = buildEverything(alice, bob);
        // Bob's group names alice's web group across the peering: deleting that group is refused, late in the cascade.
        SecurityGroupsApi bobsGroups = new SecurityGroupsApi(bob.api());
        SecurityGroup bobsGroup = bobsGroups.createSecurityGroup(
                new SecurityGroupCreate().vpcId(built.bobsVpc().getVpcId()).groupName("partner"));
        SecurityGroup referencing = bobsGroups.authorizeSecurityGroupRule(
                bobsGroup.getGroupId(), fromGroup(built.webGroup().getGroupId()));
        Map<String, Integer> alicesBefore = counts(alice.tenantId());
        Map<String, Integer> bobsBefore = counts(bob.tenantId());

        TenantsApi tenants = new TenantsApi(admin());
        assertRefused(409, "DependencyViolation", () -> {
            tenants.deleteTenant(alice.tenantId(), true);
            return null;
        });

        assertThat(counts(alice.tenantId())).isEqualTo(alicesBefore);
        assertThat(counts(bob.tenantId())).isEqualTo(bobsBefore);
        assertThat(new PeeringsApi(alice.api())
                        .getPeering(built.crossTenantPeering().getVpcPeeringConnectionId())
                        .getStatus())
                .isEqualTo(built.crossTenantPeering().getStatus());
        assertThat(alice.instances().getInstance(built.web().getInstanceId()).getPublicIp())
                .isEqualTo(built.webEip().getPublicIp());

        bobsGroups.revokeSecurityGroupRule(
                bobsGroup.getGroupId(), referencing.getIngressRules().get(0).getSecurityGroupRuleId());
        tenants.deleteTenant(alice.tenantId(), true);
        assertThat(counts(alice.tenantId()))
                .allSatisfy((table, count) -> assertThat(count).as(table).isZero());
    }

    private record Built(Vpc bobsVpc, Peering crossTenantPeering, SecurityGroup webGroup, Instance web, Eip webEip) {}

    /** One of every kind of resource alice can hold, wired to each other as a real lab would be. */
    private Built buildEverything(TenantClient alice, TenantClient bob) throws Exception {
        String host = newHost().getHost().getHostId();
        Vpc vpc = alice.vpc("10.0.0.0/16");
        Vpc second = alice.vpc("10.1.0.0/16");
        Subnet publicSubnet = alice.subnet(vpc.getVpcId(), "10.0.1.0/24");
        Subnet privateSubnet = alice.subnet(vpc.getVpcId(), "10.0.2.0/24");
        alice.subnet(second.getVpcId(), "10.1.1.0/24");

        SecurityGroupsApi groups = new SecurityGroupsApi(alice.api());
        SecurityGroup web = groups.createSecurityGroup(
                new SecurityGroupCreate().vpcId(vpc.getVpcId()).groupName("web"));
        SecurityGroup db = groups.createSecurityGroup(
                new SecurityGroupCreate().vpcId(vpc.getVpcId()).groupName("db"));
        // Groups that name each other: neither could be deleted first by a plain delete.
        groups.authorizeSecurityGroupRule(web.getGroupId(), fromGroup(db.getGroupId()));
        groups.authorizeSecurityGroupRule(db.getGroupId(), fromGroup(web.getGroupId()));

        InstancesApi instances = alice.instances();
        Instance webInstance = instances.runInstance(new InstanceCreate()
                .subnetId(publicSubnet.getSubnetId())
                .hostId(host)
                .name("web")
                .securityGroupIds(List.of(web.getGroupId())));
        instances.runInstance(new InstanceCreate()
                .subnetId(privateSubnet.getSubnetId())
                .hostId(host)
                .name("db")
                .securityGroupIds(List.of(db.getGroupId())));

        WhitelistsApi whitelists = new WhitelistsApi(alice.api());
        String egress =
                whitelists.createWhitelist(new WhitelistCreate().name("egress")).getWhitelistId();
        String ingress = whitelists
                .createWhitelist(new WhitelistCreate().name("ingress"))
                .getWhitelistId();
        EipsApi eips = new EipsApi(alice.api());
        Eip webEip = eips.allocateEip(new EipAllocate());
        eips.associateEip(webEip.getAllocationId(), new EipAssociate().instanceId(webInstance.getInstanceId()));
        eips.updateEip(
                webEip.getAllocationId(),
                new EipUpdate().ingressPolicy(IngressPolicy.WHITELIST).whitelistId(ingress));
        eips.allocateEip(new EipAllocate()); // held, not associated
        NatGatewaysApi nats = new NatGatewaysApi(alice.api());
        String nat = nats.createNatGateway(new NatGatewayCreate()
                        .subnetId(publicSubnet.getSubnetId())
                        .allocationId(eips.allocateEip(new EipAllocate()).getAllocationId())
                        .hostId(host)
                        .egressPolicy(EgressPolicy.WHITELIST)
                        .whitelistId(egress))
                .getNatGatewayId();
        nats.associateNatGatewaySubnet(nat, new NatGatewaySubnetAssociate().subnetId(privateSubnet.getSubnetId()));

        NetworkAclsApi acls = new NetworkAclsApi(alice.api());
        String acl = acls.createNetworkAcl(new NetworkAclCreate().vpcId(vpc.getVpcId()))
                .getNetworkAclId();
        acls.replaceNetworkAclAssociation(privateSubnet.getSubnetId(), new NetworkAclAssociation().networkAclId(acl));

        String customerGateway = new CustomerGatewaysApi(alice.api())
                .createCustomerGateway(new CustomerGatewayCreate()
                        .ipAddress("198.51.100.7")
                        .publicKey(WireGuardKeys.toBase64(WireGuardKeys.publicKey(WireGuardKeys.generatePrivateKey()))))
                .getCustomerGatewayId();
        String vpnGateway = new VpnGatewaysApi(alice.api())
                .createVpnGateway(new VpnGatewayCreate().vpcId(vpc.getVpcId()).hostId(host))
                .getVpnGatewayId();
        new VpnConnectionsApi(alice.api())
                .createVpnConnection(new VpnConnectionCreate()
                        .vpnGatewayId(vpnGateway)
                        .customerGatewayId(customerGateway)
                        .onPremisesCidrBlocks(List.of("192.168.0.0/24")));

        PeeringsApi peerings = new PeeringsApi(alice.api());
        peerings.createPeering(
                new PeeringCreate().requesterVpcId(vpc.getVpcId()).accepterVpcId(second.getVpcId()));
        Vpc bobsVpc = bob.vpc("10.2.0.0/16");
        bob.subnet(bobsVpc.getVpcId(), "10.2.1.0/24");
        Peering crossTenant = peerings.createPeering(
                new PeeringCreate().requesterVpcId(vpc.getVpcId()).accepterVpcId(bobsVpc.getVpcId()));
        crossTenant = new PeeringsApi(bob.api()).acceptPeering(crossTenant.getVpcPeeringConnectionId());
        return new Built(bobsVpc, crossTenant, web, webInstance, eips.getEip(webEip.getAllocationId()));
    }

    private static SecurityGroupRuleCreate fromGroup(String groupId) {
        return new SecurityGroupRuleCreate()
                .direction(SecurityGroupRuleDirection.INGRESS)
                .ipProtocol("tcp")
                .fromPort(5432)
                .toPort(5432)
                .referencedGroupId(groupId);
    }

    /** Rows per table that belong to the tenant, plus peerings where it is either side. */
    private Map<String, Integer> counts(String tenantId) {
        Map<String, Integer> counts = new TreeMap<>();
        for (String table : TENANT_TABLES) {
            counts.put(
                    table,
                    jdbc.queryForObject(
                            "select count(*) from " + table + " where tenant_id = ?", Integer.class, tenantId));
        }
        counts.put(
                "peering",
                jdbc.queryForObject(
                        "select count(*) from vpc_peering where requester_tenant_id = ? or accepter_tenant_id = ?",
                        Integer.class,
                        tenantId,
                        tenantId));
        return counts;
    }
}
