package io.vpclab.controlplane.tenant;

import static org.assertj.core.api.Assertions.assertThat;

import io.vpclab.client.api.TenantsApi;
import io.vpclab.client.api.VpcsApi;
import io.vpclab.client.model.InstanceCreate;
import io.vpclab.client.model.SubnetCreate;
import io.vpclab.client.model.TenantCreate;
import io.vpclab.client.model.TokenCreate;
import io.vpclab.client.model.Vpc;
import io.vpclab.client.model.VpcCreate;
import io.vpclab.controlplane.ApiTestSupport;
import io.vpclab.controlplane.system.Tokens;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;

class TenancyTest extends ApiTestSupport {

    @Autowired
    JdbcTemplate jdbc;

    @Test
    void missingOrWrongTokensAre401() throws Exception {
        assertRefused(401, "AuthFailure", () -> new VpcsApi(client(null)).listVpcs(null, null, null));
        assertRefused(401, "AuthFailure", () -> new VpcsApi(client("nope")).listVpcs(null, null, null));
        var response = raw("GET", "/api/v1/vpcs", null, null);
        assertThat(response.headers().firstValue("WWW-Authenticate")).hasValue("Bearer");
    }

    @Test
    void anotherTenantsIdsAre404AndNothingChanges() throws Exception {
        TenantClient alice = newTenant();
        TenantClient bob = newTenant();
        String host = newHost().getHost().getHostId();
        Vpc vpc = alice.vpc("10.0.0.0/16");
        var subnet = alice.subnet(vpc.getVpcId(), "10.0.0.0/24");
        var instance = alice.instances()
                .runInstance(new InstanceCreate().subnetId(subnet.getSubnetId()).hostId(host));

        assertRefused(404, "InvalidVpcID.NotFound", () -> bob.vpcs().getVpc(vpc.getVpcId()));
        assertRefused(404, "InvalidVpcID.NotFound", () -> {
            bob.vpcs().deleteVpc(vpc.getVpcId());
            return null;
        });
        assertRefused(
                404,
                "InvalidVpcID.NotFound",
                () -> bob.subnets()
                        .createSubnet(new SubnetCreate().vpcId(vpc.getVpcId()).cidrBlock("10.0.1.0/24")));
        assertRefused(404, "InvalidSubnetID.NotFound", () -> bob.subnets().getSubnet(subnet.getSubnetId()));
        assertRefused(
                404,
                "InvalidSubnetID.NotFound",
                () -> bob.instances()
                        .runInstance(new InstanceCreate()
                                .subnetId(subnet.getSubnetId())
                                .hostId(host)));
        assertRefused(404, "InvalidInstanceID.NotFound", () -> bob.instances().getInstance(instance.getInstanceId()));
        assertRefused(404, "InvalidInstanceID.NotFound", () -> {
            bob.instances().terminateInstance(instance.getInstanceId());
            return null;
        });
        assertRefused(404, "InvalidTenant.NotFound", () -> new TenantsApi(bob.api()).getTenant(alice.tenantId()));
        assertRefused(
                404,
                "InvalidTenant.NotFound",
                () -> bob.vpcs()
                        .createVpc(new VpcCreate().cidrBlock("10.9.0.0/16").tenantId(alice.tenantId())));

        assertThat(bob.vpcs().listVpcs(null, null, null).getItems()).isEmpty();
        assertThat(bob.vpcs().listVpcs(alice.tenantId(), null, null).getItems()).isEmpty();
        assertThat(bob.subnets().listSubnets(vpc.getVpcId(), null, null).getItems())
                .isEmpty();
        assertThat(bob.instances().listInstances(null, null, null, null, null).getItems())
                .isEmpty();
        assertThat(alice.subnets().listSubnets(vpc.getVpcId(), null, null).getItems())
                .hasSize(1);
        assertThat(alice.instances().getInstance(instance.getInstanceId()).getHostId())
                .isEqualTo(host);
        assertThat(new TenantsApi(alice.api()).getTenant(alice.tenantId()).getTenantId())
                .isEqualTo(alice.tenantId());
    }

