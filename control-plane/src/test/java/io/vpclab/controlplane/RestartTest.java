package io.vpclab.controlplane;

import static org.assertj.core.api.Assertions.assertThat;

import io.vpclab.client.ApiClient;
import io.vpclab.client.ApiException;
import io.vpclab.client.api.EipsApi;
import io.vpclab.client.api.HostsApi;
import io.vpclab.client.api.NatGatewaysApi;
import io.vpclab.client.api.PeeringsApi;
import io.vpclab.client.api.SubnetsApi;
import io.vpclab.client.api.TenantsApi;
import io.vpclab.client.api.VpcsApi;
import io.vpclab.client.api.WhitelistsApi;
import io.vpclab.client.model.EgressPolicy;
import io.vpclab.client.model.Eip;
import io.vpclab.client.model.HostRegistration;
import io.vpclab.client.model.NatGateway;
import io.vpclab.client.model.NatGatewayCreate;
import io.vpclab.client.model.NatGatewaySubnetAssociate;
import io.vpclab.client.model.Peering;
import io.vpclab.client.model.PeeringCreate;
import io.vpclab.client.model.SubnetCreate;
import io.vpclab.client.model.TenantCreate;
import io.vpclab.client.model.TokenCreate;
import io.vpclab.client.model.VpcCreate;
import io.vpclab.client.model.Whitelist;
import io.vpclab.client.model.WhitelistCreate;
import io.vpclab.client.model.WhitelistProtocol;
import io.vpclab.client.model.WhitelistRuleCreate;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The embedded store survives a restart: same data folder, same tenants, tokens, VPCs and
 * subnets, and the network services (an EIP, a NAT gateway with an egress whitelist and a subnet
 * association, a peering). Everything is written before one restart that all tests share: a
 * server start is the costly part, and one restart proves what two would.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RestartTest {

    @TempDir
    static Path dataDir;

    private String adminToken;
    private CoreWrites core;
    private ServiceWrites services;
    private ConfigurableApplicationContext second;

    @BeforeAll
    void writeEverythingThenRestart() throws Exception {
        try (ConfigurableApplicationContext first = TestServers.start(dataDir)) {
            adminToken = Files.readString(dataDir.resolve("admin-token")).trim();
            core = writeCore(first);
            services = writeServices(first);
        }
        second = TestServers.start(dataDir);
    }

    @AfterAll
    void stop() {
        if (second != null) {
            second.close();
        }
    }

    @Test
    void everythingIsStillThereAfterARestart() throws Exception {
        assertThat(Files.readString(dataDir.resolve("admin-token")).trim()).isEqualTo(adminToken);
        assertThat(new VpcsApi(TestServers.client(second, core.tenantToken()))
                        .getVpc(core.vpcId())
                        .getCidrBlock())
                .isEqualTo("10.3.0.0/16");
        assertThat(new SubnetsApi(TestServers.client(second, core.tenantToken()))
                        .getSubnet(core.subnetId())
                        .getCidrBlock())
                .isEqualTo("10.3.1.0/24");
        assertThat(new TenantsApi(TestServers.client(second, adminToken))
                        .listTenants(null, null)
                        .getItems())
                .extracting(t -> t.getName())
                .contains("survivor");
    }

    @Test
    void networkServicesAreStillThereAfterARestart() throws Exception {
        ApiClient api = TestServers.client(second, services.token());
        assertThat(new WhitelistsApi(api).getWhitelist(services.whitelist().getWhitelistId()))
                .isEqualTo(services.whitelist());
        assertThat(new EipsApi(api).getEip(services.eip().getAllocationId())).isEqualTo(services.eip());
        assertThat(new NatGatewaysApi(api).getNatGateway(services.gateway().getNatGatewayId()))
                .isEqualTo(services.gateway());
        assertThat(new PeeringsApi(api).getPeering(services.peering().getVpcPeeringConnectionId()))
                .isEqualTo(services.peering());
    }

    private record CoreWrites(String tenantToken, String vpcId, String subnetId) {}

    private CoreWrites writeCore(ConfigurableApplicationContext first) throws ApiException {
        TenantsApi tenants = new TenantsApi(TestServers.client(first, adminToken));
        String tenantId =
                tenants.createTenant(new TenantCreate().name("survivor")).getTenantId();
        String tenantToken =
                tenants.createTenantToken(tenantId, new TokenCreate()).getToken();
        String vpcId = new VpcsApi(TestServers.client(first, tenantToken))
                .createVpc(new VpcCreate().cidrBlock("10.3.0.0/16"))
                .getVpcId();
        String subnetId = new SubnetsApi(TestServers.client(first, tenantToken))
                .createSubnet(new SubnetCreate().vpcId(vpcId).cidrBlock("10.3.1.0/24"))
                .getSubnetId();
        return new CoreWrites(tenantToken, vpcId, subnetId);
    }

    private record ServiceWrites(String token, Whitelist whitelist, NatGateway gateway, Eip eip, Peering peering) {}

    private ServiceWrites writeServices(ConfigurableApplicationContext first) throws ApiException {
        ApiClient admin = TestServers.client(first, adminToken);
        TenantsApi tenants = new TenantsApi(admin);
        String tenantId =
                tenants.createTenant(new TenantCreate().name("keeper")).getTenantId();
        String token = tenants.createTenantToken(tenantId, new TokenCreate()).getToken();
        String host = new HostsApi(admin)
                .registerHost(new HostRegistration().name("h1").underlayIp("127.0.0.1"))
                .getHost()
                .getHostId();
        ApiClient api = TestServers.client(first, token);
        VpcsApi vpcs = new VpcsApi(api);
        SubnetsApi subnets = new SubnetsApi(api);
        String vpc = vpcs.createVpc(new VpcCreate().cidrBlock("10.0.0.0/16")).getVpcId();
        String publicSubnet = subnets.createSubnet(new SubnetCreate().vpcId(vpc).cidrBlock("10.0.0.0/24"))
                .getSubnetId();
        String privateSubnet = subnets.createSubnet(
                        new SubnetCreate().vpcId(vpc).cidrBlock("10.0.1.0/24"))
                .getSubnetId();
        Whitelist whitelist = new WhitelistsApi(api)
                .createWhitelist(new WhitelistCreate()
                        .name("out")
                        .rules(List.of(new WhitelistRuleCreate()
                                .protocol(WhitelistProtocol.TCP)
                                .cidrBlock("198.51.100.0/24")
                                .fromPort(443)
                                .toPort(443))));
        Eip eip = new EipsApi(api).allocateEip(null);
        NatGatewaysApi gateways = new NatGatewaysApi(api);
        String nat = gateways.createNatGateway(new NatGatewayCreate()
                        .subnetId(publicSubnet)
                        .allocationId(eip.getAllocationId())
                        .hostId(host)
                        .egressPolicy(EgressPolicy.WHITELIST)
                        .whitelistId(whitelist.getWhitelistId()))
                .getNatGatewayId();
        NatGateway gateway =
                gateways.associateNatGatewaySubnet(nat, new NatGatewaySubnetAssociate().subnetId(privateSubnet));
        String peer = vpcs.createVpc(new VpcCreate().cidrBlock("10.1.0.0/16")).getVpcId();
        Peering peering = new PeeringsApi(api)
                .createPeering(new PeeringCreate().requesterVpcId(vpc).accepterVpcId(peer));
        return new ServiceWrites(token, whitelist, gateway, new EipsApi(api).getEip(eip.getAllocationId()), peering);
    }
}
