package io.vpclab.controlplane.southbound;

import static io.vpclab.controlplane.southbound.ControlPlaneLab.ping;
import static io.vpclab.controlplane.southbound.OnTheWireFixture.CONVERGENCE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vpclab.agent.FollowAgent;
import io.vpclab.client.ApiException;
import io.vpclab.client.api.HostStatsApi;
import io.vpclab.client.api.RouteTablesApi;
import io.vpclab.client.model.Instance;
import io.vpclab.client.model.PortStats;
import io.vpclab.client.model.ProbeResult;
import io.vpclab.client.model.RouteTable;
import io.vpclab.client.model.RouteTableAssociation;
import io.vpclab.client.model.RouteTableCreate;
import io.vpclab.client.model.RouteTableRouteCreate;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Route tables through the whole chain with real packets: REST API -> compiler -> table stream
 * -> agents -> packets. The web instance's subnet is associated with a table whose 0.0.0.0/0
 * leads to an appliance instance on another host: the appliance's port receives the pings with
 * their original destination (a simulated instance does not forward them, so nothing answers).
 * Replacing the route with a blackhole drops them at the web instance's host, counted as
 * BLACKHOLE_ROUTE.
 */
class RouteTableOnTheWireTest {

    private static final String OUTSIDE = "192.0.2.77";

    private OnTheWireFixture wire;

    @AfterEach
    void stop() {
        if (wire != null) {
            wire.close();
        }
    }

    @Test
    void anApplianceRouteDeliversToTheApplianceAndABlackholeDropsAndCounts() throws Exception {
        wire = OnTheWireFixture.server();
        String tenantId = wire.tenant("rtb");
        String vpcId = wire.vpc(tenantId, "10.30.0.0/16");
        String webSubnet = wire.subnet(vpcId, "10.30.1.0/24");
        String inspectSubnet = wire.subnet(vpcId, "10.30.9.0/24");
        List<FollowAgent> agents = wire.agents("rtb", 2);
        FollowAgent a1 = agents.get(0);
        FollowAgent a2 = agents.get(1);
        Instance web = wire.instance(webSubnet, a1, "10.30.1.10");
        Instance firewall = wire.instance(inspectSubnet, a2, "10.30.9.10");

        RouteTablesApi tables = new RouteTablesApi(wire.admin());
        RouteTable table = tables.createRouteTable(new RouteTableCreate().vpcId(vpcId));
        String tableId = table.getRouteTableId();
        tables.createRoute(
                tableId,
                new RouteTableRouteCreate().destinationCidrBlock("0.0.0.0/0").instanceId(firewall.getInstanceId()));
        tables.replaceRouteTableAssociation(webSubnet, new RouteTableAssociation().routeTableId(tableId));
        wire.awaitConverged();

        // the local route still reaches the appliance's own address (first pings may race the new tables)
        await().atMost(CONVERGENCE)
                .until(() -> ping(a1, web.getInstanceId(), "10.30.9.10").getReceived() == 2);
        long before = packetsTo(a2, firewall.getInstanceId());
        ProbeResult throughAppliance = ping(a1, web.getInstanceId(), OUTSIDE);
        assertThat(throughAppliance.getDropReasons()).doesNotContainKey("NO_ROUTE");
        await().atMost(CONVERGENCE)
                .ignoreException(ApiException.class)
                .until(() -> packetsTo(a2, firewall.getInstanceId()) >= before + 2);

        long generation = a1.appliedGeneration();
        tables.replaceRoute(
                tableId,
                new RouteTableRouteCreate().destinationCidrBlock("0.0.0.0/0").blackhole(true));
        wire.awaitNewGeneration(a1, generation);

        ProbeResult blackholed = ping(a1, web.getInstanceId(), OUTSIDE);
        assertThat(blackholed.getReceived()).isZero();
        assertThat(blackholed.getDropReasons()).containsEntry("BLACKHOLE_ROUTE", 2L);
        // a blackhole 0.0.0.0/0 leaves the local route alone
        await().atMost(CONVERGENCE)
                .until(() -> ping(a1, web.getInstanceId(), "10.30.9.10").getReceived() == 2);
    }

    /** Frames delivered to the port, as its host last reported them (the agent reports on demand here). */
    private long packetsTo(FollowAgent agent, String portId) throws ApiException {
        agent.reportStats();
        List<PortStats> ports = new HostStatsApi(wire.admin())
                .getHostStats(agent.hostId())
                .getReport()
                .getPorts();
        return ports == null
                ? 0
                : ports.stream()
                        .filter(p -> p.getPortId().equals(portId))
                        .mapToLong(PortStats::getPacketsOut)
                        .sum();
    }
}
