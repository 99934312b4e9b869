package io.vpclab.controlplane.southbound;

import static io.vpclab.controlplane.southbound.ControlPlaneLab.ping;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vpclab.controlplane.publicnetwork.PublicNetworkProperties;
import io.vpclab.agent.FollowAgent;
import io.vpclab.client.api.EipsApi;
import io.vpclab.client.api.InstancesApi;
import io.vpclab.client.api.SubnetsApi;
import io.vpclab.client.api.TenantsApi;
import io.vpclab.client.api.VpcsApi;
import io.vpclab.client.model.Eip;
import io.vpclab.client.model.EipAllocate;
import io.vpclab.client.model.EipAssociate;
import io.vpclab.client.model.EipUpdate;
import io.vpclab.client.model.IngressPolicy;
import io.vpclab.client.model.Instance;
import io.vpclab.client.model.InstanceCreate;
import io.vpclab.client.model.InstanceKind;
import io.vpclab.client.model.SubnetCreate;
import io.vpclab.client.model.TenantCreate;
import io.vpclab.client.model.VpcCreate;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Elastic IPs through the whole chain: REST API -> compiler -> table stream -> agents -> packets.
 * Agent lab-2 hosts an internet host (placed by configuration); the instance on lab-1 gets an
 * elastic IP and pings it, and the internet host pings the elastic IP as the policy allows.
 */
class ElasticIpOnTheWireTest {

    private static final Duration CONVERGENCE = Duration.ofSeconds(30);
    private static final String INTERNET_IP = "198.51.100.10";

    private ControlPlaneLab lab;

    @AfterEach
    void stop() {
        if (lab != null) {
            lab.close();
        }
    }

    @Test
    void anInstanceWithAnElasticIpReachesTheInternetAndIsReachedOnlyAsThePolicyAllows() throws Exception {
        lab = new ControlPlaneLab();
        lab.startServer("--vpclab.public.internet-hosts[0].name=web",
                "--vpclab.public.internet-hosts[0].ip=" + INTERNET_IP,
                "--vpclab.public.internet-hosts[0].host=eip-2");
        int udpBase = FreeUdpPorts.consecutive(2);
        FollowAgent a1 = lab.agent("eip-1", udpBase);
        FollowAgent a2 = lab.agent("eip-2", udpBase + 1);
        String tenantId = new TenantsApi(lab.admin()).createTenant(new TenantCreate().name("eip")).getTenantId();
        String vpcId = new VpcsApi(lab.admin()).createVpc(new VpcCreate().cidrBlock("10.7.0.0/16").tenantId(tenantId)).getVpcId();
        String subnetId = new SubnetsApi(lab.admin()).createSubnet(new SubnetCreate().vpcId(vpcId).cidrBlock("10.7.1.0/24"))
                .getSubnetId();
        Instance vm = new InstancesApi(lab.admin()).runInstance(new InstanceCreate().subnetId(subnetId).hostId(a1.hostId())
                .kind(InstanceKind.SIMULATED).privateIpAddress("10.7.1.5"));
        await().atMost(CONVERGENCE).until(() -> lab.converged(a1) && lab.converged(a2));
        assertThat(ping(a1, vm.getInstanceId(), INTERNET_IP).getReceived()).as("no elastic IP: no way out").isZero();

        EipsApi eips = new EipsApi(lab.admin());
        Eip eip = eips.allocateEip(new EipAllocate().tenantId(tenantId));
        long before = a1.appliedGeneration();
        eips.associateEip(eip.getAllocationId(), new EipAssociate().instanceId(vm.getInstanceId()));
        await().atMost(CONVERGENCE).until(() -> a1.appliedGeneration() > before && lab.converged(a1) && lab.converged(a2));

        await().atMost(CONVERGENCE).until(() -> ping(a1, vm.getInstanceId(), INTERNET_IP).getReceived() == 2);
        String internetPort = PublicNetworkProperties.internetHostId("web");
        assertThat(ping(a2, internetPort, eip.getPublicIp()).getReceived()).as("DENY_ALL by default").isZero();

        long associated = a1.appliedGeneration();
        eips.updateEip(eip.getAllocationId(), new EipUpdate().ingressPolicy(IngressPolicy.ALLOW_ALL));
        await().atMost(CONVERGENCE).until(() -> a1.appliedGeneration() > associated && lab.converged(a1));

        await().atMost(CONVERGENCE).until(() -> ping(a2, internetPort, eip.getPublicIp()).getReceived() == 2);
    }
}
