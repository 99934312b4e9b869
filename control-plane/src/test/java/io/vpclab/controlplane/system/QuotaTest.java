package io.vpclab.controlplane.system;

import static org.assertj.core.api.Assertions.assertThat;

import io.vpclab.client.api.HostsApi;
import io.vpclab.client.api.TenantsApi;
import io.vpclab.client.model.HostRegistration;
import io.vpclab.client.model.TenantCreate;
import io.vpclab.client.model.Vpc;
import io.vpclab.controlplane.ApiTestSupport;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.springframework.test.context.TestPropertySource;

/** Quotas are settings: small values here show each *LimitExceeded refusal and that nothing was stored. */
@TestPropertySource(
        properties = {
            "vpclab.quota.vpcs-per-tenant=2",
            "vpclab.quota.subnets-per-vpc=3",
            "vpclab.quota.tenants=4",
            "vpclab.quota.hosts=2"
        })
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class QuotaTest extends ApiTestSupport {

    @Test
    @Order(1)
    void vpcAndSubnetQuotas() throws Exception {
        TenantClient tenant = newTenant();
        Vpc vpc = tenant.vpc("10.0.0.0/16");
        tenant.vpc("10.1.0.0/16");
        assertRefused(409, "VpcLimitExceeded", () -> tenant.vpc("10.2.0.0/16"));
        assertThat(tenant.vpcs().listVpcs(null, null, null).getItems()).hasSize(2);

        for (int i = 0; i < 3; i++) {
            tenant.subnet(vpc.getVpcId(), "10.0." + i + ".0/24");
        }
        assertRefused(409, "SubnetLimitExceeded", () -> tenant.subnet(vpc.getVpcId(), "10.0.9.0/24"));
        assertThat(tenant.subnets().listSubnets(vpc.getVpcId(), null, null).getItems())
                .hasSize(3);
    }

    /** Runs last: it fills the tenant quota, after which no test here could create a tenant. */
    @Test
    @Order(2)
    void tenantAndHostQuotas() throws Exception {
        TenantsApi tenants = new TenantsApi(admin());
        long existing = tenants.listTenants(1000, null).getItems().size();
        for (long i = existing; i < 4; i++) {
            tenants.createTenant(new TenantCreate().name("quota-" + i));
        }
        assertRefused(409, "TenantLimitExceeded", () -> tenants.createTenant(new TenantCreate().name("one-too-many")));
        assertThat(tenants.listTenants(1000, null).getItems()).hasSize(4);

        HostsApi hosts = new HostsApi(admin());
        long hostCount = hosts.listHosts(1000, null).getItems().size();
        for (long i = hostCount; i < 2; i++) {
            hosts.registerHost(new HostRegistration().name("quota-host-" + i).underlayIp("127.0.0.1"));
        }
        assertRefused(
                409,
                "HostLimitExceeded",
                () -> hosts.registerHost(new HostRegistration().name("extra").underlayIp("127.0.0.1")));
        assertThat(hosts.listHosts(1000, null).getItems()).hasSize(2);
    }
}
