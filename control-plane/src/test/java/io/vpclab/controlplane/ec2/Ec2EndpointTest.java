package io.vpclab.controlplane.ec2;

import static org.assertj.core.api.Assertions.assertThat;

import io.vpclab.client.api.AccessKeysApi;
import io.vpclab.client.model.InstanceCreate;
import io.vpclab.client.model.InstanceUpdate;
import io.vpclab.client.model.IssuedAccessKey;
import io.vpclab.controlplane.ApiTestSupport;
import java.io.ByteArrayInputStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.xpath.XPathConstants;
import javax.xml.xpath.XPathFactory;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;
import org.w3c.dom.Document;
import org.w3c.dom.NodeList;

/** The EC2 Query endpoint over HTTP: signed requests act as the key's tenant on the REST API's store. */
class Ec2EndpointTest extends ApiTestSupport {

    @Autowired
    JdbcTemplate jdbc;

    @Test
    void vpcsAndSubnetsThroughTheQueryProtocolAreTheRestApisVpcsAndSubnets() throws Exception {
        TenantClient tenant = newTenant();
        Ec2Signer ec2 = signer(tenant);

        Document created = ok(ec2.send("Action=CreateVpc&Version=2016-11-15&CidrBlock=10.1.0.0%2F16"
                + "&TagSpecification.1.ResourceType=vpc&TagSpecification.1.Tag.1.Key=Name"
                + "&TagSpecification.1.Tag.1.Value=blue"));
        String vpcId = text(created, "/CreateVpcResponse/vpc/vpcId");
        assertThat(text(created, "/CreateVpcResponse/vpc/cidrBlock")).isEqualTo("10.1.0.0/16");
        assertThat(text(created, "/CreateVpcResponse/vpc/state")).isEqualTo("available");
        assertThat(text(created, "/CreateVpcResponse/requestId")).isNotBlank();
        assertThat(created.getDocumentElement().getAttribute("xmlns")).isEqualTo(Ec2Xml.NAMESPACE);
        var rest = tenant.vpcs().getVpc(vpcId);
        assertThat(rest.getCidrBlock()).isEqualTo("10.1.0.0/16");
        assertThat(rest.getName()).isEqualTo("blue");
        assertThat(rest.getTenantId()).isEqualTo(tenant.tenantId());

        String subnetId = text(
                ok(ec2.send("Action=CreateSubnet&VpcId=" + vpcId + "&CidrBlock=10.1.1.0%2F24")),
                "/CreateSubnetResponse/subnet/subnetId");
        assertThat(tenant.subnets().getSubnet(subnetId).getVpcId()).isEqualTo(vpcId);
        assertError(
                ec2.send("Action=CreateSubnet&VpcId=" + vpcId + "&CidrBlock=10.1.1.128%2F25"),
                400,
                "InvalidSubnet.Conflict");
        assertError(
                ec2.send("Action=CreateSubnet&VpcId=" + vpcId + "&CidrBlock=10.9.0.0%2F24"),
                400,
                "InvalidSubnet.Range");
        assertError(ec2.send("Action=DeleteVpc&VpcId=" + vpcId), 400, "DependencyViolation");

        Document subnets = ok(ec2.send("Action=DescribeSubnets&Filter.1.Name=vpc-id&Filter.1.Value.1=" + vpcId));
        assertThat(texts(subnets, "/DescribeSubnetsResponse/subnetSet/item/subnetId"))
                .containsExactly(subnetId);
        assertThat(text(subnets, "/DescribeSubnetsResponse/subnetSet/item/availableIpAddressCount"))
                .isEqualTo("251");
        assertThat(text(subnets, "/DescribeSubnetsResponse/subnetSet/item/mapPublicIpOnLaunch"))
                .isEqualTo("false");
        assertThat(text(subnets, "/DescribeSubnetsResponse/subnetSet/item/state"))
                .isEqualTo("available");
        assertThat(texts(
                        ok(ec2.send("Action=DescribeSubnets&SubnetId.1=" + subnetId)),
                        "/DescribeSubnetsResponse/subnetSet/item/cidrBlock"))
                .containsExactly("10.1.1.0/24");

        assertThat(text(ok(ec2.send("Action=DeleteSubnet&SubnetId=" + subnetId)), "/DeleteSubnetResponse/return"))
                .isEqualTo("true");
        assertThat(tenant.subnets().listSubnets(vpcId, null, null).getItems()).isEmpty();
        assertThat(text(ok(ec2.send("Action=DeleteVpc&VpcId=" + vpcId)), "/DeleteVpcResponse/return"))
                .isEqualTo("true");
        assertError(ec2.send("Action=DeleteVpc&VpcId=" + vpcId), 400, "InvalidVpcID.NotFound");
        assertThat(tenant.vpcs().listVpcs(null, null, null).getItems()).isEmpty();
    }

