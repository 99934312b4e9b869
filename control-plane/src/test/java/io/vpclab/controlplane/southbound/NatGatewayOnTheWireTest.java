package io.vpclab.controlplane.southbound;

import static io.vpclab.controlplane.southbound.ControlPlaneLab.ping;
import static io.vpclab.controlplane.southbound.OnTheWireFixture.CONVERGENCE;
import static io.vpclab.controlplane.southbound.OnTheWireFixture.INTERNET_IP;
import static io.vpclab.controlplane.southbound.OnTheWireFixture.INTERNET_PORT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.vpclab.agent.FollowAgent;
import io.vpclab.client.ApiException;
import io.vpclab.client.api.EipsApi;
import io.vpclab.client.api.NatGatewayFiguresApi;
import io.vpclab.client.api.NatGatewaysApi;
import io.vpclab.client.api.SubnetsApi;
import io.vpclab.client.api.TenantsApi;
import io.vpclab.client.model.EffectiveRoute;
import io.vpclab.client.model.Eip;
import io.vpclab.client.model.EipAllocate;
import io.vpclab.client.model.Instance;
import io.vpclab.client.model.NatGateway;
import io.vpclab.client.model.NatGatewayCreate;
import io.vpclab.client.model.NatGatewayFigures;
import io.vpclab.client.model.NatGatewayState;
import io.vpclab.client.model.NatGatewaySubnetAssociate;
import io.vpclab.client.model.NatSession;
import io.vpclab.client.model.RouteState;
import io.vpclab.client.model.RouteTargetType;
import io.vpclab.client.model.TokenCreate;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The NAT gateway through the whole chain: REST API -> compiler -> table stream -> agents ->
 * packets -> counter reports -> figures and sessions over the API. The gateway is created before
 * any host is registered (pending), then placed on the first host that registers (nat-1); the
 * private instance runs on nat-2 and the internet host on nat-3, so every hop crosses VXLAN. The
 * server narrows the public port range to 2000-2001, as a test of exhaustion would.
 */
class NatGatewayOnTheWireTest {

    private OnTheWireFixture wire;

    @AfterEach
    void stop() {
        if (wire != null) {
            wire.close();
        }
    }

    @Test
    void aPrivateInstancePingsTheInternetThroughThePlacedGatewayAndTheApiShowsIt() throws Exception {
        wire = OnTheWireFixture.withInternetHostOn(
                "nat-3", "--vpclab.nat-gateway.port-min=2000", "--vpclab.nat-gateway.port-max=2001");
        String tenantId = wire.tenant("nat");
        String vpcId = wire.vpc(tenantId, "10.8.0.0/16");
        SubnetsApi subnets = new SubnetsApi(wire.admin());
        String publicSubnet = wire.subnet(vpcId, "10.8.0.0/24");
        String privateSubnet = wire.subnet(vpcId, "10.8.1.0/24");
        Eip eip = new EipsApi(wire.admin()).allocateEip(new EipAllocate().tenantId(tenantId));
        NatGatewaysApi natGateways = new NatGatewaysApi(wire.admin());
        NatGateway pending = natGateways.createNatGateway(
                new NatGatewayCreate().subnetId(publicSubnet).allocationId(eip.getAllocationId()));
        String natId = pending.getNatGatewayId();
        assertThat(pending.getState()).isEqualTo(NatGatewayState.PENDING);
        natGateways.associateNatGatewaySubnet(natId, new NatGatewaySubnetAssociate().subnetId(privateSubnet));
        assertThat(subnets.getSubnetRoutes(privateSubnet).getRoutes())
                .filteredOn(route -> route.getTargetType() == RouteTargetType.NAT_GATEWAY)
                .extracting(EffectiveRoute::getState)
                .as("a pending gateway forwards nothing: its route is a blackhole until it is placed")
                .containsExactly(RouteState.BLACKHOLE);

        List<FollowAgent> agents = wire.agents("nat", 3);
        FollowAgent a1 = agents.get(0);
        FollowAgent a2 = agents.get(1);
        FollowAgent a3 = agents.get(2);
        NatGateway placed = natGateways.getNatGateway(natId);
        assertThat(placed.getState()).isEqualTo(NatGatewayState.AVAILABLE);
        assertThat(placed.getHostId()).isEqualTo(a1.hostId());
        assertThat(subnets.getSubnetRoutes(privateSubnet).getRoutes()).anySatisfy(route -> {
            assertThat(route.getDestinationCidrBlock()).isEqualTo("0.0.0.0/0");
            assertThat(route.getTargetType()).isEqualTo(RouteTargetType.NAT_GATEWAY);
            assertThat(route.getTargetId()).isEqualTo(natId);
            assertThat(route.getState()).isEqualTo(RouteState.ACTIVE);
        });
        Instance vm = wire.instance(privateSubnet, a2, "10.8.1.5");
        wire.awaitConverged();

        await().atMost(CONVERGENCE)
                .until(() -> ping(a2, vm.getInstanceId(), INTERNET_IP).getReceived() == 2);
        assertThat(ping(a3, INTERNET_PORT, eip.getPublicIp()).getReceived())
                .as("unsolicited inbound")
                .isZero();

        NatGatewayFiguresApi figures = new NatGatewayFiguresApi(wire.admin());
        await().atMost(CONVERGENCE)
                .until(() ->
                        figures.getNatGatewayFigures(natId).getDropsByReason().getOrDefault("NAT_UNSOLICITED", 0L)
                                >= 2);
        NatGatewayFigures shown = figures.getNatGatewayFigures(natId);
        assertThat(shown.getHostId()).isEqualTo(a1.hostId());
        assertThat(shown.getSessionsCreated()).isGreaterThanOrEqualTo(1);
        assertThat(shown.getActiveSessions()).isGreaterThanOrEqualTo(1);
        assertThat(shown.getPacketsOut()).isGreaterThanOrEqualTo(2);
        assertThat(shown.getPacketsIn()).isGreaterThanOrEqualTo(2);
        assertThat(shown.getPortAllocationErrors()).isZero();
        assertThat(figures.listNatGatewaySessions(natId).getItems()).anySatisfy(session -> {
            assertThat(session.getProtocol()).isEqualTo(NatSession.ProtocolEnum.ICMP);
            assertThat(session.getPrivateIp()).isEqualTo("10.8.1.5");
            assertThat(session.getPublicIp()).isEqualTo(eip.getPublicIp());
            assertThat(session.getRemoteIp()).isEqualTo(INTERNET_IP);
            assertThat(session.getPublicPort()).as("the configured port range").isBetween(2000, 2001);
            assertThat(session.getState()).isEqualTo("ESTABLISHED");
        });

        TenantsApi tenants = new TenantsApi(wire.admin());
        String otherTenant = wire.tenant("other");
        String otherToken = tenants.createTenantToken(otherTenant, new TokenCreate().description("t"))
                .getToken();
        NatGatewayFiguresApi asOther = new NatGatewayFiguresApi(
                io.vpclab.controlplane.TestServers.client(wire.lab().uri().toString(), otherToken));
        assertThatThrownBy(() -> asOther.getNatGatewayFigures(natId))
                .isInstanceOfSatisfying(
                        ApiException.class, e -> assertThat(e.getCode()).isEqualTo(404));
        assertThatThrownBy(() -> asOther.listNatGatewaySessions(natId))
                .isInstanceOfSatisfying(
                        ApiException.class, e -> assertThat(e.getCode()).isEqualTo(404));
    }
}
