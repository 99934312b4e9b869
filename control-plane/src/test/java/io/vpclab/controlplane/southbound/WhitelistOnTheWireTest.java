package io.vpclab.controlplane.southbound;

import static io.vpclab.controlplane.southbound.OnTheWireFixture.CONVERGENCE;
import static io.vpclab.controlplane.southbound.OnTheWireFixture.INTERNET_IP;
import static io.vpclab.controlplane.southbound.OnTheWireFixture.INTERNET_PORT;
import static io.vpclab.controlplane.southbound.OnTheWireFixture.tcp;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vpclab.agent.FollowAgent;
import io.vpclab.client.ApiException;
import io.vpclab.client.api.EipsApi;
import io.vpclab.client.api.HostStatsApi;
import io.vpclab.client.api.WhitelistsApi;
import io.vpclab.client.model.Eip;
import io.vpclab.client.model.EipAllocate;
import io.vpclab.client.model.EipAssociate;
import io.vpclab.client.model.EipUpdate;
import io.vpclab.client.model.IngressPolicy;
import io.vpclab.client.model.Instance;
import io.vpclab.client.model.Whitelist;
import io.vpclab.client.model.WhitelistCreate;
import io.vpclab.client.model.WhitelistProtocol;
import io.vpclab.client.model.WhitelistRule;
import io.vpclab.client.model.WhitelistRuleCreate;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Whitelists through the whole chain: REST API -> compiler -> table stream -> agents -> packets ->
 * stats reports -> REST API. The internet host "web" on agent wl-2 probes the elastic IP of an
 * instance on wl-1 whose ingress whitelist admits TCP 22 only; a rule added over REST opens 80.
 */
class WhitelistOnTheWireTest {

    private OnTheWireFixture wire;

    @AfterEach
    void stop() {
        if (wire != null) {
            wire.close();
        }
    }

    @Test
    void anIngressWhitelistAdmitsItsPortsCountsHitsAndDropsAndTakesNewRules() throws Exception {
        wire = OnTheWireFixture.withInternetHostOn("wl-2");
        List<FollowAgent> agents = wire.agents("wl", 2);
        FollowAgent a1 = agents.get(0);
        FollowAgent a2 = agents.get(1);
        String tenantId = wire.tenant("wl");
        Instance vm = wire.instance(wire.subnet(wire.vpc(tenantId, "10.9.0.0/16"), "10.9.1.0/24"), a1, "10.9.1.5");
        WhitelistsApi whitelists = new WhitelistsApi(wire.admin());
        Whitelist whitelist = whitelists.createWhitelist(new WhitelistCreate()
                .name("ssh-only")
                .tenantId(tenantId)
                .rules(List.of(new WhitelistRuleCreate()
                        .protocol(WhitelistProtocol.TCP)
                        .cidrBlock("198.51.100.0/24")
                        .fromPort(22)
                        .toPort(22))));
        String sshRule = whitelist.getRules().get(0).getRuleId();
        EipsApi eips = new EipsApi(wire.admin());
        Eip eip = eips.allocateEip(new EipAllocate().tenantId(tenantId));
        eips.associateEip(eip.getAllocationId(), new EipAssociate().instanceId(vm.getInstanceId()));
        eips.updateEip(
                eip.getAllocationId(),
                new EipUpdate().ingressPolicy(IngressPolicy.WHITELIST).whitelistId(whitelist.getWhitelistId()));
        wire.awaitConverged();

        // every probe's SYN passes the whitelist; on a busy machine one may time out before its answer comes back
        AtomicInteger sshProbes = new AtomicInteger();
        await().atMost(CONVERGENCE).until(() -> {
            sshProbes.incrementAndGet();
            return "open".equals(tcp(a2, INTERNET_PORT, eip.getPublicIp(), 22));
        });
        assertThat(tcp(a2, INTERNET_PORT, eip.getPublicIp(), 80))
                .as("open on the instance, not in the whitelist")
                .isEqualTo("filtered");
        assertThat(ControlPlaneLab.ping(a1, vm.getInstanceId(), INTERNET_IP).getReceived())
                .as("the instance's own flows still pass")
                .isEqualTo(2);

        HostStatsApi stats = new HostStatsApi(wire.admin());
        await().atMost(CONVERGENCE).ignoreException(ApiException.class).untilAsserted(() -> {
            assertThat(stats.getHostStats(a1.hostId()).getReport().getHost().getDropsByReason())
                    .as("the drop reason, where the filter runs")
                    .containsEntry("WHITELIST_DENIED", 1L);
            Whitelist counted = whitelists.getWhitelist(whitelist.getWhitelistId());
            assertThat(counted.getRules())
                    .extracting(WhitelistRule::getHitCount)
                    .singleElement()
                    .isEqualTo(sshProbes.longValue());
            assertThat(counted.getDropCount()).isEqualTo(1);
        });

        long before = a1.appliedGeneration();
        Whitelist widened = whitelists.addWhitelistRule(
                whitelist.getWhitelistId(),
                new WhitelistRuleCreate()
                        .protocol(WhitelistProtocol.TCP)
                        .cidrBlock("0.0.0.0/0")
                        .fromPort(80)
                        .toPort(80));
        String webRule = widened.getRules().get(1).getRuleId();
        wire.awaitNewGeneration(a1, before);

        assertThat(tcp(a2, INTERNET_PORT, eip.getPublicIp(), 80)).isEqualTo("open");
        await().atMost(CONVERGENCE).ignoreException(ApiException.class).untilAsserted(() -> {
            Whitelist counted = whitelists.getWhitelist(whitelist.getWhitelistId());
            assertThat(counted.getRules()).extracting(WhitelistRule::getRuleId).containsExactly(sshRule, webRule);
            assertThat(counted.getRules())
                    .extracting(WhitelistRule::getHitCount)
                    .as("hits survive the new generation")
                    .containsExactly(sshProbes.longValue(), 1L);
            assertThat(counted.getDropCount()).isEqualTo(1);
        });
    }
}
