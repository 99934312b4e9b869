package io.vpclab.controlplane.ec2;

import static org.assertj.core.api.Assertions.assertThat;

import io.vpclab.client.api.NetworkAclsApi;
import io.vpclab.client.api.RouteTablesApi;
import io.vpclab.client.api.SecurityGroupsApi;
import io.vpclab.client.model.SecurityGroupRule;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * The real AWS CLI builds security groups, network ACLs and route tables through /ec2: what it
 * builds is what the REST API shows, each refusal reaches it as EC2's code, and a refused request
 * changes nothing. {@code SecurityGroupByAwsCliOnTheWireTest} shows such a rule on the wire.
 */
class AwsCliFirewallAndRoutesTest extends AwsCliTestSupport {

    @Test
    void securityGroupsAreCreatedAuthorizedRevokedCarriedByInstancesAndDeleted() throws Exception {
        String vpcId = aws.ok("ec2", "create-vpc", "--cidr-block", "10.5.0.0/16")
                .path("Vpc")
                .path("VpcId")
                .asString();
        String subnetId = aws.ok("ec2", "create-subnet", "--vpc-id", vpcId, "--cidr-block", "10.5.1.0/24")
                .path("Subnet")
                .path("SubnetId")
                .asString();
        SecurityGroupsApi rest = new SecurityGroupsApi(tenant.api());

        String web = aws.ok(
                        "ec2",
                        "create-security-group",
                        "--group-name",
                        "web",
                        "--description",
                        "web tier",
                        "--vpc-id",
                        vpcId)
                .path("GroupId")
                .asString();
        assertThat(web).startsWith("sg-");
        assertThat(rest.getSecurityGroup(web).getDescription()).isEqualTo("web tier");
        assertThat(aws.refused(
                                "ec2",
                                "create-security-group",
                                "--group-name",
                                "web",
                                "--description",
                                "again",
                                "--vpc-id",
                                vpcId)
                        .stderr())
                .contains("(InvalidGroup.Duplicate)");
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

        aws.ok(
                "ec2",
                "authorize-security-group-ingress",
                "--group-id",
                web,
                "--protocol",
                "tcp",
                "--port",
                "22",
                "--cidr",
                "10.0.0.0/8");
        assertThat(aws.refused(
                                "ec2",
                                "authorize-security-group-ingress",
                                "--group-id",
                                web,
                                "--protocol",
                                "tcp",
                                "--port",
                                "22",
                                "--cidr",
                                "10.0.0.0/8")
                        .stderr())
                .contains("(InvalidPermission.Duplicate)");
        JsonNode added = aws.ok(
                "ec2",
                "authorize-security-group-ingress",
                "--group-id",
                web,
                "--ip-permissions",
                "IpProtocol=tcp,FromPort=5432,ToPort=5432,UserIdGroupPairs=[{GroupId=" + defaultGroup
                        + ",Description=from the default group}]");
        assertThat(added.path("SecurityGroupRules").get(0).path("FromPort").asInt())
                .isEqualTo(5432);
        aws.ok(
                "ec2",
                "authorize-security-group-egress",
                "--group-id",
                web,
                "--ip-permissions",
                "IpProtocol=udp,FromPort=53,ToPort=53,IpRanges=[{CidrIp=10.5.0.2/32}]");
        assertThat(rest.getSecurityGroup(web).getIngressRules())
                .extracting(SecurityGroupRule::getFromPort, SecurityGroupRule::getReferencedGroupId)
                .containsExactlyInAnyOrder(
                        org.assertj.core.groups.Tuple.tuple(22, null),
                        org.assertj.core.groups.Tuple.tuple(5432, defaultGroup));
        assertThat(rest.getSecurityGroup(web).getEgressRules()).hasSize(2);

        // 60 rules in one request exceed the quota with the one there: none of them is added
        String sixty = IntStream.rangeClosed(1, 60)
                .mapToObj(i -> "{CidrIp=10.9.0." + i + "/32}")
                .collect(Collectors.joining(",", "IpProtocol=tcp,FromPort=80,ToPort=80,IpRanges=[", "]"));
        assertThat(aws.refused("ec2", "authorize-security-group-ingress", "--group-id", web, "--ip-permissions", sixty)
                        .stderr())
                .contains("(RulesPerSecurityGroupLimitExceeded)");
        assertThat(rest.getSecurityGroup(web).getIngressRules()).hasSize(2);

        JsonNode described = aws.ok("ec2", "describe-security-groups", "--group-ids", web)
                .path("SecurityGroups")
                .get(0);
        assertThat(described.path("VpcId").asString()).isEqualTo(vpcId);
        assertThat(described.path("IpPermissions").size()).isEqualTo(2);
        assertThat(described.path("IpPermissionsEgress").size()).isEqualTo(2);
        assertThat(aws.refused("ec2", "describe-security-groups", "--group-ids", "sg-00000000")
                        .stderr())
                .contains("(InvalidGroup.NotFound)");

        aws.ok(
                "ec2",
                "revoke-security-group-ingress",
                "--group-id",
                web,
                "--protocol",
                "tcp",
                "--port",
                "22",
                "--cidr",
                "10.0.0.0/8");
        assertThat(rest.getSecurityGroup(web).getIngressRules()).hasSize(1);
        assertThat(aws.refused(
                                "ec2",
                                "revoke-security-group-ingress",
                                "--group-id",
                                web,
                                "--protocol",
                                "tcp",
                                "--port",
                                "22",
                                "--cidr",
                                "10.0.0.0/8")
                        .stderr())
                .contains("(InvalidPermission.NotFound)");

        // an instance launched into the group, then given both groups
        String host = newHost().getHost().getHostId();
        String instance = aws.ok(
                        "ec2",
                        "run-instances",
                        "--image-id",
                        "ami-12345678",
                        "--subnet-id",
                        subnetId,
                        "--security-group-ids",
                        web,
                        "--placement",
                        "HostId=" + host,
                        "--count",
                        "1")
                .path("Instances")
                .get(0)
                .path("InstanceId")
                .asString();
        assertThat(rest.getInstanceSecurityGroups(instance).getSecurityGroupIds())
                .containsExactly(web);
        aws.ok("ec2", "modify-instance-attribute", "--instance-id", instance, "--groups", web, defaultGroup);
        assertThat(rest.getInstanceSecurityGroups(instance).getSecurityGroupIds())
                .containsExactlyInAnyOrder(web, defaultGroup);
        assertThat(aws.ok("ec2", "describe-instances", "--instance-ids", instance)
                        .path("Reservations")
                        .get(0)
                        .path("Instances")
                        .get(0)
                        .path("SecurityGroups")
                        .findValuesAsString("GroupName"))
                .containsExactlyInAnyOrder("web", "default");
        assertThat(aws.refused("ec2", "delete-security-group", "--group-id", web)
                        .stderr())
                .contains("(DependencyViolation)");

        aws.ok("ec2", "terminate-instances", "--instance-ids", instance);
        aws.ok("ec2", "delete-security-group", "--group-id", web);
        assertThat(rest.listSecurityGroups(vpcId, null, null).getItems()).hasSize(1);
        aws.ok("ec2", "delete-subnet", "--subnet-id", subnetId);
        aws.ok("ec2", "delete-vpc", "--vpc-id", vpcId);
    }