    @Test
    void describeVpcsFiltersByIdAndCidrAndPagesWithNextToken() throws Exception {
        TenantClient tenant = newTenant();
        Ec2Signer ec2 = signer(tenant);
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            ids.add(tenant.vpc("10." + (20 + i) + ".0.0/16").getVpcId());
        }
        newTenant().vpc("10.20.0.0/16");

        Document first = ok(ec2.send("Action=DescribeVpcs&MaxResults=5"));
        List<String> seen = new ArrayList<>(texts(first, "/DescribeVpcsResponse/vpcSet/item/vpcId"));
        assertThat(seen).hasSize(5);
        String next = text(first, "/DescribeVpcsResponse/nextToken");
        Document second = ok(ec2.send("Action=DescribeVpcs&MaxResults=5&NextToken=" + next));
        seen.addAll(texts(second, "/DescribeVpcsResponse/vpcSet/item/vpcId"));
        assertThat(text(second, "/DescribeVpcsResponse/nextToken")).isEmpty();
        assertThat(seen).containsExactlyInAnyOrderElementsOf(ids);

        assertThat(texts(
                        ok(ec2.send("Action=DescribeVpcs&Filter.1.Name=cidr&Filter.1.Value.1=10.21.0.0%2F16"
                                + "&Filter.1.Value.2=10.25.*")),
                        "/DescribeVpcsResponse/vpcSet/item/vpcId"))
                .containsExactlyInAnyOrder(ids.get(1), ids.get(5));
        assertThat(texts(
                        ok(ec2.send("Action=DescribeVpcs&VpcId.1=" + ids.get(3) + "&VpcId.2=" + ids.get(0))),
                        "/DescribeVpcsResponse/vpcSet/item/vpcId"))
                .containsExactly(ids.get(3), ids.get(0));
        assertError(
                ec2.send("Action=DescribeVpcs&Filter.1.Name=colour&Filter.1.Value.1=x"), 400, "InvalidParameterValue");
        assertError(ec2.send("Action=DescribeVpcs&MaxResults=2"), 400, "InvalidParameterValue");
    }

    @Test
    void anotherTenantsIdsAreNotFoundAndUnknownActionsAreInvalidAction() throws Exception {
        TenantClient alice = newTenant();
        TenantClient bob = newTenant();
        String aliceVpc = alice.vpc("10.3.0.0/16").getVpcId();
        Ec2Signer asBob = signer(bob);
        assertError(asBob.send("Action=DescribeVpcs&VpcId.1=" + aliceVpc), 400, "InvalidVpcID.NotFound");
        assertError(asBob.send("Action=DeleteVpc&VpcId=" + aliceVpc), 400, "InvalidVpcID.NotFound");
        assertError(
                asBob.send("Action=CreateSubnet&VpcId=" + aliceVpc + "&CidrBlock=10.3.0.0%2F24"),
                400,
                "InvalidVpcID.NotFound");
        assertThat(texts(ok(asBob.send("Action=DescribeVpcs")), "/DescribeVpcsResponse/vpcSet/item/vpcId"))
                .isEmpty();
        assertError(
                asBob.send("Action=CreateTags&ResourceId.1=" + aliceVpc + "&Tag.1.Key=owner&Tag.1.Value=bob"),
                400,
                "InvalidVpcID.NotFound");
        assertError(
                asBob.send("Action=DescribeSecurityGroups&Filter.1.Name=vpc-id&Filter.1.Value.1=" + aliceVpc
                        + "&GroupName.1=default&GroupId.1=sg-00000000000000000"),
                400,
                "InvalidGroup.NotFound");
        assertError(asBob.send("Action=CreateCustomerGatewayX"), 400, "InvalidAction");
        assertError(asBob.send("Action=CreateVpc"), 400, "MissingParameter");
        assertError(asBob.send("Action=CreateVpc&CidrBlock=10.0.0.0%2F8"), 400, "InvalidVpc.Range");
        assertThat(alice.vpcs().getVpc(aliceVpc).getVpcId()).isEqualTo(aliceVpc);
    }

    @Test
    void tamperedExpiredOrUnknownlySignedRequestsAreRefusedAndChangeNothing() throws Exception {
        TenantClient tenant = newTenant();
        Ec2Signer ec2 = signer(tenant);
        String create = "Action=CreateVpc&CidrBlock=10.4.0.0%2F16";
        assertError(
                ec2.tampered(create, new Ec2Signer.Tampering(create.replace("10.4", "10.5"), Instant.now())),
                403,
                "SignatureDoesNotMatch");
        assertError(
                ec2.tampered(
                        create, new Ec2Signer.Tampering(create, Instant.now().minus(Duration.ofMinutes(20)))),
                400,
                "RequestExpired");
        assertError(new Ec2Signer(port, "AKIA0000000000000000", "x".repeat(40)).send(create), 401, "AuthFailure");
        IssuedAccessKey key = new AccessKeysApi(admin()).createAccessKey(tenant.tenantId());
        assertError(
                new Ec2Signer(port, key.getAccessKeyId(), key.getSecretAccessKey() + "x").send(create),
                403,
                "SignatureDoesNotMatch");
        assertError(raw("POST", "/ec2", null, create), 401, "AuthFailure");
        assertThat(tenant.vpcs().listVpcs(null, null, null).getItems()).isEmpty();

        new AccessKeysApi(admin()).deleteAccessKey(tenant.tenantId(), key.getAccessKeyId());
        assertError(
                new Ec2Signer(port, key.getAccessKeyId(), key.getSecretAccessKey()).send(create), 401, "AuthFailure");
        assertThat(tenant.vpcs().listVpcs(null, null, null).getItems()).isEmpty();
    }

    @Test
    void accessKeysAreTheAdminsAndTheirSecretsAreStoredSealed() throws Exception {
        TenantClient tenant = newTenant();
        AccessKeysApi keys = new AccessKeysApi(admin());
        IssuedAccessKey key = keys.createAccessKey(tenant.tenantId());
        assertThat(key.getAccessKeyId()).matches("AKIA[A-Z0-9]{16}");
        assertThat(key.getSecretAccessKey()).hasSize(40);
        assertThat(keys.listAccessKeys(tenant.tenantId()).getItems())
                .singleElement()
                .satisfies(info -> assertThat(info.getAccessKeyId()).isEqualTo(key.getAccessKeyId()));
        String stored = jdbc.queryForObject(
                "select secret_sealed from access_key where id = ?", String.class, key.getAccessKeyId());
        assertThat(stored).doesNotContain(key.getSecretAccessKey());

        assertRefused(
                403, "UnauthorizedOperation", () -> new AccessKeysApi(tenant.api()).createAccessKey(tenant.tenantId()));
        assertRefused(
                403, "UnauthorizedOperation", () -> new AccessKeysApi(tenant.api()).listAccessKeys(tenant.tenantId()));
        assertRefused(404, "InvalidTenant.NotFound", () -> keys.createAccessKey("tenant-nope"));
        assertRefused(404, "InvalidAccessKeyId.NotFound", () -> {
            keys.deleteAccessKey(tenant.tenantId(), "AKIA0000000000000000");
            return null;
        });
        assertThat(keys.listAccessKeys(tenant.tenantId()).getItems()).hasSize(1);
    }

    @Test
    void runInstancesIsAllOrNothingAndDescribeAndTerminateFollow() throws Exception {
        TenantClient tenant = newTenant();
        Ec2Signer ec2 = signer(tenant);
        String host = newHost().getHost().getHostId();
        String vpcId = tenant.vpc("10.6.0.0/16").getVpcId();
        String subnetId = tenant.subnet(vpcId, "10.6.0.0/28").getSubnetId();
        String run = "Action=RunInstances&ImageId=ami-12345678&InstanceType=t3.micro&SubnetId=" + subnetId
                + "&Placement.HostId=" + host;

        assertError(ec2.send(run + "&MinCount=12&MaxCount=12"), 400, "InsufficientFreeAddressesInSubnet");
        assertThat(tenant.instances()
                        .listInstances(null, subnetId, null, null, null)
                        .getItems())
                .isEmpty();
        assertError(
                ec2.send(run + "&MinCount=1&MaxCount=2&PrivateIpAddress=10.6.0.9"), 400, "InvalidParameterCombination");
        assertError(ec2.send(run + "&MinCount=1&MaxCount=1&PrivateIpAddress=10.7.0.9"), 400, "InvalidParameterValue");

        Document one = ok(ec2.send(run + "&MinCount=1&MaxCount=1&PrivateIpAddress=10.6.0.9"));
        String pinned = text(one, "/RunInstancesResponse/instancesSet/item/instanceId");
        assertThat(text(one, "/RunInstancesResponse/instancesSet/item/privateIpAddress"))
                .isEqualTo("10.6.0.9");
        assertThat(text(one, "/RunInstancesResponse/instancesSet/item/instanceState/name"))
                .isEqualTo("pending");
        List<String> two = texts(
                ok(ec2.send(run + "&MinCount=2&MaxCount=2")), "/RunInstancesResponse/instancesSet/item/instanceId");
        assertThat(two).hasSize(2);
        assertThat(tenant.instances().getInstance(pinned).getPrivateIpAddress()).isEqualTo("10.6.0.9");

        Document described =
                ok(ec2.send("Action=DescribeInstances&Filter.1.Name=subnet-id&Filter.1.Value.1=" + subnetId));
        assertThat(texts(described, "/DescribeInstancesResponse/reservationSet/item/instancesSet/item/instanceId"))
                .containsExactlyInAnyOrder(pinned, two.get(0), two.get(1));

        Document terminated =
                ok(ec2.send("Action=TerminateInstances&InstanceId.1=" + two.get(0) + "&InstanceId.2=" + two.get(1)));
        assertThat(texts(terminated, "/TerminateInstancesResponse/instancesSet/item/currentState/name"))
                .containsExactly("terminated", "terminated");
        assertError(
                ec2.send("Action=TerminateInstances&InstanceId.1=" + pinned + "&InstanceId.2=i-nope"),
                400,
                "InvalidInstanceID.NotFound");
        assertThat(tenant.instances()
                        .listInstances(null, subnetId, null, null, null)
                        .getItems())
                .singleElement()
                .satisfies(i -> assertThat(i.getInstanceId()).isEqualTo(pinned));
    }

    @Test
    void theNameTagIsTheResourcesNameBothWays() throws Exception {
        TenantClient tenant = newTenant();
        Ec2Signer ec2 = signer(tenant);
        String hostId = newHost().getHost().getHostId();
        String vpcId = tenant.vpc("10.4.0.0/16").getVpcId();
        String subnetId = tenant.subnet(vpcId, "10.4.1.0/24").getSubnetId();
        String instanceId = tenant.instances()
                .runInstance(
                        new InstanceCreate().subnetId(subnetId).hostId(hostId).name("web-1"))
                .getInstanceId();

        ok(ec2.send("Action=CreateTags&ResourceId.1=" + vpcId + "&ResourceId.2=" + subnetId
                + "&Tag.1.Key=Name&Tag.1.Value=blue&Tag.2.Key=env&Tag.2.Value=lab"));
        assertThat(tenant.vpcs().getVpc(vpcId).getName()).isEqualTo("blue");
        assertThat(tenant.subnets().getSubnet(subnetId).getName()).isEqualTo("blue");

        tenant.instances().updateInstance(instanceId, new InstanceUpdate().name("web-2"));
        Document described = ok(ec2.send("Action=DescribeTags&Filter.1.Name=key&Filter.1.Value.1=Name"));
        assertThat(texts(described, "/DescribeTagsResponse/tagSet/item/resourceId"))
                .containsExactly(instanceId, subnetId, vpcId);
        assertThat(texts(described, "/DescribeTagsResponse/tagSet/item/value"))
                .containsExactly("web-2", "blue", "blue");
        assertThat(texts(
                        ok(ec2.send("Action=DescribeInstances&Filter.1.Name=tag:Name&Filter.1.Value.1=web-2")),
                        "//instancesSet/item/instanceId"))
                .containsExactly(instanceId);

        ok(ec2.send("Action=DeleteTags&ResourceId.1=" + vpcId + "&Tag.1.Key=Name"));
        assertThat(tenant.vpcs().getVpc(vpcId).getName()).isNull();
        assertThat(texts(ok(ec2.send("Action=DescribeVpcs&VpcId.1=" + vpcId)), "//tagSet/item/key"))
                .containsExactly("env");
        assertError(
                ec2.send("Action=CreateTags&ResourceId.1=" + vpcId + "&Tag.1.Key=Name&Tag.1.Value=" + "x".repeat(129)),
                400,
                "InvalidParameterValue");
        assertThat(tenant.vpcs().getVpc(vpcId).getName()).isNull();
    }

    /** DescribeInstances' instance.group-id and instance.group-name filters. */
    @Test
    void instancesAreFoundByTheirSecurityGroups() throws Exception {
        TenantClient tenant = newTenant();
        Ec2Signer ec2 = signer(tenant);
        String hostId = newHost().getHost().getHostId();
        String vpcId = tenant.vpc("10.5.0.0/16").getVpcId();
        String subnetId = tenant.subnet(vpcId, "10.5.1.0/24").getSubnetId();
        String groupId = text(
                ok(ec2.send("Action=CreateSecurityGroup&GroupName=db&GroupDescription=postgres&VpcId=" + vpcId)),
                "/CreateSecurityGroupResponse/groupId");
        String inGroup = text(
                ok(ec2.send("Action=RunInstances&MinCount=1&MaxCount=1&SubnetId=" + subnetId + "&Placement.HostId="
                        + hostId + "&SecurityGroupId.1=" + groupId)),
                "//instancesSet/item/instanceId");
        ok(ec2.send("Action=RunInstances&MinCount=1&MaxCount=1&SubnetId=" + subnetId + "&Placement.HostId=" + hostId));

        assertThat(texts(
                        ok(ec2.send("Action=DescribeInstances&Filter.1.Name=instance.group-id&Filter.1.Value.1="
                                + groupId)),
                        "//instancesSet/item/instanceId"))
                .containsExactly(inGroup);
        assertThat(texts(
                        ok(ec2.send("Action=DescribeInstances&Filter.1.Name=instance.group-name&Filter.1.Value.1=d?")),
                        "//instancesSet/item/instanceId"))
                .containsExactly(inGroup);
        assertThat(texts(
                        ok(ec2.send(
                                "Action=DescribeInstances&Filter.1.Name=instance.group-name&Filter.1.Value.1=default")),
                        "//instancesSet/item/instanceId"))
                .hasSize(1)
                .doesNotContain(inGroup);
    }

    private Ec2Signer signer(TenantClient tenant) throws Exception {
        IssuedAccessKey key = new AccessKeysApi(admin()).createAccessKey(tenant.tenantId());
        return new Ec2Signer(port, key.getAccessKeyId(), key.getSecretAccessKey());
    }

    private static Document ok(HttpResponse<String> response) throws Exception {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type"))
                .hasValueSatisfying(t -> assertThat(t).startsWith("text/xml"));
        return xml(response.body());
    }

    private static void assertError(HttpResponse<String> response, int status, String code) throws Exception {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        Document error = xml(response.body());
        assertThat(text(error, "/Response/Errors/Error/Code")).isEqualTo(code);
        assertThat(text(error, "/Response/Errors/Error/Message")).isNotBlank();
        assertThat(text(error, "/Response/RequestID")).isNotBlank();
    }

    private static Document xml(String body) throws Exception {
        return DocumentBuilderFactory.newInstance()
                .newDocumentBuilder()
                .parse(new ByteArrayInputStream(body.getBytes(StandardCharsets.UTF_8)));
    }

    private static String text(Document document, String path) throws Exception {
        return XPathFactory.newInstance().newXPath().evaluate(path, document);
    }

    private static List<String> texts(Document document, String path) throws Exception {
        NodeList nodes =
                (NodeList) XPathFactory.newInstance().newXPath().evaluate(path, document, XPathConstants.NODESET);
        List<String> values = new ArrayList<>();
        for (int i = 0; i < nodes.getLength(); i++) {
            values.add(nodes.item(i).getTextContent());
        }
        return values;
    }
}
