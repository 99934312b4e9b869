package io.vpclab.controlplane.southbound;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vpclab.controlplane.publicnetwork.PublicNetworkProperties;
import io.vpclab.agent.FollowAgent;
import io.vpclab.client.ApiException;
import io.vpclab.client.api.EipsApi;
import io.vpclab.client.api.HostStatsApi;
import io.vpclab.client.api.InstancesApi;
import io.vpclab.client.api.SubnetsApi;
import io.vpclab.client.api.TenantsApi;
import io.vpclab.client.api.VpcsApi;
import io.vpclab.client.api.WhitelistsApi;
import io.vpclab.client.model.Eip;
import io.vpclab.client.model.EipAllocate;
import io.vpclab.client.model.EipAssociate;
import io.vpclab.client.model.EipUpdate;
import io.vpclab.client.model.IngressPolicy;
import io.vpclab.client.model.Instance;
import io.vpclab.client.model.InstanceCreate;
import io.vpclab.client.model.InstanceKind;
import io.vpclab.client.model.ProbeRequest;
import io.vpclab.client.model.ProbeType;
import io.vpclab.client.model.SubnetCreate;
import io.vpclab.client.model.TenantCreate;
import io.vpclab.client.model.VpcCreate;
import io.vpclab.client.model.Whitelist;
import io.vpclab.client.model.WhitelistCreate;
import io.vpclab.client.model.WhitelistProtocol;
import io.vpclab.client.model.WhitelistRule;
import io.vpclab.client.model.WhitelistRuleCreate;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Whitelists through the whole chain: REST API -> compiler -> table stream -> agents -> packets ->
 * stats reports -> REST API. The internet host "web" on agent wl-2 probes the elastic IP of an
 * instance on wl-1 whose ingress whitelist admits TCP 22 only; a rule added over REST opens 80.
 */
class WhitelistOnTheWireTest {

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
    void anIngressWhitelistAdmitsItsPortsCountsHitsAndDropsAndTakesNewRules() throws Exception {
        lab = new ControlPlaneLab();
        lab.startServer("--vpclab.public.internet-hosts[0].name=web",
                "--vpclab.public.internet-hosts[0].ip=" + INTERNET_IP,
                "--vpclab.public.internet-hosts[0].host=wl-2");
        int udpBase = FreeUdpPorts.consecutive(2);
        FollowAgent a1 = lab.agent("wl-1", udpBase);
        FollowAgent a2 = lab.agent("wl-2", udpBase + 1);
        String tenantId = new TenantsApi(lab.admin()).createTenant(new TenantCreate().name("wl")).getTenantId();
        String vpcId = new VpcsApi(lab.admin()).createVpc(new VpcCreate().cidrBlock("10.9.0.0/16").tenantId(tenantId)).getVpcId();
        String subnetId = new SubnetsApi(lab.admin()).createSubnet(new SubnetCreate().vpcId(vpcId).cidrBlock("10.9.1.0/24"))
                .getSubnetId();
        Instance vm = new InstancesApi(lab.admin()).runInstance(new InstanceCreate().subnetId(subnetId).hostId(a1.hostId())
                .kind(InstanceKind.SIMULATED).privateIpAddress("10.9.1.5"));
        WhitelistsApi whitelists = new WhitelistsApi(lab.admin());
        Whitelist whitelist = whitelists.createWhitelist(new WhitelistCreate().name("ssh-only").tenantId(tenantId)
                .rules(List.of(new WhitelistRuleCreate().protocol(WhitelistProtocol.TCP).cidrBlock("198.51.100.0/24")
                        .fromPort(22).toPort(22))));
        String sshRule = whitelist.getRules().get(0).getRuleId();
        EipsApi eips = new EipsApi(lab.admin());
        Eip eip = eips.allocateEip(new EipAllocate().tenantId(tenantId));
        eips.associateEip(eip.getAllocationId(), new EipAssociate().instanceId(vm.getInstanceId()));
        eips.updateEip(eip.getAllocationId(), new EipUpdate().ingressPolicy(IngressPolicy.WHITELIST)
                .whitelistId(whitelist.getWhitelistId()));
        await().atMost(CONVERGENCE).until(() -> lab.converged(a1) && lab.converged(a2));
        String internet = PublicNetworkProperties.internetHostId("web");

        await().atMost(CONVERGENCE).until(() -> "open".equals(tcp(a2, internet, eip.getPublicIp(), 22)));
        assertThat(tcp(a2, internet, eip.getPublicIp(), 80)).as("open on the instance, not in the whitelist")
                .isEqualTo("filtered");
        assertThat(ControlPlaneLab.ping(a1, vm.getInstanceId(), INTERNET_IP).getReceived())
                .as("the instance's own flows still pass").isEqualTo(2);

        HostStatsApi stats = new HostStatsApi(lab.admin());
        await().atMost(CONVERGENCE).ignoreException(ApiException.class).untilAsserted(() -> {
            assertThat(stats.getHostStats(a1.hostId()).getReport().getHost().getDropsByReason())
                    .as("the drop reason, where the filter runs").containsEntry("WHITELIST_DENIED", 1L);
            Whitelist counted = whitelists.getWhitelist(whitelist.getWhitelistId());
            assertThat(counted.getRules()).extracting(WhitelistRule::getHitCount).containsExactly(1L);
            assertThat(counted.getDropCount()).isEqualTo(1);
        });

        long before = a1.appliedGeneration();
        Whitelist widened = whitelists.addWhitelistRule(whitelist.getWhitelistId(), new WhitelistRuleCreate()
                .protocol(WhitelistProtocol.TCP).cidrBlock("0.0.0.0/0").fromPort(80).toPort(80));
        String webRule = widened.getRules().get(1).getRuleId();
        await().atMost(CONVERGENCE).until(() -> a1.appliedGeneration() > before && lab.converged(a1));

        assertThat(tcp(a2, internet, eip.getPublicIp(), 80)).isEqualTo("open");
        await().atMost(CONVERGENCE).ignoreException(ApiException.class).untilAsserted(() -> {
            Whitelist counted = whitelists.getWhitelist(whitelist.getWhitelistId());
            assertThat(counted.getRules()).extracting(WhitelistRule::getRuleId).containsExactly(sshRule, webRule);
            assertThat(counted.getRules()).extracting(WhitelistRule::getHitCount).as("hits survive the new generation")
                    .containsExactly(1L, 1L);
            assertThat(counted.getDropCount()).isEqualTo(1);
        });
    }

    /** A TCP port probe from an agent's port: open, closed or filtered. */
    private static String tcp(FollowAgent from, String portId, String target, int port) {
        return from.probe(new ProbeRequest().requestId(UUID.randomUUID().toString()).portId(portId)
                .type(ProbeType.TCP).target(target).port(port).timeoutMillis(500)).getOutcome();
    }
}
