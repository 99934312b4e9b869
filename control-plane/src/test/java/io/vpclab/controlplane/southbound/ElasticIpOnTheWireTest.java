package io.vpclab.controlplane.southbound;

import static io.vpclab.controlplane.southbound.ControlPlaneLab.ping;
import static io.vpclab.controlplane.southbound.OnTheWireFixture.CONVERGENCE;
import static io.vpclab.controlplane.southbound.OnTheWireFixture.INTERNET_IP;
import static io.vpclab.controlplane.southbound.OnTheWireFixture.INTERNET_PORT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vpclab.agent.FollowAgent;
import io.vpclab.client.api.EipsApi;
import io.vpclab.client.model.Eip;
import io.vpclab.client.model.EipAllocate;
import io.vpclab.client.model.EipAssociate;
import io.vpclab.client.model.EipUpdate;
import io.vpclab.client.model.IngressPolicy;
import io.vpclab.client.model.Instance;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Elastic IPs through the whole chain: REST API -> compiler -> table stream -> agents -> packets.
 * Agent eip-2 hosts an internet host (placed by configuration); the instance on eip-1 gets an
 * elastic IP and pings it, and the internet host pings the elastic IP as the policy allows.
 */
class ElasticIpOnTheWireTest {

    private OnTheWireFixture wire;

    @AfterEach
    void stop() {
        if (wire != null) {
            wire.close();
        }
    }

    @Test
    void anInstanceWithAnElasticIpReachesTheInternetAndIsReachedOnlyAsThePolicyAllows() throws Exception {
        wire = OnTheWireFixture.withInternetHostOn("eip-2");
        List<FollowAgent> agents = wire.agents("eip", 2);
        FollowAgent a1 = agents.get(0);
        FollowAgent a2 = agents.get(1);
        String tenantId = wire.tenant("eip");
        Instance vm = wire.instance(wire.subnet(wire.vpc(tenantId, "10.7.0.0/16"), "10.7.1.0/24"), a1, "10.7.1.5");
        wire.awaitConverged();
        assertThat(ping(a1, vm.getInstanceId(), INTERNET_IP).getReceived())
                .as("no elastic IP: no way out")
                .isZero();

        EipsApi eips = new EipsApi(wire.admin());
        Eip eip = eips.allocateEip(new EipAllocate().tenantId(tenantId));
        long before = a1.appliedGeneration();
        eips.associateEip(eip.getAllocationId(), new EipAssociate().instanceId(vm.getInstanceId()));
        wire.awaitNewGeneration(a1, before);

        await().atMost(CONVERGENCE)
                .until(() -> ping(a1, vm.getInstanceId(), INTERNET_IP).getReceived() == 2);
        assertThat(ping(a2, INTERNET_PORT, eip.getPublicIp()).getReceived())
                .as("DENY_ALL by default")
                .isZero();

        long associated = a1.appliedGeneration();
        eips.updateEip(eip.getAllocationId(), new EipUpdate().ingressPolicy(IngressPolicy.ALLOW_ALL));
        wire.awaitNewGeneration(a1, associated);

        await().atMost(CONVERGENCE)
                .until(() -> ping(a2, INTERNET_PORT, eip.getPublicIp()).getReceived() == 2);
    }
}
