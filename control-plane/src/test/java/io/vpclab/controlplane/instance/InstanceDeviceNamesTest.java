package io.vpclab.controlplane.instance;

import static org.assertj.core.api.Assertions.assertThat;

import io.vpclab.client.api.SouthboundApi;
import io.vpclab.client.model.Instance;
import io.vpclab.client.model.InstanceCreate;
import io.vpclab.client.model.InstanceKind;
import io.vpclab.client.model.InstanceUpdate;
import io.vpclab.client.model.Port;
import io.vpclab.client.model.Subnet;
import io.vpclab.controlplane.ApiTestSupport;
import io.vpclab.net.DeviceName;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** TAP device and namespace names: shown by the API, chosen at creation, validated, one per host, in the table. */
class InstanceDeviceNamesTest extends ApiTestSupport {

    private static final InstanceKind[] ALL_KINDS = {InstanceKind.SIMULATED, InstanceKind.NETNS, InstanceKind.TAP};

    private TenantClient tenant;
    private String host;
    private String otherHost;
    private Subnet subnet;

    @BeforeEach
    void network() throws Exception {
        tenant = newTenant();
        host = newHost(ALL_KINDS).getHost().getHostId();
        otherHost = newHost(ALL_KINDS).getHost().getHostId();
        subnet = tenant.subnet(tenant.vpc("10.0.0.0/16").getVpcId(), "10.0.0.0/24");
    }

    private InstanceCreate launch(InstanceKind kind, String deviceName) {
        return new InstanceCreate()
                .subnetId(subnet.getSubnetId())
                .hostId(host)
                .kind(kind)
                .deviceName(deviceName);
    }

    @Test
    void eachKindShowsItsDeviceAndNamespaceAndTheTableCarriesThem() throws Exception {
        Instance vm = tenant.instances().runInstance(launch(InstanceKind.TAP, "tap-vm1"));
        Instance ns = tenant.instances().runInstance(launch(InstanceKind.NETNS, null));
        Instance sim = tenant.instances().runInstance(launch(InstanceKind.SIMULATED, null));

        Instance shownVm = tenant.instances().getInstance(vm.getInstanceId());
        assertThat(shownVm.getPort().getKind()).isEqualTo(InstanceKind.TAP);
        assertThat(shownVm.getPort().getDeviceName()).isEqualTo("tap-vm1");
        assertThat(shownVm.getPort().getNamespace()).isNull();
        Instance shownNs = tenant.instances().getInstance(ns.getInstanceId());
        assertThat(shownNs.getPort().getDeviceName())
                .isEqualTo(DeviceName.derivedFrom(ns.getInstanceId()).value())
                .hasSizeLessThanOrEqualTo(15);
        assertThat(shownNs.getPort().getNamespace()).isEqualTo("vl-" + ns.getInstanceId());
        Instance shownSim = tenant.instances().getInstance(sim.getInstanceId());
        assertThat(shownSim.getPort().getKind()).isEqualTo(InstanceKind.SIMULATED);
        assertThat(shownSim.getPort().getDeviceName()).isNull();
        assertThat(shownSim.getPort().getNamespace()).isNull();

        var ports = new SouthboundApi(admin()).getForwardingTable(host).getPorts();
        Port vmPort = ports.stream()
                .filter(p -> p.getId().equals(vm.getInstanceId()))
                .findFirst()
                .orElseThrow();
        assertThat(vmPort.getDevice()).isEqualTo("tap-vm1");
        Port nsPort = ports.stream()
                .filter(p -> p.getId().equals(ns.getInstanceId()))
                .findFirst()
                .orElseThrow();
        assertThat(nsPort.getDevice()).isEqualTo(shownNs.getPort().getDeviceName());
        assertThat(nsPort.getNamespace()).isEqualTo(shownNs.getPort().getNamespace());
    }

    @Test
    void badNamesAreRefusedWithTheRuleAndNothingIsCreated() throws Exception {
        for (String bad : new String[] {"a-name-of-16-chr", "..", "eth0:1", "tap vm", "tap/vm", ""}) {
            assertThat(assertRefused(
                                    400,
                                    "InvalidParameterValue",
                                    () -> tenant.instances().runInstance(launch(InstanceKind.TAP, bad)))
                            .path("detail")
                            .asString())
                    .as(bad)
                    .contains("15 characters");
        }
        assertRefused(
                400,
                "InvalidParameterCombination",
                () -> tenant.instances().runInstance(launch(InstanceKind.SIMULATED, "tap-sim")));
        assertThat(tenant.instances()
                        .listInstances(null, subnet.getSubnetId(), null, null, null)
                        .getItems())
                .isEmpty();
        assertThat(tenant.subnets().getSubnet(subnet.getSubnetId()).getAvailableIpAddressCount())
                .isEqualTo(251);
    }

    @Test
    void aNameIsTakenOncePerHostAndAMoveOntoItIsRefused() throws Exception {
        Instance first = tenant.instances().runInstance(launch(InstanceKind.TAP, "tap-web"));

        assertThat(assertRefused(
                                409,
                                "InvalidDeviceName.InUse",
                                () -> tenant.instances().runInstance(launch(InstanceKind.NETNS, "tap-web")))
                        .path("detail")
                        .asString())
                .contains("tap-web")
                .contains(first.getInstanceId());

        Instance elsewhere = tenant.instances()
                .runInstance(launch(InstanceKind.TAP, "tap-web").hostId(otherHost));
        assertRefused(
                409,
                "InvalidDeviceName.InUse",
                () -> tenant.instances().updateInstance(elsewhere.getInstanceId(), new InstanceUpdate().hostId(host)));
        assertThat(tenant.instances().getInstance(elsewhere.getInstanceId()).getHostId())
                .isEqualTo(otherHost);

        tenant.instances().terminateInstance(first.getInstanceId());
        assertThat(tenant.instances()
                        .runInstance(launch(InstanceKind.TAP, "tap-web"))
                        .getPort()
                        .getDeviceName())
                .isEqualTo("tap-web");
    }
}
