package io.vpclab.controlplane.southbound;

import static io.vpclab.controlplane.southbound.ControlPlaneLab.ping;
import static io.vpclab.controlplane.southbound.OnTheWireFixture.CONVERGENCE;
import static io.vpclab.controlplane.southbound.OnTheWireFixture.INTERNET_IP;
import static io.vpclab.controlplane.southbound.OnTheWireFixture.INTERNET_PORT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vpclab.agent.FollowAgent;
import io.vpclab.agent.stats.CounterFormat;
import io.vpclab.client.ApiException;
import io.vpclab.client.api.EipsApi;
import io.vpclab.client.api.HostStatsApi;
import io.vpclab.client.model.ConnectionStats;
import io.vpclab.client.model.Eip;
import io.vpclab.client.model.EipAllocate;
import io.vpclab.client.model.EipAssociate;
import io.vpclab.client.model.EipUpdate;
import io.vpclab.client.model.IngressPolicy;
import io.vpclab.client.model.Instance;
import io.vpclab.dataplane.host.SimulatedHost;
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

        // at least 2 requests and 2 replies each way crossed the elastic IP; 2 pings were refused
        HostStatsApi stats = new HostStatsApi(wire.admin());
        await().atMost(CONVERGENCE).ignoreException(ApiException.class).untilAsserted(() -> {
            ConnectionStats figures = stats.getHostStats(a1.hostId()).getReport().getConnections().stream()
                    .filter(c -> c.getKind() == ConnectionStats.KindEnum.ELASTIC_IP
                            && c.getId().equals(eip.getPublicIp()))
                    .findFirst()
                    .orElseThrow();
            assertThat(figures.getPacketsOut()).isGreaterThanOrEqualTo(4);
            assertThat(figures.getPacketsIn()).isGreaterThanOrEqualTo(4);
            assertThat(figures.getBytesOut()).isGreaterThanOrEqualTo(4L * ECHO_FRAME_BYTES);
            assertThat(figures.getBytesIn()).isGreaterThanOrEqualTo(4L * ECHO_FRAME_BYTES);
            assertThat(figures.getDropped()).as("refused under DENY_ALL").isGreaterThanOrEqualTo(2);
        });
        String metrics = CounterFormat.prometheus(a1.counterGroups());
        String id = "{id=\"" + eip.getPublicIp() + "\"} ";
        assertThat(metric(metrics, "vpclab_elastic_ip_packets_out_total" + id)).isGreaterThanOrEqualTo(4);
        assertThat(metric(metrics, "vpclab_elastic_ip_packets_in_total" + id)).isGreaterThanOrEqualTo(4);
        assertThat(metric(metrics, "vpclab_elastic_ip_drop_eip_ingress_denied_total" + id))
                .isGreaterThanOrEqualTo(2);
        assertThat(metric(metrics, "vpclab_connection_packets_in_total{id=\"elasticIp/" + eip.getPublicIp() + "\"} "))
                .isGreaterThanOrEqualTo(4);
        assertThat(CounterFormat.prometheus(a2.counterGroups()))
                .as("counted only where the NAT happens")
                .doesNotContain("vpclab_elastic_ip_");
    }

    /** An ICMP echo frame of a ping's data: Ethernet, IPv4 and ICMP headers around it. */
    private static final int ECHO_FRAME_BYTES = 14 + 20 + 8 + SimulatedHost.ECHO_DATA;

    private static long metric(String text, String nameAndLabels) {
        return text.lines()
                .filter(line -> line.startsWith(nameAndLabels))
                .mapToLong(line -> Long.parseLong(line.substring(nameAndLabels.length())))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no " + nameAndLabels + " in\n" + text));
    }
}