    @Test
    void networkAclsAndRouteTablesAreBuiltAssociatedAndTornDown() throws Exception {
        String vpcId = aws.ok("ec2", "create-vpc", "--cidr-block", "10.6.0.0/16")
                .path("Vpc")
                .path("VpcId")
                .asString();
        String subnetId = aws.ok("ec2", "create-subnet", "--vpc-id", vpcId, "--cidr-block", "10.6.1.0/24")
                .path("Subnet")
                .path("SubnetId")
                .asString();

        // network ACL: the subnet's current association, a new ACL with entries, the subnet moved onto it
        NetworkAclsApi acls = new NetworkAclsApi(tenant.api());
        JsonNode defaultAcl = aws.ok(
                        "ec2", "describe-network-acls", "--filters", "Name=association.subnet-id,Values=" + subnetId)
                .path("NetworkAcls")
                .get(0);
        assertThat(defaultAcl.path("IsDefault").asBoolean()).isTrue();
        String association = defaultAcl
                .path("Associations")
                .get(0)
                .path("NetworkAclAssociationId")
                .asString();
        String aclId = aws.ok("ec2", "create-network-acl", "--vpc-id", vpcId)
                .path("NetworkAcl")
                .path("NetworkAclId")
                .asString();
        aws.ok(
                "ec2",
                "create-network-acl-entry",
                "--network-acl-id",
                aclId,
                "--ingress",
                "--rule-number",
                "100",
                "--protocol",
                "tcp",
                "--port-range",
                "From=22,To=22",
                "--cidr-block",
                "0.0.0.0/0",
                "--rule-action",
                "allow");
        aws.ok(
                "ec2",
                "create-network-acl-entry",
                "--network-acl-id",
                aclId,
                "--egress",
                "--rule-number",
                "100",
                "--protocol",
                "-1",
                "--cidr-block",
                "0.0.0.0/0",
                "--rule-action",
                "allow");
        assertThat(aws.refused(
                                "ec2",
                                "create-network-acl-entry",
                                "--network-acl-id",
                                aclId,
                                "--ingress",
                                "--rule-number",
                                "100",
                                "--protocol",
                                "udp",
                                "--port-range",
                                "From=53,To=53",
                                "--cidr-block",
                                "0.0.0.0/0",
                                "--rule-action",
                                "allow")
                        .stderr())
                .contains("(NetworkAclEntryAlreadyExists)");
        aws.ok(
                "ec2",
                "replace-network-acl-entry",
                "--network-acl-id",
                aclId,
                "--ingress",
                "--rule-number",
                "100",
                "--protocol",
                "icmp",
                "--icmp-type-code",
                "Type=8,Code=-1",
                "--cidr-block",
                "10.0.0.0/8",
                "--rule-action",
                "deny");
        assertThat(acls.getNetworkAcl(aclId).getEntries())
                .filteredOn(entry -> entry.getRuleNumber() == 100)
                .extracting(entry -> entry.getDirection().getValue() + " " + entry.getProtocol() + " "
                        + entry.getRuleAction().getValue())
                .containsExactlyInAnyOrder("ingress icmp deny", "egress -1 allow");
        String newAssociation = aws.ok(
                        "ec2",
                        "replace-network-acl-association",
                        "--association-id",
                        association,
                        "--network-acl-id",
                        aclId)
                .path("NewAssociationId")
                .asString();
        assertThat(acls.getNetworkAcl(aclId).getSubnetIds()).containsExactly(subnetId);
        JsonNode shown = aws.ok("ec2", "describe-network-acls", "--network-acl-ids", aclId)
                .path("NetworkAcls")
                .get(0);
        assertThat(shown.path("Entries").findValuesAsString("RuleAction")).contains("deny", "allow");
        assertThat(shown.path("Entries")
                        .findValues("IcmpTypeCode")
                        .get(0)
                        .path("Type")
                        .asInt())
                .isEqualTo(8);
        assertThat(aws.refused("ec2", "delete-network-acl", "--network-acl-id", aclId)
                        .stderr())
                .contains("(DependencyViolation)");
        aws.ok(
                "ec2",
                "replace-network-acl-association",
                "--association-id",
                newAssociation,
                "--network-acl-id",
                defaultAcl.path("NetworkAclId").asString());
        aws.ok("ec2", "delete-network-acl-entry", "--network-acl-id", aclId, "--egress", "--rule-number", "100");
        assertThat(aws.refused(
                                "ec2",
                                "delete-network-acl-entry",
                                "--network-acl-id",
                                aclId,
                                "--egress",
                                "--rule-number",
                                "100")
                        .stderr())
                .contains("(InvalidNetworkAclEntry.NotFound)");
        aws.ok("ec2", "delete-network-acl", "--network-acl-id", aclId);

        // route table: a route through a peering, associated with the subnet, shown by filter
        RouteTablesApi tables = new RouteTablesApi(tenant.api());
        String peerVpc = aws.ok("ec2", "create-vpc", "--cidr-block", "10.60.0.0/16")
                .path("Vpc")
                .path("VpcId")
                .asString();
        String peering = aws.ok("ec2", "create-vpc-peering-connection", "--vpc-id", vpcId, "--peer-vpc-id", peerVpc)
                .path("VpcPeeringConnection")
                .path("VpcPeeringConnectionId")
                .asString();
        String tableId = aws.ok(
                        "ec2",
                        "create-route-table",
                        "--vpc-id",
                        vpcId,
                        "--tag-specifications",
                        "ResourceType=route-table,Tags=[{Key=Name,Value=to-peer}]")
                .path("RouteTable")
                .path("RouteTableId")
                .asString();
        assertThat(tables.getRouteTable(tableId).getName()).isEqualTo("to-peer");
        aws.ok(
                "ec2",
                "create-route",
                "--route-table-id",
                tableId,
                "--destination-cidr-block",
                "10.60.0.0/16",
                "--vpc-peering-connection-id",
                peering);
        assertThat(aws.refused(
                                "ec2",
                                "create-route",
                                "--route-table-id",
                                tableId,
                                "--destination-cidr-block",
                                "10.60.0.0/16",
                                "--vpc-peering-connection-id",
                                peering)
                        .stderr())
                .contains("(RouteAlreadyExists)");
        assertThat(aws.refused(
                                "ec2",
                                "create-route",
                                "--route-table-id",
                                tableId,
                                "--destination-cidr-block",
                                "0.0.0.0/0",
                                "--gateway-id",
                                "igw-12345678")
                        .stderr())
                .contains("(InvalidGatewayID.NotFound)");
        String rtbAssociation = aws.ok(
                        "ec2", "associate-route-table", "--route-table-id", tableId, "--subnet-id", subnetId)
                .path("AssociationId")
                .asString();
        assertThat(tables.getRouteTable(tableId).getSubnetIds()).containsExactly(subnetId);
        JsonNode ofSubnet = aws.ok(
                        "ec2", "describe-route-tables", "--filters", "Name=association.subnet-id,Values=" + subnetId)
                .path("RouteTables");
        assertThat(ofSubnet.size()).isEqualTo(1);
        assertThat(ofSubnet.get(0).path("Routes").findValuesAsString("VpcPeeringConnectionId"))
                .containsExactly(peering);
        assertThat(ofSubnet.get(0).path("Routes").findValuesAsString("GatewayId"))
                .containsExactly("local");
        assertThat(aws.ok(
                                "ec2",
                                "describe-route-tables",
                                "--filters",
                                "Name=vpc-id,Values=" + vpcId,
                                "Name=association.main,Values=true")
                        .path("RouteTables")
                        .size())
                .isEqualTo(1);
        assertThat(aws.refused("ec2", "delete-route-table", "--route-table-id", tableId)
                        .stderr())
                .contains("(DependencyViolation)");
        aws.ok("ec2", "disassociate-route-table", "--association-id", rtbAssociation);
        assertThat(tables.getRouteTable(tableId).getSubnetIds()).isEmpty();
        aws.ok("ec2", "delete-route", "--route-table-id", tableId, "--destination-cidr-block", "10.60.0.0/16");
        aws.ok("ec2", "delete-route-table", "--route-table-id", tableId);

        aws.ok("ec2", "delete-vpc-peering-connection", "--vpc-peering-connection-id", peering);
        aws.ok("ec2", "delete-subnet", "--subnet-id", subnetId);
        aws.ok("ec2", "delete-vpc", "--vpc-id", vpcId);
        aws.ok("ec2", "delete-vpc", "--vpc-id", peerVpc);
        assertThat(tenant.vpcs().listVpcs(null, null, null).getItems()).isEmpty();
    }
}
