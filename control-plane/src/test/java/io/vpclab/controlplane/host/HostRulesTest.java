package io.vpclab.controlplane.host;

import static org.assertj.core.api.Assertions.assertThat;

import io.vpclab.client.api.HostsApi;
import io.vpclab.client.api.VpcsApi;
import io.vpclab.client.model.Host;
import io.vpclab.client.model.HostRegistration;
import io.vpclab.client.model.HostStatus;
import io.vpclab.client.model.InstanceCreate;
import io.vpclab.client.model.InstanceKind;
import io.vpclab.client.model.RegisteredHost;
import io.vpclab.controlplane.ApiTestSupport;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class HostRulesTest extends ApiTestSupport {

    private static HostRegistration registration() {
        return new HostRegistration()
                .name("h-" + UUID.randomUUID().toString().substring(0, 8))
                .underlayIp("192.168.77.1");
    }

    @Test
    void registrationReturnsAHostTokenAndSouthboundFiguresStartEmpty() throws Exception {
        RegisteredHost registered = new HostsApi(admin()).registerHost(registration());
        Host host = registered.getHost();
        assertThat(host.getHostId()).matches("host-[0-9a-f]{17}");
        assertThat(host.getUdpPort()).isEqualTo(4789);
        assertThat(host.getUnderlayMtu()).isEqualTo(1500);
        assertThat(host.getCapabilities()).containsExactly(InstanceKind.SIMULATED);
        assertThat(host.getStatus()).isEqualTo(HostStatus.DISCONNECTED);
        assertThat(host.getDesiredGeneration()).isZero();
        assertThat(host.getAppliedGeneration()).isZero();
        assertThat(host.getLastSeen()).isNull();
        assertThat(registered.getToken()).isNotBlank();

        HostsApi asHost = new HostsApi(client(registered.getToken()));
        assertThat(asHost.getHost(host.getHostId()).getName()).isEqualTo(host.getName());
        String someoneElse = newHost().getHost().getHostId();
        assertRefused(404, "InvalidHost.NotFound", () -> asHost.getHost(someoneElse));
        assertRefused(
                403,
                "UnauthorizedOperation",
                () -> new VpcsApi(client(registered.getToken())).listVpcs(null, null, null));
    }

    @Test
    void theBootstrapTokenRegistersHostsAndNothingElse() throws Exception {
        HostsApi bootstrap = new HostsApi(client(BOOTSTRAP_TOKEN));
        RegisteredHost host = bootstrap.registerHost(registration());
        assertThat(new HostsApi(admin()).getHost(host.getHost().getHostId()).getName())
                .isEqualTo(host.getHost().getName());
        assertRefused(
                403, "UnauthorizedOperation", () -> new VpcsApi(client(BOOTSTRAP_TOKEN)).listVpcs(null, null, null));
        assertRefused(403, "UnauthorizedOperation", () -> {
            bootstrap.deregisterHost(host.getHost().getHostId());
            return null;
        });
    }

    @Test
    void badRegistrationsAreRefusedAndNothingIsStored() throws Exception {
        HostsApi hosts = new HostsApi(admin());
        HostRegistration first = registration();
        hosts.registerHost(first);
        long before = countHosts();

        assertRefused(
                409,
                "InvalidHost.Duplicate",
                () -> hosts.registerHost(
                        new HostRegistration().name(first.getName()).underlayIp("192.168.77.9")));
        assertRefused(
                400,
                "InvalidParameterValue",
                () -> hosts.registerHost(registration().underlayIp("999.1.1.1")));
        assertRefused(
                400,
                "InvalidParameterValue",
                () -> hosts.registerHost(registration().underlayIp("fe80::1")));
        assertRefused(
                400,
                "InvalidParameterValue",
                () -> hosts.registerHost(registration().udpPort(0)));
        assertRefused(
                400,
                "InvalidParameterValue",
                () -> hosts.registerHost(registration().udpPort(65536)));
        assertRefused(
                400,
                "InvalidParameterValue",
                () -> hosts.registerHost(registration().name("bad name!")));
        assertRefused(
                400,
                "MissingParameter",
                () -> hosts.registerHost(new HostRegistration().name("x-" + UUID.randomUUID())));
        TenantClient tenant = newTenant();
        assertRefused(403, "UnauthorizedOperation", () -> new HostsApi(tenant.api()).registerHost(registration()));

        assertThat(countHosts()).isEqualTo(before);
    }

    @Test
    void deregistrationIsRefusedWhileInstancesRunThere() throws Exception {
        TenantClient tenant = newTenant();
        String host = newHost().getHost().getHostId();
        var subnet = tenant.subnet(tenant.vpc("10.0.0.0/16").getVpcId(), "10.0.0.0/24");
        var instance = tenant.instances()
                .runInstance(new InstanceCreate().subnetId(subnet.getSubnetId()).hostId(host));
        HostsApi hosts = new HostsApi(admin());

        assertRefused(409, "DependencyViolation", () -> {
            hosts.deregisterHost(host);
            return null;
        });
        assertRefused(403, "UnauthorizedOperation", () -> {
            new HostsApi(tenant.api()).deregisterHost(host);
            return null;
        });
        assertThat(hosts.getHost(host).getHostId()).isEqualTo(host);

        tenant.instances().terminateInstance(instance.getInstanceId());
        hosts.deregisterHost(host);
        assertRefused(404, "InvalidHost.NotFound", () -> hosts.getHost(host));
    }

    @Test
    void tenantsMayReadHostsToPlaceInstances() throws Exception {
        String host = newHost(InstanceKind.NETNS, InstanceKind.TAP).getHost().getHostId();
        TenantClient tenant = newTenant();
        Host seen = new HostsApi(tenant.api()).getHost(host);
        assertThat(seen.getCapabilities()).containsExactlyInAnyOrder(InstanceKind.NETNS, InstanceKind.TAP);
    }

    private long countHosts() throws Exception {
        long count = 0;
        String next = null;
        do {
            var page = new HostsApi(admin()).listHosts(1000, next);
            count += page.getItems().size();
            next = page.getNextToken();
        } while (next != null);
        return count;
    }

    @SuppressWarnings("unused")
    private static List<InstanceKind> all() {
        return List.of(InstanceKind.values());
    }
}
