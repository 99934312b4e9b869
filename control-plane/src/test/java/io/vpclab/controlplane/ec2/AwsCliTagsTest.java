package io.vpclab.controlplane.ec2;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Tags beyond Name with the real AWS CLI: given at creation or by create-tags, shown in the
 * Describe actions' tag sets, usable as {@code tag:Key} filters, listed by describe-tags, removed
 * by delete-tags and gone with their resource. A refused create-tags tags nothing.
 */
class AwsCliTagsTest extends AwsCliTestSupport {

    @Test
    void tagsAreShownFilteredListedDeletedAndGoWithTheirResource() throws Exception {
        JsonNode vpc = aws.ok(
                        "ec2",
                        "create-vpc",
                        "--cidr-block",
                        "10.7.0.0/16",
                        "--tag-specifications",
                        "ResourceType=vpc,Tags=[{Key=Name,Value=lab},{Key=env,Value=test}]")
                .path("Vpc");
        String vpcId = vpc.path("VpcId").asString();
        assertThat(tags(vpc)).containsExactlyInAnyOrder("Name=lab", "env=test");
        assertThat(tenant.vpcs().getVpc(vpcId).getName()).isEqualTo("lab");
        String subnetId = aws.ok("ec2", "create-subnet", "--vpc-id", vpcId, "--cidr-block", "10.7.1.0/24")
                .path("Subnet")
                .path("SubnetId")
                .asString();
        String groupId = aws.ok(
                        "ec2",
                        "create-security-group",
                        "--group-name",
                        "web",
                        "--description",
                        "web",
                        "--vpc-id",
                        vpcId)
                .path("GroupId")
                .asString();

        aws.ok(
                "ec2",
                "create-tags",
                "--resources",
                vpcId,
                subnetId,
                groupId,
                "--tags",
                "Key=team,Value=net",
                "Key=tier,Value=web");
        assertThat(aws.ok("ec2", "describe-vpcs", "--filters", "Name=tag:env,Values=test")
                        .path("Vpcs")
                        .size())
                .isEqualTo(1);
        assertThat(aws.ok("ec2", "describe-vpcs", "--filters", "Name=tag:env,Values=prod")
                        .path("Vpcs")
                        .size())
                .isZero();
        JsonNode subnets = aws.ok(
                        "ec2", "describe-subnets", "--filters", "Name=tag:team,Values=n*", "Name=tag-key,Values=tier")
                .path("Subnets");
        assertThat(subnets.size()).isEqualTo(1);
        assertThat(tags(subnets.get(0))).containsExactlyInAnyOrder("team=net", "tier=web");
        JsonNode groups = aws.ok("ec2", "describe-security-groups", "--filters", "Name=tag:tier,Values=web")
                .path("SecurityGroups");
        assertThat(groups.size()).as("the default group has no tags").isEqualTo(1);
        assertThat(groups.get(0).path("GroupId").asString()).isEqualTo(groupId);

        JsonNode team = aws.ok("ec2", "describe-tags", "--filters", "Name=key,Values=team")
                .path("Tags");
        assertThat(team.findValuesAsString("ResourceType"))
                .containsExactlyInAnyOrder("vpc", "subnet", "security-group");
        assertThat(aws.ok("ec2", "describe-tags", "--filters", "Name=resource-id,Values=" + vpcId)
                        .path("Tags")
                        .findValuesAsString("Key"))
                .containsExactlyInAnyOrder("Name", "env", "team", "tier");

        // refusals tag nothing: an unknown resource among known ones, a reserved key
        assertThat(aws.refused(
                                "ec2",
                                "create-tags",
                                "--resources",
                                subnetId,
                                "vpc-00000000000000000",
                                "--tags",
                                "Key=cost,Value=1")
                        .stderr())
                .contains("NotFound");
        assertThat(aws.refused("ec2", "create-tags", "--resources", subnetId, "--tags", "Key=aws:x,Value=1")
                        .stderr())
                .contains("(InvalidParameterValue)");
        assertThat(aws.ok("ec2", "describe-tags", "--filters", "Name=key,Values=cost,aws:x")
                        .path("Tags")
                        .size())
                .isZero();

        aws.ok("ec2", "delete-tags", "--resources", subnetId, "--tags", "Key=team");
        aws.ok("ec2", "delete-tags", "--resources", vpcId, "--tags", "Key=env,Value=other");
        assertThat(aws.ok("ec2", "describe-tags", "--filters", "Name=key,Values=team,env")
                        .path("Tags")
                        .findValuesAsString("ResourceId"))
                .as("the subnet's team tag is gone; the VPC's env tag stays, its value was not 'other'")
                .containsExactlyInAnyOrder(vpcId, vpcId, groupId);

        // the VPC's default group, default ACL and main route table go with it, and so do their tags
        String defaultGroup = aws.ok(
                        "ec2",
                        "describe-security-groups",
                        "--filters",
                        "Name=vpc-id,Values=" + vpcId,
                        "Name=group-name,Values=default")
                .path("SecurityGroups")
                .get(0)
                .path("GroupId")
                .asString();
        String defaultAcl = aws.ok("ec2", "describe-network-acls", "--filters", "Name=vpc-id,Values=" + vpcId)
                .path("NetworkAcls")
                .get(0)
                .path("NetworkAclId")
                .asString();
        String mainTable = aws.ok(
                        "ec2",
                        "describe-route-tables",
                        "--filters",
                        "Name=vpc-id,Values=" + vpcId,
                        "Name=association.main,Values=true")
                .path("RouteTables")
                .get(0)
                .path("RouteTableId")
                .asString();
        aws.ok(
                "ec2",
                "create-tags",
                "--resources",
                defaultGroup,
                defaultAcl,
                mainTable,
                "--tags",
                "Key=scope,Value=default");
        assertThat(aws.ok("ec2", "describe-route-tables", "--filters", "Name=tag:scope,Values=default")
                        .path("RouteTables")
                        .size())
                .isEqualTo(1);

        aws.ok("ec2", "delete-security-group", "--group-id", groupId);
        aws.ok("ec2", "delete-subnet", "--subnet-id", subnetId);
        aws.ok("ec2", "delete-vpc", "--vpc-id", vpcId);
        assertThat(aws.ok("ec2", "describe-tags").path("Tags").size()).isZero();
    }

    private static List<String> tags(JsonNode resource) {
        List<String> tags = new ArrayList<>();
        resource.path("Tags")
                .forEach(tag -> tags.add(
                        tag.path("Key").asString() + "=" + tag.path("Value").asString()));
        return tags;
    }
}