    @Test
    void tokensAreStoredHashedShownOnceAndRevocable() throws Exception {
        TenantsApi tenants = new TenantsApi(admin());
        String tenantId = tenants.createTenant(new TenantCreate().name("hashed-" + System.nanoTime()))
                .getTenantId();
        var issued = tenants.createTenantToken(tenantId, new TokenCreate().description("ci"));
        List<Map<String, Object>> rows =
                jdbc.queryForList("select token_hash, description from tenant_token where id = ?", issued.getTokenId());
        assertThat(rows).hasSize(1);
        assertThat(rows.get(0).get("token_hash"))
                .isEqualTo(Tokens.sha256(issued.getToken()))
                .isNotEqualTo(issued.getToken());
        assertThat(jdbc.queryForObject(
                        "select count(*) from tenant_token where token_hash = ?", Long.class, issued.getToken()))
                .isZero();
        assertThat(tenants.listTenantTokens(tenantId).getItems())
                .singleElement()
                .satisfies(t -> assertThat(t.getTokenId()).isEqualTo(issued.getTokenId()));

        VpcsApi asTenant = new VpcsApi(client(issued.getToken()));
        assertThat(asTenant.listVpcs(null, null, null).getItems()).isEmpty();
        tenants.revokeTenantToken(tenantId, issued.getTokenId());
        assertRefused(401, "AuthFailure", () -> asTenant.listVpcs(null, null, null));
    }

    @Test
    void onlyTheAdminManagesTenantsAndMustNameTheOwner() throws Exception {
        TenantClient tenant = newTenant();
        TenantsApi asTenant = new TenantsApi(tenant.api());
        assertRefused(403, "UnauthorizedOperation", () -> asTenant.createTenant(new TenantCreate().name("sneaky")));
        assertRefused(403, "UnauthorizedOperation", () -> asTenant.listTenants(null, null));
        assertRefused(
                403, "UnauthorizedOperation", () -> asTenant.createTenantToken(tenant.tenantId(), new TokenCreate()));
        assertRefused(
                400,
                "MissingParameter",
                () -> new VpcsApi(admin()).createVpc(new VpcCreate().cidrBlock("10.0.0.0/16")));
        assertRefused(
                404,
                "InvalidTenant.NotFound",
                () -> new VpcsApi(admin())
                        .createVpc(new VpcCreate().cidrBlock("10.0.0.0/16").tenantId("tenant-00000000000000000")));
        Vpc byAdmin = new VpcsApi(admin())
                .createVpc(new VpcCreate().cidrBlock("10.0.0.0/16").tenantId(tenant.tenantId()));
        assertThat(byAdmin.getTenantId()).isEqualTo(tenant.tenantId());
        assertThat(tenant.vpcs().getVpc(byAdmin.getVpcId()).getVpcId()).isEqualTo(byAdmin.getVpcId());
    }

    @Test
    void aTenantWithResourcesCannotBeDeleted() throws Exception {
        TenantClient tenant = newTenant();
        Vpc vpc = tenant.vpc("10.0.0.0/16");
        TenantsApi tenants = new TenantsApi(admin());
        assertRefused(409, "DependencyViolation", () -> {
            tenants.deleteTenant(tenant.tenantId(), null);
            return null;
        });
        assertRefused(
                409,
                "InvalidTenant.Duplicate",
                () -> tenants.createTenant(new TenantCreate()
                        .name(tenants.getTenant(tenant.tenantId()).getName())));
        assertThat(tenant.vpcs().getVpc(vpc.getVpcId()).getVpcId()).isEqualTo(vpc.getVpcId());

        tenant.vpcs().deleteVpc(vpc.getVpcId());
        tenants.deleteTenant(tenant.tenantId(), null);
        assertRefused(404, "InvalidTenant.NotFound", () -> tenants.getTenant(tenant.tenantId()));
        assertRefused(401, "AuthFailure", () -> tenant.vpcs().listVpcs(null, null, null));
    }
}
