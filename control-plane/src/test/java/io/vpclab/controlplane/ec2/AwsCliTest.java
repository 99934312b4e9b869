package io.vpclab.controlplane.ec2;

import static org.assertj.core.api.Assertions.assertThat;

import io.vpclab.client.api.AccessKeysApi;
import io.vpclab.client.api.EipsApi;
import io.vpclab.client.api.NatGatewaysApi;
import io.vpclab.client.api.PeeringsApi;
import io.vpclab.client.model.IssuedAccessKey;
import io.vpclab.controlplane.ApiTestSupport;
import io.vpclab.controlplane.ec2.AwsCli.Result;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * The real AWS CLI (Debian's awscli, installed by CI) against the /ec2 endpoint with a tenant's
 * access key: what it builds is what the REST API shows, and a refusal reaches it as EC2's code.
 */
class AwsCliTest extends ApiTestSupport {

    private TenantClient tenant;
    private IssuedAccessKey key;
    private AwsCli cli;

    @BeforeEach
    void awsCliAndAKey() throws Exception {
        Assumptions.assumeTrue(AwsCli.installed(), "the aws CLI is not on the PATH (Debian package awscli); skipped");
        tenant = newTenant();
        key = new AccessKeysApi(admin()).createAccessKey(tenant.tenantId());
        cli = new AwsCli("http://127.0.0.1:" + port + "/ec2", key.getAccessKeyId(), key.getSecretAccessKey());
    }

    @Test
    void theAwsCliBuildsAVpcAndASubnetTheRestApiSeesAndReadsRefusalsAsTheirCodes() throws Exception {
        JsonNode vpc = json(aws("ec2", "create-vpc", "--cidr-block", "10.1.0.0/16")
                        .stdout())
                .path("Vpc");
        String vpcId = vpc.path("VpcId").asString();
        assertThat(vpcId).startsWith("vpc-");
        assertThat(tenant.vpcs().getVpc(vpcId).getCidrBlock()).isEqualTo("10.1.0.0/16");

        String subnetId = json(aws("ec2", "create-subnet", "--vpc-id", vpcId, "--cidr-block", "10.1.1.0/24")
                        .stdout())
                .path("Subnet")
                .path("SubnetId")
                .asString();
        assertThat(tenant.subnets().getSubnet(subnetId).getCidrBlock()).isEqualTo("10.1.1.0/24");

        Result overlap = awsRefused("ec2", "create-subnet", "--vpc-id", vpcId, "--cidr-block", "10.1.1.0/25");
        assertThat(overlap.stderr()).contains("(InvalidSubnet.Conflict)").contains("CreateSubnet");
        assertThat(tenant.subnets().listSubnets(vpcId, null, null).getItems()).hasSize(1);

        JsonNode described = json(aws("ec2", "describe-vpcs", "--filters", "Name=cidr,Values=10.1.0.0/16")
                .stdout());
        assertThat(described.path("Vpcs").size()).isEqualTo(1);
        assertThat(described.path("Vpcs").get(0).path("VpcId").asString()).isEqualTo(vpcId);
        JsonNode subnets = json(aws("ec2", "describe-subnets", "--filters", "Name=vpc-id,Values=" + vpcId)
                .stdout());
        assertThat(subnets.path("Subnets")
                        .get(0)
                        .path("AvailableIpAddressCount")
                        .asInt())
                .isEqualTo(251);
        assertThat(subnets.path("Subnets").get(0).path("MapPublicIpOnLaunch").asBoolean(true))
                .isFalse();

        assertThat(awsRefused("ec2", "delete-vpc", "--vpc-id", vpcId).stderr()).contains("(DependencyViolation)");

        String host = newHost().getHost().getHostId();
        JsonNode launched = json(aws(
                                "ec2",
                                "run-instances",
                                "--image-id",
                                "ami-12345678",
                                "--instance-type",
                                "t3.micro",
                                "--subnet-id",
                                subnetId,
                                "--placement",
                                "HostId=" + host,
                                "--count",
                                "2")
                        .stdout())
                .path("Instances");
        assertThat(launched.size()).isEqualTo(2);
        String instanceId = launched.get(0).path("InstanceId").asString();
        assertThat(tenant.instances().getInstance(instanceId).getSubnetId()).isEqualTo(subnetId);
        JsonNode reservations = json(aws("ec2", "describe-instances", "--instance-ids", instanceId)
                        .stdout())
                .path("Reservations");
        assertThat(reservations
                        .get(0)
                        .path("Instances")
                        .get(0)
                        .path("PrivateIpAddress")
                        .asString())
                .isEqualTo(tenant.instances().getInstance(instanceId).getPrivateIpAddress());
        aws(
                "ec2",
                "terminate-instances",
                "--instance-ids",
                instanceId,
                launched.get(1).path("InstanceId").asString());
        assertThat(tenant.instances()
                        .listInstances(null, subnetId, null, null, null)
                        .getItems())
                .isEmpty();

        aws("ec2", "delete-subnet", "--subnet-id", subnetId);
        aws("ec2", "delete-vpc", "--vpc-id", vpcId);
        assertThat(tenant.vpcs().listVpcs(null, null, null).getItems()).isEmpty();
    }

    @Test
    void theAwsCliAddsCidrBlocksAllocatesElasticIpsBuildsANatGatewayAndPeersTwoVpcs() throws Exception {
        String vpcA = json(aws("ec2", "create-vpc", "--cidr-block", "10.31.0.0/16")
                        .stdout())
                .path("Vpc")
                .path("VpcId")
                .asString();
        JsonNode association = json(aws(
                                "ec2", "associate-vpc-cidr-block", "--vpc-id", vpcA, "--cidr-block", "10.32.0.0/16")
                        .stdout())
                .path("CidrBlockAssociation");
        assertThat(association.path("CidrBlock").asString()).isEqualTo("10.32.0.0/16");
        assertThat(tenant.vpcs().getVpc(vpcA).getCidrBlockAssociationSet()).hasSize(2);
        aws(
                "ec2",
                "disassociate-vpc-cidr-block",
                "--association-id",
                association.path("AssociationId").asString());
        assertThat(tenant.vpcs().getVpc(vpcA).getCidrBlockAssociationSet()).hasSize(1);

        String subnet = json(aws("ec2", "create-subnet", "--vpc-id", vpcA, "--cidr-block", "10.31.1.0/24")
                        .stdout())
                .path("Subnet")
                .path("SubnetId")
                .asString();
        String host = newHost().getHost().getHostId();
        String instance = json(aws(
                                "ec2",
                                "run-instances",
                                "--image-id",
                                "ami-12345678",
                                "--subnet-id",
                                subnet,
                                "--placement",
                                "HostId=" + host,
                                "--count",
                                "1")
                        .stdout())
                .path("Instances")
                .get(0)
                .path("InstanceId")
                .asString();

        // an elastic IP: allocate, associate, find by filter, disassociate, release
        JsonNode address =
                json(aws("ec2", "allocate-address", "--domain", "vpc").stdout());
        String allocation = address.path("AllocationId").asString();
        assertThat(allocation).startsWith("eipalloc-");
        EipsApi eips = new EipsApi(tenant.api());
        assertThat(eips.getEip(allocation).getPublicIp())
                .isEqualTo(address.path("PublicIp").asString());
        String associationId = json(aws(
                                "ec2", "associate-address", "--allocation-id", allocation, "--instance-id", instance)
                        .stdout())
                .path("AssociationId")
                .asString();
        assertThat(eips.getEip(allocation).getInstanceId()).isEqualTo(instance);
        JsonNode byInstance = json(aws("ec2", "describe-addresses", "--filters", "Name=instance-id,Values=" + instance)
                .stdout());
        assertThat(byInstance.path("Addresses").get(0).path("AssociationId").asString())
                .isEqualTo(associationId);
        assertThat(awsRefused("ec2", "release-address", "--allocation-id", allocation)
                        .stderr())
                .contains("ReleaseAddress");
        aws("ec2", "disassociate-address", "--association-id", associationId);
        assertThat(eips.getEip(allocation).getInstanceId()).isNull();
        aws("ec2", "release-address", "--allocation-id", allocation);
        assertThat(json(aws("ec2", "describe-addresses").stdout())
                        .path("Addresses")
                        .size())
                .isZero();

        // a NAT gateway on a second address
        String natAllocation = json(aws("ec2", "allocate-address").stdout())
                .path("AllocationId")
                .asString();
        JsonNode nat = json(aws("ec2", "create-nat-gateway", "--subnet-id", subnet, "--allocation-id", natAllocation)
                        .stdout())
                .path("NatGateway");
        String natId = nat.path("NatGatewayId").asString();
        assertThat(natId).startsWith("nat-");
        assertThat(nat.path("NatGatewayAddresses").get(0).path("AllocationId").asString())
                .isEqualTo(natAllocation);
        assertThat(new NatGatewaysApi(tenant.api()).getNatGateway(natId).getPublicIp())
                .isEqualTo(
                        nat.path("NatGatewayAddresses").get(0).path("PublicIp").asString());
        assertThat(json(aws("ec2", "describe-nat-gateways", "--filter", "Name=vpc-id,Values=" + vpcA)
                                .stdout())
                        .path("NatGateways")
                        .size())
                .isEqualTo(1);

        // a peering with a second VPC, listed by status
        String vpcB = json(aws("ec2", "create-vpc", "--cidr-block", "10.40.0.0/16")
                        .stdout())
                .path("Vpc")
                .path("VpcId")
                .asString();
        JsonNode peering = json(aws("ec2", "create-vpc-peering-connection", "--vpc-id", vpcA, "--peer-vpc-id", vpcB)
                        .stdout())
                .path("VpcPeeringConnection");
        String peeringId = peering.path("VpcPeeringConnectionId").asString();
        // both VPCs are the tenant's own: the peering is active at once, and accepting it again is refused
        assertThat(peering.path("Status").path("Code").asString()).isEqualTo("active");
        assertThat(awsRefused("ec2", "accept-vpc-peering-connection", "--vpc-peering-connection-id", peeringId)
                        .stderr())
                .contains("AcceptVpcPeeringConnection");
        assertThat(new PeeringsApi(tenant.api())
                        .getPeering(peeringId)
                        .getStatus()
                        .getValue())
                .isEqualTo("active");
        JsonNode active =
                json(aws("ec2", "describe-vpc-peering-connections", "--filters", "Name=status-code,Values=active")
                        .stdout());
        assertThat(active.path("VpcPeeringConnections")
                        .get(0)
                        .path("AccepterVpcInfo")
                        .path("CidrBlock")
                        .asString())
                .isEqualTo("10.40.0.0/16");
        assertThat(awsRefused("ec2", "create-vpc-peering-connection", "--vpc-id", vpcA, "--peer-vpc-id", "vpc-00000000")
                        .stderr())
                .contains("NotFound");

        // tear down in dependency order
        aws("ec2", "delete-vpc-peering-connection", "--vpc-peering-connection-id", peeringId);
        aws("ec2", "delete-nat-gateway", "--nat-gateway-id", natId);
        aws("ec2", "release-address", "--allocation-id", natAllocation);
        aws("ec2", "terminate-instances", "--instance-ids", instance);
        aws("ec2", "delete-subnet", "--subnet-id", subnet);
        aws("ec2", "delete-vpc", "--vpc-id", vpcA);
        aws("ec2", "delete-vpc", "--vpc-id", vpcB);
        assertThat(tenant.vpcs().listVpcs(null, null, null).getItems()).isEmpty();
        assertThat(eips.listEips(null, null, null).getItems()).isEmpty();
    }

    @Test
    void aWrongSecretIsRefusedAsSignatureDoesNotMatch() throws Exception {
        Result refused = run(
                Map.of("AWS_SECRET_ACCESS_KEY", key.getSecretAccessKey().substring(1) + "A"),
                "ec2",
                "create-vpc",
                "--cidr-block",
                "10.2.0.0/16");
        assertThat(refused.exitCode()).isNotZero();
        assertThat(refused.stderr()).contains("(SignatureDoesNotMatch)");
        assertThat(tenant.vpcs().listVpcs(null, null, null).getItems()).isEmpty();
    }

    private Result aws(String... args) throws Exception {
        Result result = cli.run(Map.of(), args);
        assertThat(result.exitCode())
                .as("aws %s: %s", String.join(" ", args), result.stderr())
                .isZero();
        return result;
    }

    private Result awsRefused(String... args) throws Exception {
        return cli.refused(args);
    }

    private Result run(Map<String, String> overrides, String... args) throws Exception {
        return cli.run(overrides, args);
    }
}
