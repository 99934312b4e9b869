package io.vpclab.agent.stats;

import static org.assertj.core.api.Assertions.assertThat;

import io.vpclab.client.model.HostStatsReport;
import io.vpclab.client.model.NatGatewayStats;
import io.vpclab.client.model.NatSession;
import io.vpclab.dataplane.stats.DropReason;
import io.vpclab.dataplane.stats.NatGatewaySnapshot;
import io.vpclab.dataplane.stats.NatSessionSnapshot;
import io.vpclab.net.Ipv4Address;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class NatGatewayStatsSectionTest {

    @Test
    void reportsEachGatewaySortedWithItsSessionsAndDropsByName() {
        NatSessionSnapshot session = new NatSessionSnapshot(
                "ICMP",
                Ipv4Address.parse("10.0.2.5"),
                7,
                Ipv4Address.parse("203.0.113.20"),
                1024,
                Ipv4Address.parse("198.51.100.10"),
                0,
                "ESTABLISHED",
                3,
                350,
                2,
                2,
                196,
                196);
        NatGatewaySnapshot b = new NatGatewaySnapshot(
                "nat-b",
                1,
                5,
                10,
                1000,
                9,
                900,
                2,
                Map.of(DropReason.ERROR_PORT_ALLOCATION, 2L, DropReason.NAT_UNSOLICITED, 4L),
                List.of(session));
        NatGatewaySnapshot a = new NatGatewaySnapshot("nat-a", 0, 0, 0, 0, 0, 0, 0, Map.of(), List.of());
        AtomicInteger asked = new AtomicInteger();
        HostStatsReport report = new HostStatsReport();

        new NatGatewayStatsSection(limit -> {
                    asked.set(limit);
                    return List.of(b, a);
                })
                .contribute(report);

        assertThat(asked.get()).isEqualTo(1000);
        assertThat(report.getNatGateways())
                .extracting(NatGatewayStats::getNatGatewayId)
                .containsExactly("nat-a", "nat-b");
        NatGatewayStats stats = report.getNatGateways().get(1);
        assertThat(stats.getSessionsCreated()).isEqualTo(5);
        assertThat(stats.getPortAllocationErrors()).isEqualTo(2);
        assertThat(stats.getDropsByReason())
                .containsEntry("ERROR_PORT_ALLOCATION", 2L)
                .containsEntry("NAT_UNSOLICITED", 4L);
        assertThat(stats.getSessions())
                .containsExactly(new NatSession()
                        .protocol(NatSession.ProtocolEnum.ICMP)
                        .privateIp("10.0.2.5")
                        .privatePort(7)
                        .publicIp("203.0.113.20")
                        .publicPort(1024)
                        .remoteIp("198.51.100.10")
                        .remotePort(0)
                        .state("ESTABLISHED")
                        .idleSeconds(3L)
                        .timeoutSeconds(350L)
                        .packetsOut(2L)
                        .packetsIn(2L)
                        .bytesOut(196L)
                        .bytesIn(196L));
        assertThat(report.getHost()).isNull(); // other sections' parts are left alone
    }
}
