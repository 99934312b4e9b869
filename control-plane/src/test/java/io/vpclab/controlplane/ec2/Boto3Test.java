package io.vpclab.controlplane.ec2;

import static org.assertj.core.api.Assertions.assertThat;

import io.vpclab.client.api.AccessKeysApi;
import io.vpclab.client.api.CustomerGatewaysApi;
import io.vpclab.client.api.NetworkAclsApi;
import io.vpclab.client.api.ResourceTagsApi;
import io.vpclab.client.api.RouteTablesApi;
import io.vpclab.client.api.SecurityGroupsApi;
import io.vpclab.client.api.VpnConnectionsApi;
import io.vpclab.client.api.VpnGatewaysApi;
import io.vpclab.client.model.IssuedAccessKey;
import io.vpclab.client.model.ResourceTag;
import io.vpclab.client.model.Vpc;
import io.vpclab.client.model.VpnConnectionRoute;
import io.vpclab.client.model.VpnGateway;
import io.vpclab.client.model.VpnGatewayAttach;
import io.vpclab.client.model.VpnGatewayAttachmentState;
import io.vpclab.controlplane.ApiTestSupport;
import io.vpclab.net.WireGuardKeys;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** boto3 (Debian's python3-boto3, installed by CI) runs a script against /ec2 with a tenant's key. */
class Boto3Test extends ApiTestSupport {

    private static final long TIMEOUT_SECONDS = 90;

    /** The REST-made VPC the script attaches its VPN gateway to, and the customer device's key. */
    private Map<String, String> vpnEnvironment = Map.of();

    @Test
    void boto3BuildsWhatTheRestApiSeesAndReadsRefusalsAsTheirCodes() throws Exception {
        Assumptions.assumeTrue(
                run(List.of("python3", "-c", "import boto3"), null, null).exitCode() == 0,
                "python3 with boto3 is not installed (Debian package python3-boto3); skipped");
        TenantClient tenant = newTenant();
        for (int i = 0; i < 6; i++) {
            tenant.vpc("10." + (30 + i) + ".0.0/16");
        }
        IssuedAccessKey key = new AccessKeysApi(admin()).createAccessKey(tenant.tenantId());
        Path script = Files.createTempFile("boto3_vpc", ".py");
        try (var in = getClass().getResourceAsStream("/ec2/boto3_vpc.py")) {
            Files.write(script, in.readAllBytes());
        }
        try {
            String hostId = newHost().getHost().getHostId();
            Vpc vpnVpc = tenant.vpc("10.70.0.0/16");
            String customerKey = WireGuardKeys.toBase64(WireGuardKeys.publicKey(WireGuardKeys.generatePrivateKey()));
            vpnEnvironment = Map.of("VPCLAB_VPN_VPC_ID", vpnVpc.getVpcId(), "VPCLAB_CGW_PUBLIC_KEY", customerKey);
            AwsCli.Result result = run(List.of("python3", script.toString()), key, hostId);
            assertThat(result.exitCode()).as(result.stderr()).isZero();
            JsonNode built = json(result.stdout());
            String vpcId = built.path("vpcId").asString();
            assertThat(tenant.vpcs().getVpc(vpcId).getCidrBlock()).isEqualTo("10.8.0.0/16");
            assertThat(tenant.subnets()
                            .getSubnet(built.path("subnetId").asString())
                            .getVpcId())
                    .isEqualTo(vpcId);
            assertThat(built.path("overlapCode").asString()).isEqualTo("InvalidSubnet.Conflict");
            assertThat(built.path("describedVpcs").get(0).asString()).isEqualTo(vpcId);
            assertThat(built.path("availableIpAddressCount").asInt()).isEqualTo(251);
            List<String> paginated = new ArrayList<>();
            built.path("paginatedVpcs").forEach(id -> paginated.add(id.asString()));
            assertThat(paginated).hasSize(8).doesNotHaveDuplicates().contains(vpcId);

            // security groups, the instance's image and type, an ACL, a route table and tags
            SecurityGroupsApi groups = new SecurityGroupsApi(tenant.api());
            String groupId = built.path("groupId").asString();
            assertThat(built.path("duplicateCode").asString()).isEqualTo("InvalidPermission.Duplicate");
            assertThat(built.path("missingGroupCode").asString()).isEqualTo("InvalidGroup.NotFound");
            assertThat(groups.getSecurityGroup(groupId).getIngressRules())
                    .singleElement()
                    .satisfies(rule -> assertThat(rule.getFromPort()).isEqualTo(5432));
            assertThat(built.path("groupIngress").get(0).path(0).asInt()).isEqualTo(5432);
            String instanceId = built.path("instanceId").asString();
            assertThat(built.path("imageId").asString()).isEqualTo("ami-0abcdef1234567890");
            assertThat(built.path("instanceType").asString()).isEqualTo("t3.micro");
            assertThat(groups.getInstanceSecurityGroups(instanceId).getSecurityGroupIds())
                    .containsExactly(groupId);
            assertThat(built.path("instanceGroups").get(0).asString()).isEqualTo(groupId);
            String subnetId = built.path("subnetId").asString();
            assertThat(new NetworkAclsApi(tenant.api())
                            .getNetworkAcl(built.path("aclId").asString())
                            .getSubnetIds())
                    .containsExactly(subnetId);
            String tableId = built.path("routeTableId").asString();
            assertThat(new RouteTablesApi(tenant.api()).getRouteTable(tableId).getSubnetIds())
                    .containsExactly(subnetId);
            assertThat(built.path("routeTablesOfSubnet").get(0).asString()).isEqualTo(tableId);
            assertThat(built.path("routeTargets").toString()).contains("local", instanceId);
            assertThat(built.path("taggedVpcs").get(0).asString()).isEqualTo(vpcId);
            assertThat(built.path("tagTypes").toString()).isEqualTo("[\"route-table\",\"security-group\",\"vpc\"]");

            // the VPN: boto3 made a gateway, attached it, routed two blocks, removed one and detached it
            JsonNode vpn = built.path("vpn");
            String vpnVpcId = vpnVpc.getVpcId();
            assertThat(vpn.path("deviceName").asString()).isEqualTo(customerKey);
            assertThat(vpn.path("createdVgw").toString()).isEqualTo("[\"available\",0]");
            assertThat(vpn.path("notAttachedCode").asString()).isEqualTo("InvalidVpnGatewayAttachment.NotFound");
            assertThat(vpn.path("attachment").asString()).isEqualTo(vpnVpcId + "/attached");
            assertThat(vpn.path("attachedTwiceCode").asString()).isEqualTo("VpnGatewayAttachmentLimitExceeded");
            assertThat(vpn.path("vpnRoutes").toString()).isEqualTo("[\"192.168.50.0/24\",\"192.168.60.0/24\"]");
            assertThat(vpn.path("vpnStaticOnly").asBoolean()).isTrue();
            assertThat(vpn.path("duplicateRouteCode").asString()).isEqualTo("RouteAlreadyExists");
            assertThat(vpn.path("missingRouteCode").asString()).isEqualTo("InvalidRoute.NotFound");
            String vgwId = vpn.path("vpnGatewayId").asString();
            assertThat(vpn.path("attachedVgws").toString()).isEqualTo("[\"" + vgwId + "\"]");
            assertThat(vpn.path("deleteAttachedCode").asString()).isEqualTo("IncorrectState");
            assertThat(vpn.path("cgwInUseCode").asString()).isEqualTo("IncorrectState");
            assertThat(vpn.path("namedCgws").toString())
                    .contains(vpn.path("customerGatewayId").asString());
            assertThat(vpn.path("detachedVgws").toString()).isEqualTo("[[\"" + vpnVpcId + "/detached\"]]");

            // the REST API shows the same states and drives the same model
            VpnGatewaysApi vgws = new VpnGatewaysApi(tenant.api());
            VpnConnectionsApi vpns = new VpnConnectionsApi(tenant.api());
            String connectionId = vpn.path("vpnConnectionId").asString();
            VpnGateway detached = vgws.getVpnGateway(vgwId);
            assertThat(detached.getAttachmentState()).isEqualTo(VpnGatewayAttachmentState.DETACHED);
            assertThat(detached.getVpcId()).isEqualTo(vpnVpcId);
            assertThat(vpns.getVpnConnection(connectionId).getVpcId()).isNull();
            assertRefused(409, "IncorrectState", () -> vpns.getVpnConnectionConfiguration(connectionId));
            assertThat(vpns.getVpnConnection(connectionId).getOnPremisesCidrBlocks())
                    .containsExactly("192.168.60.0/24");
            assertThat(vgws.attachVpnGateway(vgwId, new VpnGatewayAttach().vpcId(vpnVpcId))
                            .getAttachmentState())
                    .isEqualTo(VpnGatewayAttachmentState.ATTACHED);
            assertThat(vpns.getVpnConnection(connectionId).getVpcId()).isEqualTo(vpnVpcId);
            assertThat(vpns.createVpnConnectionRoute(
                                    connectionId, new VpnConnectionRoute().destinationCidrBlock("192.168.70.0/24"))
                            .getOnPremisesCidrBlocks())
                    .containsExactly("192.168.60.0/24", "192.168.70.0/24");
            assertRefused(
                    409,
                    "InvalidVpnConnection.Overlap",
                    () -> vpns.createVpnConnectionRoute(
                            connectionId, new VpnConnectionRoute().destinationCidrBlock("10.70.3.0/24")));
            assertRefused(409, "IncorrectState", () -> {
                vgws.deleteVpnGateway(vgwId);
                return null;
            });
            assertThat(vgws.getVpnGateway(vgwId).getAttachmentState()).isEqualTo(VpnGatewayAttachmentState.ATTACHED);
            vgws.detachVpnGateway(vgwId);
            assertRefused(404, "InvalidVpnGatewayAttachment.NotFound", () -> vgws.detachVpnGateway(vgwId));
            vpns.deleteVpnConnection(connectionId);
            vgws.deleteVpnGateway(vgwId);
            assertRefused(404, "InvalidVpnGatewayID.NotFound", () -> vgws.getVpnGateway(vgwId));
            // deleted through REST, both gateways take their tags with them
            String cgwId = vpn.path("customerGatewayId").asString();
            ResourceTagsApi tags = new ResourceTagsApi(tenant.api());
            assertThat(tags.listTags(null, null, "site", null, null, null).getItems())
                    .extracting(ResourceTag::getResourceId)
                    .containsExactly(cgwId);
            new CustomerGatewaysApi(tenant.api()).deleteCustomerGateway(cgwId);
            assertThat(tags.listTags(null, null, null, null, null, null).getItems())
                    .extracting(ResourceTag::getResourceId)
                    .doesNotContain(cgwId, vgwId);
        } finally {
            Files.deleteIfExists(script);
        }
    }

    private AwsCli.Result run(List<String> command, IssuedAccessKey key, String hostId) throws Exception {
        Map<String, String> env = new HashMap<>();
        if (key != null) {
            env.put("AWS_ACCESS_KEY_ID", key.getAccessKeyId());
            env.put("AWS_SECRET_ACCESS_KEY", key.getSecretAccessKey());
        }
        env.put("AWS_CONFIG_FILE", "/nonexistent/aws-config");
        env.put("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent/aws-credentials");
        env.put("AWS_EC2_METADATA_DISABLED", "true");
        env.put("VPCLAB_EC2_ENDPOINT", "http://127.0.0.1:" + port + "/ec2");
        if (hostId != null) {
            env.put("VPCLAB_HOST_ID", hostId);
        }
        env.putAll(vpnEnvironment);
        return SpawnedAwsCli.command(command, env, List.of(), TIMEOUT_SECONDS);
    }
}
