package io.vpclab.controlplane.southbound;

import static io.vpclab.controlplane.southbound.OnTheWireFixture.CONVERGENCE;
import static io.vpclab.controlplane.southbound.OnTheWireFixture.tcp;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vpclab.agent.FollowAgent;
import io.vpclab.client.api.AccessKeysApi;
import io.vpclab.client.model.IssuedAccessKey;
import io.vpclab.controlplane.ec2.AwsCli;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * A network built entirely with the real AWS CLI through /ec2, on real agents: a security group
 * rule authorized with {@code aws ec2 authorize-security-group-ingress} lets through a probe that
 * was filtered before and revoking it filters the next one; a network ACL associated with
 * {@code aws ec2 replace-network-acl-association} filters it again until its entries allow it.
 */
class SecurityGroupByAwsCliOnTheWireTest {

    private OnTheWireFixture wire;

    @AfterEach
    void stop() {
        if (wire != null) {
            wire.close();
        }
    }

    @Test
    void rulesAuthorizedAndRevokedThroughTheAwsCliOpenAndCloseAPortOnTheWire() throws Exception {
        Assumptions.assumeTrue(AwsCli.installed(), "the aws CLI is not on the PATH (Debian package awscli); skipped");
        wire = OnTheWireFixture.server();
        List<FollowAgent> agents = wire.agents("ec2", 2);
        FollowAgent a1 = agents.get(0);
        FollowAgent a2 = agents.get(1);
        IssuedAccessKey key = new AccessKeysApi(wire.admin()).createAccessKey(wire.tenant("ec2"));
        AwsCli aws = new AwsCli(wire.lab().uri() + "/ec2", key.getAccessKeyId(), key.getSecretAccessKey());

        String vpc = aws.ok("ec2", "create-vpc", "--cidr-block", "10.30.0.0/16")
                .path("Vpc")
                .path("VpcId")
                .asString();
        String appSubnet = subnet(aws, vpc, "10.30.1.0/24");
        String dbSubnet = subnet(aws, vpc, "10.30.2.0/24");
        String dbGroup = aws.ok(
                        "ec2",
                        "create-security-group",
                        "--group-name",
                        "db",
                        "--description",
                        "postgres",
                        "--vpc-id",
                        vpc)
                .path("GroupId")
                .asString();
        String defaultGroup = aws.ok(
                        "ec2",
                        "describe-security-groups",
                        "--filters",
                        "Name=vpc-id,Values=" + vpc,
                        "Name=group-name,Values=default")
                .path("SecurityGroups")
                .get(0)
                .path("GroupId")
                .asString();
        String app = instance(aws, appSubnet, a1, "10.30.1.5", defaultGroup);
        instance(aws, dbSubnet, a2, "10.30.2.5", dbGroup);
        wire.awaitConverged();
        assertThat(tcp(a1, app, "10.30.2.5", 5432))
                .as("the db group admits nothing yet")
                .isEqualTo("filtered");

        long before = a2.appliedGeneration();
        aws.ok(
                "ec2",
                "authorize-security-group-ingress",
                "--group-id",
                dbGroup,
                "--protocol",
                "tcp",
                "--port",
                "5432",
                "--source-group",
                defaultGroup);
        wire.awaitNewGeneration(a2, before);
        await().atMost(CONVERGENCE).until(() -> "closed".equals(tcp(a1, app, "10.30.2.5", 5432)));
        assertThat(tcp(a1, app, "10.30.2.5", 22)).as("only the port authorized").isEqualTo("filtered");

        // a network ACL without entries on the db subnet: its final deny filters what the group admits
        String association = aws
                .ok("ec2", "describe-network-acls", "--filters", "Name=association.subnet-id,Values=" + dbSubnet)
                .path("NetworkAcls")
                .get(0)
                .path("Associations")
                .findValuesAsString("NetworkAclAssociationId")
                .stream()
                .filter(id -> id.endsWith(dbSubnet.substring(dbSubnet.indexOf('-') + 1)))
                .findFirst()
                .orElseThrow();
        String acl = aws.ok("ec2", "create-network-acl", "--vpc-id", vpc)
                .path("NetworkAcl")
                .path("NetworkAclId")
                .asString();
        before = a2.appliedGeneration();
        aws.ok("ec2", "replace-network-acl-association", "--association-id", association, "--network-acl-id", acl);
        wire.awaitNewGeneration(a2, before);
        assertThat(tcp(a1, app, "10.30.2.5", 5432)).isEqualTo("filtered");
        before = a2.appliedGeneration();
        for (String direction : List.of("--ingress", "--egress")) {
            aws.ok(
                    "ec2",
                    "create-network-acl-entry",
                    "--network-acl-id",
                    acl,
                    direction,
                    "--rule-number",
                    "100",
                    "--protocol",
                    "-1",
                    "--cidr-block",
                    "10.30.0.0/16",
                    "--rule-action",
                    "allow");
        }
        wire.awaitNewGeneration(a2, before);
        await().atMost(CONVERGENCE).until(() -> "closed".equals(tcp(a1, app, "10.30.2.5", 5432)));

        before = a2.appliedGeneration();
        aws.ok(
                "ec2",
                "revoke-security-group-ingress",
                "--group-id",
                dbGroup,
                "--protocol",
                "tcp",
                "--port",
                "5432",
                "--source-group",
                defaultGroup);
        wire.awaitNewGeneration(a2, before);
        assertThat(tcp(a1, app, "10.30.2.5", 5432))
                .as("a new connection after the rule is revoked")
                .isEqualTo("filtered");
    }

    private static String subnet(AwsCli aws, String vpc, String cidr) throws Exception {
        return aws.ok("ec2", "create-subnet", "--vpc-id", vpc, "--cidr-block", cidr)
                .path("Subnet")
                .path("SubnetId")
                .asString();
    }

    private static String instance(AwsCli aws, String subnet, FollowAgent host, String ip, String group)
            throws Exception {
        return aws.ok(
                        "ec2",
                        "run-instances",
                        "--image-id",
                        "ami-12345678",
                        "--subnet-id",
                        subnet,
                        "--placement",
                        "HostId=" + host.hostId(),
                        "--private-ip-address",
                        ip,
                        "--security-group-ids",
                        group,
                        "--count",
                        "1")
                .path("Instances")
                .get(0)
                .path("InstanceId")
                .asString();
    }
}
