package io.vpclab.controlplane.southbound;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vpclab.agent.FollowAgent;
import io.vpclab.client.api.HostsApi;
import io.vpclab.client.api.InstancesApi;
import io.vpclab.client.api.SubnetsApi;
import io.vpclab.client.api.TenantsApi;
import io.vpclab.client.api.VpcsApi;
import io.vpclab.client.model.HostRegistration;
import io.vpclab.client.model.Instance;
import io.vpclab.client.model.InstanceCreate;
import io.vpclab.client.model.InstanceKind;
import io.vpclab.client.model.InstanceState;
import io.vpclab.client.model.InstanceUpdate;
import io.vpclab.client.model.SubnetCreate;
import io.vpclab.client.model.TenantCreate;
import io.vpclab.client.model.VpcCreate;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * An instance answers with its state: pending until its host's agent has applied a table that
 * holds it, then running, unreachable while its host is disconnected. Placed on a host without an
 * agent it stays pending, never silently. Listings name the parents.
 */
class InstanceStateTest {

    private static final Duration CONVERGENCE = Duration.ofSeconds(30);

    private ControlPlaneLab lab;

    @AfterEach
    void stop() {
        if (lab != null) {
            lab.close();
        }
    }

    @Test
    void pendingWithoutAnAgentRunningOnceTheAgentAppliedIt() throws Exception {
        lab = new ControlPlaneLab();
        lab.startServer();
        int agentPort = FreeUdpPorts.consecutive(1);
        FollowAgent agent = lab.agent("state-1", agentPort);
        String agentless = new HostsApi(lab.admin())
                .registerHost(new HostRegistration()
                        .name("no-agent")
                        .underlayIp("127.0.0.1")
                        .udpPort(FreeUdpPorts.consecutive(1))
                        .capabilities(List.of(InstanceKind.SIMULATED)))
                .getHost()
                .getHostId();
        String tenantId = new TenantsApi(lab.admin())
                .createTenant(new TenantCreate().name("state"))
                .getTenantId();
        String vpcId = new VpcsApi(lab.admin())
                .createVpc(new VpcCreate().cidrBlock("10.9.0.0/16").tenantId(tenantId))
                .getVpcId();
        String subnetId = new SubnetsApi(lab.admin())
                .createSubnet(new SubnetCreate().vpcId(vpcId).cidrBlock("10.9.1.0/24"))
                .getSubnetId();
        InstancesApi instances = new InstancesApi(lab.admin());

        Instance orphan = instances.runInstance(
                new InstanceCreate().subnetId(subnetId).hostId(agentless).name("orphan"));
        Instance served = instances.runInstance(
                new InstanceCreate().subnetId(subnetId).hostId(agent.hostId()).name("served"));
        assertThat(orphan.getState()).isEqualTo(InstanceState.PENDING);
        assertThat(served.getState()).isEqualTo(InstanceState.PENDING);

        await().atMost(CONVERGENCE)
                .until(() -> instances.getInstance(served.getInstanceId()).getState() == InstanceState.RUNNING);
        // no agent ever acknowledges a table of the orphan's host
        assertThat(instances.getInstance(orphan.getInstanceId()).getState()).isEqualTo(InstanceState.PENDING);
        assertThat(instances.listInstances(vpcId, null, null, null, null).getItems())
                .extracting(Instance::getName, Instance::getState)
                .containsExactlyInAnyOrder(
                        org.assertj.core.groups.Tuple.tuple("orphan", InstanceState.PENDING),
                        org.assertj.core.groups.Tuple.tuple("served", InstanceState.RUNNING));

        // moved onto the agent's host it runs; moved back to the host without an agent it is pending again.
        // The answer to the move may already say running: the agent can acknowledge the new table
        // between the commit and the answer (seen on a loaded machine)
        assertThat(instances
                        .updateInstance(orphan.getInstanceId(), new InstanceUpdate().hostId(agent.hostId()))
                        .getState())
                .isIn(InstanceState.PENDING, InstanceState.RUNNING);
        await().atMost(CONVERGENCE)
                .until(() -> instances.getInstance(orphan.getInstanceId()).getState() == InstanceState.RUNNING);
        instances.updateInstance(served.getInstanceId(), new InstanceUpdate().hostId(agentless));
        assertThat(instances.getInstance(served.getInstanceId()).getState()).isEqualTo(InstanceState.PENDING);

        // an agent that goes away may still forward with its last table, but nobody can tell: unreachable,
        // not pending (it had applied it); back to running once the agent reconnects and acknowledges again
        agent.close();
        await().atMost(CONVERGENCE)
                .until(() -> instances.getInstance(orphan.getInstanceId()).getState() == InstanceState.UNREACHABLE);
        assertThat(instances.getInstance(served.getInstanceId()).getState()).isEqualTo(InstanceState.PENDING);
        lab.agent("state-1", agentPort);
        await().atMost(CONVERGENCE)
                .until(() -> instances.getInstance(orphan.getInstanceId()).getState() == InstanceState.RUNNING);
    }

    @Test
    void listingsNameTheTenantVpcSubnetAndHost() throws Exception {
        lab = new ControlPlaneLab();
        lab.startServer();
        FollowAgent agent = lab.agent("named-host", FreeUdpPorts.consecutive(1));
        String tenantId = new TenantsApi(lab.admin())
                .createTenant(new TenantCreate().name("named-tenant"))
                .getTenantId();
        String vpcId = new VpcsApi(lab.admin())
                .createVpc(new VpcCreate()
                        .cidrBlock("10.9.0.0/16")
                        .tenantId(tenantId)
                        .name("named-vpc"))
                .getVpcId();
        String subnetId = new SubnetsApi(lab.admin())
                .createSubnet(
                        new SubnetCreate().vpcId(vpcId).cidrBlock("10.9.1.0/24").name("named-subnet"))
                .getSubnetId();
        InstancesApi instances = new InstancesApi(lab.admin());
        Instance created = instances.runInstance(
                new InstanceCreate().subnetId(subnetId).hostId(agent.hostId()).name("web"));

        for (Instance shown : List.of(
                created,
                instances.getInstance(created.getInstanceId()),
                instances
                        .listInstances(vpcId, null, null, null, null)
                        .getItems()
                        .get(0))) {
            assertThat(List.of(shown.getTenantName(), shown.getVpcName(), shown.getSubnetName(), shown.getHostName()))
                    .containsExactly("named-tenant", "named-vpc", "named-subnet", "named-host");
        }
    }
}
