package io.vpclab.controlplane.subnet;

import static org.assertj.core.api.Assertions.assertThat;

import io.vpclab.client.model.CidrBlockCreate;
import io.vpclab.client.model.EffectiveRoute;
import io.vpclab.client.model.InstanceCreate;
import io.vpclab.client.model.RouteTargetType;
import io.vpclab.client.model.Segmentation;
import io.vpclab.client.model.Subnet;
import io.vpclab.client.model.SubnetCreate;
import io.vpclab.client.model.Vpc;
import io.vpclab.controlplane.ApiTestSupport;
import java.util.List;
import org.junit.jupiter.api.Test;

class SubnetRulesTest extends ApiTestSupport {

    @Test
    void aSubnetShowsItsCountsGatewayAndSegment() throws Exception {
        TenantClient tenant = newTenant();
        Vpc vpc = tenant.vpc("10.0.0.0/16");
        Subnet small = tenant.subnet(vpc.getVpcId(), "10.0.0.5/28");
        assertThat(small.getCidrBlock()).isEqualTo("10.0.0.0/28");
        assertThat(small.getUsableIpAddressCount()).isEqualTo(11);
        assertThat(small.getAvailableIpAddressCount()).isEqualTo(11);
        assertThat(small.getGatewayIp()).isEqualTo("10.0.0.1");
        assertThat(small.getSegmentation()).isEqualTo(Segmentation.VXLAN);
        assertThat(small.getTenantId()).isEqualTo(tenant.tenantId());
        Subnet big = tenant.subnet(vpc.getVpcId(), "10.0.1.0/24");
        assertThat(big.getUsableIpAddressCount()).isEqualTo(251);
        assertThat(big.getSegmentId()).isNotEqualTo(small.getSegmentId()).isBetween(1, 16_777_215);
    }

    @Test
    void badSubnetsAreRefusedAndNothingIsStored() throws Exception {
        TenantClient tenant = newTenant();
        Vpc vpc = tenant.vpc("10.0.0.0/16");
        String vpcId = vpc.getVpcId();
        tenant.subnet(vpcId, "10.0.1.0/24");
        List<Subnet> before = tenant.subnets().listSubnets(vpcId, null, null).getItems();

        assertRefused(400, "InvalidSubnet.Range", () -> tenant.subnet(vpcId, "10.1.0.0/24"));
        assertRefused(400, "InvalidSubnet.Range", () -> tenant.subnet(vpcId, "10.0.2.0/29"));
        assertRefused(400, "InvalidSubnet.Range", () -> tenant.subnet(vpcId, "10.0.0.0/15"));
        assertRefused(409, "InvalidSubnet.Conflict", () -> tenant.subnet(vpcId, "10.0.1.0/24"));
        assertRefused(409, "InvalidSubnet.Conflict", () -> tenant.subnet(vpcId, "10.0.1.128/25"));
        assertRefused(409, "InvalidSubnet.Conflict", () -> tenant.subnet(vpcId, "10.0.0.0/23"));
        assertRefused(400, "InvalidParameterValue", () -> tenant.subnet(vpcId, "10.0.2.0/xx"));
        assertRefused(400, "MissingParameter", () -> tenant.subnets().createSubnet(new SubnetCreate().vpcId(vpcId)));
        assertRefused(404, "InvalidVpcID.NotFound", () -> tenant.subnet("vpc-00000000000000000", "10.0.2.0/24"));

        assertThat(tenant.subnets().listSubnets(vpcId, null, null).getItems()).isEqualTo(before);
    }

    @Test
    void aSubnetMayLiveInASecondaryBlockAndRoutesShowEveryBlock() throws Exception {
        TenantClient tenant = newTenant();
        Vpc vpc = tenant.vpc("10.0.0.0/16");
        tenant.vpcs().associateVpcCidrBlock(vpc.getVpcId(), new CidrBlockCreate().cidrBlock("172.16.0.0/16"));
        Subnet subnet = tenant.subnet(vpc.getVpcId(), "172.16.5.0/24");
        assertThat(tenant.subnets().getSubnetRoutes(subnet.getSubnetId()).getRoutes())
                .extracting(
                        EffectiveRoute::getDestinationCidrBlock,
                        EffectiveRoute::getTargetType,
                        EffectiveRoute::getTargetId)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("10.0.0.0/16", RouteTargetType.LOCAL, vpc.getVpcId()),
                        org.assertj.core.groups.Tuple.tuple("172.16.0.0/16", RouteTargetType.LOCAL, vpc.getVpcId()));
    }

    @Test
    void deleteIsRefusedWhileInstancesRemainAndReleasesEverythingAfter() throws Exception {
        TenantClient tenant = newTenant();
        String host = newHost().getHost().getHostId();
        Vpc vpc = tenant.vpc("10.0.0.0/16");
        Subnet subnet = tenant.subnet(vpc.getVpcId(), "10.0.3.0/24");
        var instance = tenant.instances()
                .runInstance(new InstanceCreate().subnetId(subnet.getSubnetId()).hostId(host));

        assertRefused(409, "DependencyViolation", () -> {
            tenant.subnets().deleteSubnet(subnet.getSubnetId());
            return null;
        });
        assertThat(tenant.subnets().getSubnet(subnet.getSubnetId()).getAvailableIpAddressCount())
                .isEqualTo(250);
        assertThat(tenant.instances().getInstance(instance.getInstanceId()).getPrivateIpAddress())
                .isEqualTo("10.0.3.4");

        tenant.instances().terminateInstance(instance.getInstanceId());
        tenant.subnets().deleteSubnet(subnet.getSubnetId());
        assertRefused(404, "InvalidSubnetID.NotFound", () -> tenant.subnets().getSubnet(subnet.getSubnetId()));
        Subnet again = tenant.subnet(vpc.getVpcId(), "10.0.3.0/24");
        assertThat(again.getAvailableIpAddressCount()).isEqualTo(251);
    }

    @Test
    void listsArePaginatedAndFilteredByVpc() throws Exception {
        TenantClient tenant = newTenant();
        Vpc a = tenant.vpc("10.0.0.0/16");
        Vpc b = tenant.vpc("10.1.0.0/16");
        for (int i = 0; i < 5; i++) {
            tenant.subnet(a.getVpcId(), "10.0." + i + ".0/24");
        }
        tenant.subnet(b.getVpcId(), "10.1.0.0/24");

        java.util.List<String> seen = new java.util.ArrayList<>();
        String next = null;
        int pages = 0;
        do {
            var page = tenant.subnets().listSubnets(a.getVpcId(), 2, next);
            assertThat(page.getItems()).hasSizeLessThanOrEqualTo(2);
            page.getItems().forEach(s -> seen.add(s.getSubnetId()));
            assertThat(page.getItems()).allMatch(s -> s.getVpcId().equals(a.getVpcId()));
            next = page.getNextToken();
            pages++;
        } while (next != null);
        assertThat(pages).isEqualTo(3);
        assertThat(seen).hasSize(5).doesNotHaveDuplicates().isSorted();
        assertThat(tenant.subnets().listSubnets(null, null, null).getItems()).hasSize(6);
        assertRefused(400, "InvalidParameterValue", () -> tenant.subnets().listSubnets(null, 0, null));
        assertRefused(400, "InvalidParameterValue", () -> tenant.subnets().listSubnets(null, 1001, null));
        assertRefused(400, "InvalidParameterValue", () -> tenant.subnets().listSubnets(null, null, "not a token"));
    }
}
