package io.vpclab.agent.southbound;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vpclab.agent.stats.StatsSection;
import io.vpclab.client.model.TrafficStats;
import io.vpclab.client.model.WhitelistRuleStats;
import io.vpclab.client.model.WhitelistStats;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

class StatsReporterTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private FakeControlPlane controlPlane;
    private StatsReporter reporter;
    private final AtomicLong packets = new AtomicLong();

    @BeforeEach
    void start() throws Exception {
        controlPlane = new FakeControlPlane();
        StatsSection host = report -> report.host(new TrafficStats()
                .packetsIn(packets.incrementAndGet())
                .packetsOut(0L)
                .bytesIn(0L)
                .bytesOut(0L)
                .floods(0L)
                .arpSuppressed(0L)
                .drops(0L));
        StatsSection whitelists = report -> report.addWhitelistsItem(new WhitelistStats()
                .whitelistId("wl-1")
                .drops(3L)
                .rules(List.of(new WhitelistRuleStats().ruleId("r-1").hits(7L))));
        reporter = new StatsReporter(
                new ControlPlaneEndpoint(controlPlane.uri(), FakeControlPlane.TOKEN),
                FakeControlPlane.HOST,
                List.of(host, whitelists));
    }

    @AfterEach
    void stop() {
        reporter.close();
        controlPlane.close();
    }

    @Test
    void postsEveryIntervalAReportMadeOfAllSectionsWithTheHostToken() {
        reporter.start(Duration.ofMillis(50));

        await().atMost(Duration.ofSeconds(10)).until(() -> controlPlane.statsReports.size() >= 3);
        JsonNode first = JSON.readTree(controlPlane.statsReports.get(0));
        JsonNode third = JSON.readTree(controlPlane.statsReports.get(2));
        assertThat(first.path("takenAt").asString()).isNotBlank();
        assertThat(third.path("host").path("packetsIn").asLong())
                .as("fresh figures each tick")
                .isGreaterThan(first.path("host").path("packetsIn").asLong());
        assertThat(first.path("whitelists")
                        .get(0)
                        .path("rules")
                        .get(0)
                        .path("hits")
                        .asLong())
                .isEqualTo(7);
        assertThat(controlPlane.authorizations).containsOnly("Bearer " + FakeControlPlane.TOKEN);
    }

    @Test
    void aRefusedPostIsRetriedWithFreshFiguresOnTheNextTick() {
        controlPlane.statsFailures.set(3);
        reporter.start(Duration.ofMillis(50));

        await().atMost(Duration.ofSeconds(10)).until(() -> !controlPlane.statsReports.isEmpty());
        assertThat(controlPlane.statsFailures.get()).isZero();
        assertThat(JSON.readTree(controlPlane.statsReports.get(0))
                        .path("host")
                        .path("packetsIn")
                        .asLong())
                .as("three refused reports were made before it")
                .isGreaterThanOrEqualTo(4);
        assertThat(reporter.sent()).isGreaterThanOrEqualTo(1);
    }
}
