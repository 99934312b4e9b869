package io.vpclab.controlplane;

import static org.assertj.core.api.Assertions.assertThat;

import io.vpclab.client.api.SubnetsApi;
import io.vpclab.client.api.TenantsApi;
import io.vpclab.client.api.VpcsApi;
import io.vpclab.client.model.SubnetCreate;
import io.vpclab.client.model.TenantCreate;
import io.vpclab.client.model.TokenCreate;
import io.vpclab.client.model.VpcCreate;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.context.ConfigurableApplicationContext;

/** The embedded store survives a restart: same data folder, same tenants, tokens, VPCs and subnets. */
class RestartTest {

    @Test
    void everythingIsStillThereAfterARestart(@TempDir Path dataDir) throws Exception {
        String adminToken;
        String tenantToken;
        String vpcId;
        String subnetId;
        try (ConfigurableApplicationContext first = TestServers.start(dataDir)) {
            adminToken = Files.readString(dataDir.resolve("admin-token")).trim();
            TenantsApi tenants = new TenantsApi(TestServers.client(first, adminToken));
            String tenantId =
                    tenants.createTenant(new TenantCreate().name("survivor")).getTenantId();
            tenantToken = tenants.createTenantToken(tenantId, new TokenCreate()).getToken();
            vpcId = new VpcsApi(TestServers.client(first, tenantToken))
                    .createVpc(new VpcCreate().cidrBlock("10.3.0.0/16"))
                    .getVpcId();
            subnetId = new SubnetsApi(TestServers.client(first, tenantToken))
                    .createSubnet(new SubnetCreate().vpcId(vpcId).cidrBlock("10.3.1.0/24"))
                    .getSubnetId();
        }
        try (ConfigurableApplicationContext second = TestServers.start(dataDir)) {
            assertThat(Files.readString(dataDir.resolve("admin-token")).trim()).isEqualTo(adminToken);
            assertThat(new VpcsApi(TestServers.client(second, tenantToken))
                            .getVpc(vpcId)
                            .getCidrBlock())
                    .isEqualTo("10.3.0.0/16");
            assertThat(new SubnetsApi(TestServers.client(second, tenantToken))
                            .getSubnet(subnetId)
                            .getCidrBlock())
                    .isEqualTo("10.3.1.0/24");
            assertThat(new TenantsApi(TestServers.client(second, adminToken))
                            .listTenants(null, null)
                            .getItems())
                    .extracting(t -> t.getName())
                    .contains("survivor");
        }
    }
}
