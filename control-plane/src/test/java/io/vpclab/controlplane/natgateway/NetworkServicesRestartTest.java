package io.vpclab.controlplane.natgateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.vpclab.client.ApiClient;
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
import io.vpclab.controlplane.TestServers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.context.ConfigurableApplicationContext;

/** An EIP, a NAT gateway with an egress whitelist and a subnet association, and a peering survive a restart. */
class NetworkServicesRestartTest {

    @Test
    void networkServicesAreStillThereAfterARestart(@TempDir Path dataDir) throws Exception {
        String token;
        Whitelist whitelist;
        NatGateway gateway;
        Eip eip;
        Peering peering;
        try (ConfigurableApplicationContext first = TestServers.start(dataDir)) {
            ApiClient admin = TestServers.client(
                    first, Files.readString(dataDir.resolve("admin-token")).trim());
            TenantsApi tenants = new TenantsApi(admin);
            String tenantId =
                    tenants.createTenant(new TenantCreate().name("keeper")).getTenantId();
            token = tenants.createTenantToken(tenantId, new TokenCreate()).getToken();
            String host = new HostsApi(admin)
                    .registerHost(new HostRegistration().name("h1").underlayIp("127.0.0.1"))
                    .getHost()
                    .getHostId();
            ApiClient api = TestServers.client(first, token);
            VpcsApi vpcs = new VpcsApi(api);
            SubnetsApi subnets = new SubnetsApi(api);
            String vpc =
                    vpcs.createVpc(new VpcCreate().cidrBlock("10.0.0.0/16")).getVpcId();
            String publicSubnet = subnets.createSubnet(
                            new SubnetCreate().vpcId(vpc).cidrBlock("10.0.0.0/24"))
                    .getSubnetId();
            String privateSubnet = subnets.createSubnet(
                            new SubnetCreate().vpcId(vpc).cidrBlock("10.0.1.0/24"))
                    .getSubnetId();
            whitelist = new WhitelistsApi(api)
                    .createWhitelist(new WhitelistCreate()
                            .name("out")
                            .rules(List.of(new WhitelistRuleCreate()
                                    .protocol(WhitelistProtocol.TCP)
                                    .cidrBlock("198.51.100.0/24")
                                    .fromPort(443)
                                    .toPort(443))));
            eip = new EipsApi(api).allocateEip(null);
            NatGatewaysApi gateways = new NatGatewaysApi(api);
            String nat = gateways.createNatGateway(new NatGatewayCreate()
                            .subnetId(publicSubnet)
                            .allocationId(eip.getAllocationId())
                            .hostId(host)
                            .egressPolicy(EgressPolicy.WHITELIST)
                            .whitelistId(whitelist.getWhitelistId()))
                    .getNatGatewayId();
            gateway = gateways.associateNatGatewaySubnet(nat, new NatGatewaySubnetAssociate().subnetId(privateSubnet));
            String peer =
                    vpcs.createVpc(new VpcCreate().cidrBlock("10.1.0.0/16")).getVpcId();
            peering = new PeeringsApi(api)
                    .createPeering(new PeeringCreate().requesterVpcId(vpc).accepterVpcId(peer));
            eip = new EipsApi(api).getEip(eip.getAllocationId());
        }
        try (ConfigurableApplicationContext second = TestServers.start(dataDir)) {
            ApiClient api = TestServers.client(second, token);
            assertThat(new WhitelistsApi(api).getWhitelist(whitelist.getWhitelistId()))
                    .isEqualTo(whitelist);
            assertThat(new EipsApi(api).getEip(eip.getAllocationId())).isEqualTo(eip);
            assertThat(new NatGatewaysApi(api).getNatGateway(gateway.getNatGatewayId()))
                    .isEqualTo(gateway);
            assertThat(new PeeringsApi(api).getPeering(peering.getVpcPeeringConnectionId()))
                    .isEqualTo(peering);
        }
    }
}
