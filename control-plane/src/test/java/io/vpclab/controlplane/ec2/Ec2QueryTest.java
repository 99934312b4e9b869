package io.vpclab.controlplane.ec2;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vpclab.controlplane.securitygroup.Permission;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class Ec2QueryTest {

    @Test
    void readsListsFiltersAndPaginationAsTheAwsCliSendsThem() {
        Ec2Query query = Ec2Query.parse("Action=DescribeVpcs&Version=2016-11-15&VpcId.2=vpc-b&VpcId.1=vpc-a"
                + "&Filter.1.Name=cidr&Filter.1.Value.1=10.0.0.0%2F16&Filter.1.Value.2=10.1.*"
                + "&Filter.2.Name=tag%3AName&Filter.2.Value.1=web+tier&MaxResults=5&NextToken=vpc-x");
        assertThat(query.action()).isEqualTo("DescribeVpcs");
        assertThat(query.version()).hasValue("2016-11-15");
        assertThat(query.list("VpcId")).containsExactly("vpc-a", "vpc-b");
        assertThat(query.filters())
                .isEqualTo(Map.of("cidr", List.of("10.0.0.0/16", "10.1.*"), "tag:Name", List.of("web tier")));
        assertThat(query.maxResults()).hasValue(5);
        assertThat(query.nextToken()).hasValue("vpc-x");
    }

    @Test
    void readsIpPermissionsWithTheirRangesAndGroupPairsAsOnePermissionEach() {
        Ec2Query query = Ec2Query.parse("Action=AuthorizeSecurityGroupIngress&GroupId=sg-1"
                + "&IpPermissions.1.IpProtocol=tcp&IpPermissions.1.FromPort=22&IpPermissions.1.ToPort=22"
                + "&IpPermissions.1.IpRanges.1.CidrIp=10.0.0.0%2F8&IpPermissions.1.IpRanges.1.Description=ssh"
                + "&IpPermissions.1.IpRanges.2.CidrIp=192.168.1.0%2F24"
                + "&IpPermissions.2.IpProtocol=6&IpPermissions.2.FromPort=-1&IpPermissions.2.ToPort=-1"
                + "&IpPermissions.2.Groups.1.GroupId=sg-2");
        assertThat(query.members("IpPermissions")).containsExactly("IpPermissions.1", "IpPermissions.2");
        List<IpPermissions.Requested> read = IpPermissions.read(query, Permission.Direction.INGRESS);
        assertThat(read)
                .extracting(
                        r -> r.permission().protocol().apiName() + " "
                                + r.permission().fromPort() + ".."
                                + r.permission().toPort() + " "
                                + (r.permission().cidr() != null
                                        ? r.permission().cidr().toString()
                                        : r.permission().referencedGroupId()),
                        IpPermissions.Requested::description)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("tcp 22..22 10.0.0.0/8", "ssh"),
                        org.assertj.core.groups.Tuple.tuple("tcp 22..22 192.168.1.0/24", null),
                        org.assertj.core.groups.Tuple.tuple("tcp 0..65535 sg-2", null));
        Ec2Query withoutPeer = Ec2Query.parse(
                "Action=A&IpPermissions.1.IpProtocol=tcp&IpPermissions.1.FromPort=1&IpPermissions.1.ToPort=2");
        assertThatThrownBy(() -> IpPermissions.read(withoutPeer, Permission.Direction.INGRESS))
                .isInstanceOfSatisfying(
                        Ec2Exception.class, e -> assertThat(e.code()).isEqualTo("MissingParameter"));
    }

    @Test
    void tagSpecificationsOfResourcesVpcLabLacksAreNotTheInstancesTags() {
        Ec2Query query = Ec2Query.parse("Action=RunInstances"
                + "&TagSpecification.1.ResourceType=instance&TagSpecification.1.Tag.1.Key=Name"
                + "&TagSpecification.1.Tag.1.Value=web&TagSpecification.1.Tag.2.Key=env"
                + "&TagSpecification.1.Tag.2.Value=lab&TagSpecification.2.ResourceType=volume"
                + "&TagSpecification.2.Tag.1.Key=Name&TagSpecification.2.Tag.1.Value=disk");
        assertThat(Tags.specified(query)).isEqualTo(Map.of("Name", "web", "env", "lab"));
        assertThat(Tags.name(query)).isEqualTo("web");
    }

    @Test
    void refusesWhatIsMalformedWithClearCodes() {
        assertCode("Version=2016-11-15", "MissingParameter");
        assertCode("Action=Describe%ZZ", "MalformedQueryString");
        assertCode("Action=%FF", "MalformedQueryString");
        assertCode("Action=Describe%20Vpcs", "InvalidAction");
        assertCode("Action=A&Action=B", "InvalidParameterCombination");
        assertThatThrownBy(() -> Ec2Query.parse("Action=A&MaxResults=4").maxResults())
                .isInstanceOfSatisfying(
                        Ec2Exception.class, e -> assertThat(e.code()).isEqualTo("InvalidParameterValue"));
        assertThatThrownBy(() -> Ec2Query.parse("Action=A&Filter.1.Value.1=x").filters())
                .isInstanceOfSatisfying(
                        Ec2Exception.class, e -> assertThat(e.code()).isEqualTo("InvalidParameterValue"));
        assertThatThrownBy(() -> Ec2Query.parse("Action=A&VpcId.0=x").list("VpcId"))
                .isInstanceOfSatisfying(
                        Ec2Exception.class, e -> assertThat(e.code()).isEqualTo("InvalidParameterValue"));
    }

    private static void assertCode(String text, String code) {
        assertThatThrownBy(() -> Ec2Query.parse(text)).isInstanceOfSatisfying(Ec2Exception.class, e -> {
            assertThat(e.code()).isEqualTo(code);
            assertThat(e.status()).isEqualTo(400);
        });
    }
}
