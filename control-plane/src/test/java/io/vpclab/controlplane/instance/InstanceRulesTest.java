package io.vpclab.controlplane.instance;

import static org.assertj.core.api.Assertions.assertThat;

import io.vpclab.client.model.Instance;
import io.vpclab.client.model.InstanceCreate;
import io.vpclab.client.model.InstanceKind;
import io.vpclab.client.model.InstanceUpdate;
import io.vpclab.client.model.Subnet;
import io.vpclab.controlplane.ApiTestSupport;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class InstanceRulesTest extends ApiTestSupport {

    private TenantClient tenant;
    private String host;
    private Subnet subnet;

    @BeforeEach
    void network() throws Exception {
        tenant = newTenant();
        host = newHost(InstanceKind.SIMULATED).getHost().getHostId();
        subnet = tenant.subnet(tenant.vpc("10.0.0.0/16").getVpcId(), "10.0.0.0/28");
    }

    private InstanceCreate launch() {
        return new InstanceCreate().subnetId(subnet.getSubnetId()).hostId(host);
    }

    private List<Instance> instances() throws Exception {
        return tenant.instances()
                .listInstances(null, subnet.getSubnetId(), null, null, null)
                .getItems();
    }

    @Test
    void addressesComeNextFreeOrAsRequestedAndMacsAreLocalUnicast() throws Exception {
        Instance first = tenant.instances().runInstance(launch());
        Instance requested = tenant.instances().runInstance(launch().privateIpAddress("10.0.0.9"));
        Instance second = tenant.instances().runInstance(launch());
        assertThat(first.getPrivateIpAddress()).isEqualTo("10.0.0.4");
        assertThat(requested.getPrivateIpAddress()).isEqualTo("10.0.0.9");
        assertThat(second.getPrivateIpAddress()).isEqualTo("10.0.0.5");
        assertThat(List.of(first, requested, second))
                .extracting(Instance::getMacAddress)
                .allMatch(mac -> mac.matches("02:[0-9a-f]{2}(:[0-9a-f]{2}){4}"))
                .doesNotHaveDuplicates();
        assertThat(first.getKind()).isEqualTo(InstanceKind.SIMULATED);
        assertThat(first.getInstanceId()).matches("i-[0-9a-f]{17}");
        assertThat(first.getTenantId()).isEqualTo(tenant.tenantId());
        assertThat(tenant.subnets().getSubnet(subnet.getSubnetId()).getAvailableIpAddressCount())
                .isEqualTo(8);
    }

    @Test
    void badRequestedAddressesAreRefusedAndNothingChanges() throws Exception {
        tenant.instances().runInstance(launch().privateIpAddress("10.0.0.7"));
        List<Instance> before = instances();

        assertRefused(
                409,
                "InvalidIPAddress.InUse",
                () -> tenant.instances().runInstance(launch().privateIpAddress("10.0.0.7")));
        for (String reserved : List.of("10.0.0.0", "10.0.0.1", "10.0.0.2", "10.0.0.3", "10.0.0.15")) {
            assertRefused(
                    400,
                    "InvalidParameterValue",
                    () -> tenant.instances().runInstance(launch().privateIpAddress(reserved)));
        }
        assertRefused(
                400,
                "InvalidParameterValue",
                () -> tenant.instances().runInstance(launch().privateIpAddress("10.0.1.4")));
        assertRefused(
                400,
                "InvalidParameterValue",
                () -> tenant.instances().runInstance(launch().privateIpAddress("ten.0.0.4")));
        assertRefused(
                404,
                "InvalidHost.NotFound",
                () -> tenant.instances().runInstance(launch().hostId("host-00000000000000000")));
        assertRefused(
                404,
                "InvalidSubnetID.NotFound",
                () -> tenant.instances().runInstance(launch().subnetId("subnet-00000000000000000")));
        assertRefused(
                409, "InvalidHost.Capability", () -> tenant.instances().runInstance(launch().kind(InstanceKind.NETNS)));
        assertRefused(
                400,
                "MissingParameter",
                () -> tenant.instances().runInstance(new InstanceCreate().subnetId(subnet.getSubnetId())));

        assertThat(instances()).isEqualTo(before);
        assertThat(tenant.subnets().getSubnet(subnet.getSubnetId()).getAvailableIpAddressCount())
                .isEqualTo(10);
    }

    @Test
    void aFullSubnetRefusesTheNextInstance() throws Exception {
        List<String> addresses = new ArrayList<>();
        for (int i = 0; i < 11; i++) {
            addresses.add(tenant.instances().runInstance(launch()).getPrivateIpAddress());
        }
        assertThat(addresses).doesNotHaveDuplicates().allMatch(a -> a.startsWith("10.0.0."));
        assertThat(tenant.subnets().getSubnet(subnet.getSubnetId()).getAvailableIpAddressCount())
                .isZero();
        assertRefused(
                409,
                "InsufficientFreeAddressesInSubnet",
                () -> tenant.instances().runInstance(launch()));
        assertThat(instances()).hasSize(11);
    }

    @Test
    void movingKeepsAddressAndMacAndChecksTheNewHost() throws Exception {
        Instance instance = tenant.instances().runInstance(launch());
        String other =
                newHost(InstanceKind.SIMULATED, InstanceKind.NETNS).getHost().getHostId();
        String tapOnly = newHost(InstanceKind.TAP).getHost().getHostId();

        Instance moved =
                tenant.instances().updateInstance(instance.getInstanceId(), new InstanceUpdate().hostId(other));
        assertThat(moved.getHostId()).isEqualTo(other);
        assertThat(moved.getPrivateIpAddress()).isEqualTo(instance.getPrivateIpAddress());
        assertThat(moved.getMacAddress()).isEqualTo(instance.getMacAddress());

        assertRefused(
                409,
                "InvalidHost.Capability",
                () -> tenant.instances()
                        .updateInstance(instance.getInstanceId(), new InstanceUpdate().hostId(tapOnly)));
        assertRefused(
                404,
                "InvalidHost.NotFound",
                () -> tenant.instances()
                        .updateInstance(
                                instance.getInstanceId(), new InstanceUpdate().hostId("host-00000000000000000")));
        assertThat(tenant.instances().getInstance(instance.getInstanceId()).getHostId())
                .isEqualTo(other);
    }

    @Test
    void terminatingReleasesTheAddress() throws Exception {
        Instance instance = tenant.instances().runInstance(launch().privateIpAddress("10.0.0.12"));
        tenant.instances().terminateInstance(instance.getInstanceId());
        assertRefused(
                404, "InvalidInstanceID.NotFound", () -> tenant.instances().getInstance(instance.getInstanceId()));
        assertThat(tenant.subnets().getSubnet(subnet.getSubnetId()).getAvailableIpAddressCount())
                .isEqualTo(11);
        assertThat(tenant.instances()
                        .runInstance(launch().privateIpAddress("10.0.0.12"))
                        .getPrivateIpAddress())
                .isEqualTo("10.0.0.12");
    }
}
