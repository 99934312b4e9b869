package io.vpclab.controlplane.southbound;

import static io.vpclab.controlplane.southbound.ControlPlaneLab.ping;
import static io.vpclab.controlplane.southbound.ControlPlaneLab.unansweredPing;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vpclab.agent.FollowAgent;
import io.vpclab.client.ApiException;
import io.vpclab.client.api.InstancesApi;
import io.vpclab.client.api.PeeringsApi;
import io.vpclab.client.api.SubnetsApi;
import io.vpclab.client.api.TenantsApi;
import io.vpclab.client.api.VpcsApi;
import io.vpclab.client.model.Instance;
import io.vpclab.client.model.InstanceCreate;
import io.vpclab.client.model.InstanceKind;
import io.vpclab.client.model.InstanceUpdate;
import io.vpclab.client.model.Peering;
import io.vpclab.client.model.PeeringCreate;
import io.vpclab.client.model.PeeringStatus;
import io.vpclab.client.model.SubnetCreate;
import io.vpclab.client.model.TenantCreate;
import io.vpclab.client.model.VpcCreate;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Agents against a control plane that changes, moves instances, goes away and comes back:
 * traffic keeps flowing on the last table, and the agents resync.
 */
class AgentLifecycleTest {

    private static final Duration CONVERGENCE = Duration.ofSeconds(30);

    private ControlPlaneLab lab;
    private FollowAgent a1;
    private FollowAgent a2;
    private int udpBase;
    private String vpcId;
    private String subnetId;

    @BeforeEach
    void start() throws Exception {
        lab = new ControlPlaneLab();
        lab.startServer();
        udpBase = FreeUdpPorts.consecutive(2);
        a1 = lab.agent("lab-1", udpBase);
        a2 = lab.agent("lab-2", udpBase + 1);
        String tenantId = new TenantsApi(lab.admin())
                .createTenant(new TenantCreate().name("lab"))
                .getTenantId();
        vpcId = new VpcsApi(lab.admin())
                .createVpc(new VpcCreate().cidrBlock("10.8.0.0/16").tenantId(tenantId))
                .getVpcId();
        subnetId = subnet("10.8.1.0/24");
    }

    @AfterEach
    void stop() {
        lab.close();
    }

    @Test
    void subnetAddedLaterBecomesReachable() throws Exception {
        Instance web = launch(subnetId, a1, "10.8.1.10");
        Instance db = launch(subnet("10.8.2.0/24"), a2, "10.8.2.10");
        awaitConverged();

        assertReachable(a1, web, "10.8.2.10");
        assertReachable(a2, db, "10.8.1.10");
    }

    @Test
    void movedInstanceStaysReachableAtTheSameAddress() throws Exception {
        Instance client = launch(subnetId, a1, "10.8.1.20");
        Instance moving = launch(subnetId, a1, "10.8.1.21");
        awaitConverged();
        assertReachable(a1, client, "10.8.1.21");

        Instance moved = new InstancesApi(lab.admin())
                .updateInstance(moving.getInstanceId(), new InstanceUpdate().hostId(a2.hostId()));
        awaitConverged();

        assertThat(moved.getPrivateIpAddress()).isEqualTo("10.8.1.21");
        assertThat(moved.getMacAddress()).isEqualTo(moving.getMacAddress());
        assertReachable(a1, client, "10.8.1.21");
        assertReachable(a2, moving, "10.8.1.20");
    }

    @Test
    void trafficOutlivesTheControlPlaneAndAgentsResyncAfterItsRestart() throws Exception {
        Instance one = launch(subnetId, a1, "10.8.1.30");
        launch(subnetId, a2, "10.8.1.31");
        awaitConverged();

        lab.stopServer();
        await().atMost(CONVERGENCE).until(() -> !a1.isConnected() && !a2.isConnected());
        assertReachable(a1, one, "10.8.1.31");

        lab.startServer();
        await().atMost(CONVERGENCE).until(() -> a1.isConnected() && a2.isConnected());
        launch(subnetId, a2, "10.8.1.32");
        awaitConverged();

        assertReachable(a1, one, "10.8.1.32");
    }

    @Test
    void restartedAgentGetsASnapshotAndForwardsAgain() throws Exception {
        Instance one = launch(subnetId, a1, "10.8.1.40");
        Instance two = launch(subnetId, a2, "10.8.1.41");
        awaitConverged();
        String hostId = a2.hostId();

        a2.close();
        launch(subnetId, a1, "10.8.1.42");
        a2 = lab.agent("lab-2", udpBase + 1);
        awaitConverged();

        assertThat(a2.hostId()).isEqualTo(hostId);
        assertReachable(a2, two, "10.8.1.42");
        assertReachable(a1, one, "10.8.1.41");
    }

    @Test
    void peeredVpcsReachEachOtherOnlyWhileThePeeringExists() throws Exception {
        Instance here = launch(subnetId, a1, "10.8.1.60");
        String tenantId = new TenantsApi(lab.admin())
                .createTenant(new TenantCreate().name("lab-peer"))
                .getTenantId();
        String otherVpc = new VpcsApi(lab.admin())
                .createVpc(new VpcCreate().cidrBlock("10.9.0.0/16").tenantId(tenantId))
                .getVpcId();
        String otherSubnet = new SubnetsApi(lab.admin())
                .createSubnet(new SubnetCreate().vpcId(otherVpc).cidrBlock("10.9.1.0/24"))
                .getSubnetId();
        Instance there = launch(otherSubnet, a2, "10.9.1.60");
        awaitConverged();
        assertThat(unansweredPing(a1, here.getInstanceId(), "10.9.1.60").getReceived())
                .isZero();

        Peering peering = new PeeringsApi(lab.admin())
                .createPeering(new PeeringCreate().requesterVpcId(vpcId).accepterVpcId(otherVpc));
        if (peering.getStatus() == PeeringStatus.PENDING_ACCEPTANCE) {
            new PeeringsApi(lab.admin()).acceptPeering(peering.getVpcPeeringConnectionId());
        }
        awaitConverged();
        assertReachable(a1, here, "10.9.1.60");
        assertReachable(a2, there, "10.8.1.60");

        // the tables are recompiled after the response: wait for a1's next generation, not just convergence
        long withPeering = a1.appliedGeneration();
        new PeeringsApi(lab.admin()).deletePeering(peering.getVpcPeeringConnectionId());
        await().atMost(CONVERGENCE).until(() -> a1.appliedGeneration() > withPeering);
        awaitConverged();
        assertThat(unansweredPing(a1, here.getInstanceId(), "10.9.1.60").getReceived())
                .isZero();
    }

    /**
     * Reachable means a ping gets answers; under load a single probe may miss its timeout, so
     * this waits (bounded) for one that gets all its answers.
     */
    private static void assertReachable(FollowAgent from, Instance source, String target) {
        await().atMost(CONVERGENCE)
                .until(() -> ping(from, source.getInstanceId(), target).getReceived() == 2);
    }

    private void awaitConverged() {
        await().atMost(CONVERGENCE).until(() -> lab.converged(a1) && lab.converged(a2));
    }

    private String subnet(String cidr) throws ApiException {
        return new SubnetsApi(lab.admin())
                .createSubnet(new SubnetCreate().vpcId(vpcId).cidrBlock(cidr))
                .getSubnetId();
    }

    private Instance launch(String subnet, FollowAgent host, String ip) throws ApiException {
        return new InstancesApi(lab.admin())
                .runInstance(new InstanceCreate()
                        .subnetId(subnet)
                        .hostId(host.hostId())
                        .kind(InstanceKind.SIMULATED)
                        .privateIpAddress(ip));
    }
}
