package io.vpclab.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vpclab.agent.table.TableRefusedException;
import io.vpclab.dataplane.host.PingResult;
import io.vpclab.dataplane.host.SimulatedHost;
import io.vpclab.net.Ipv4Address;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two table-mode agents in one JVM on loopback UDP with simulated instances (no root): ping
 * crosses the tunnel, a bad reload is refused whole and the old table keeps forwarding, a good
 * reload swaps the generation.
 */
class TableAgentTest {

    private final int port = ThreadLocalRandom.current().nextInt(40000, 60000);

    /** Two agents on loopback, each with one simulated instance, each table pointing at the other. */
    private void writeFacingTables(Path fileA, Path fileB) throws IOException {
        Files.writeString(
                fileA,
                table(
                        1,
                        "127.0.0.1",
                        "127.0.0.2",
                        "sa",
                        "02:00:00:00:00:0a",
                        "10.7.0.10",
                        "02:00:00:00:00:0b",
                        "10.7.0.11"));
        Files.writeString(
                fileB,
                table(
                        1,
                        "127.0.0.2",
                        "127.0.0.1",
                        "sb",
                        "02:00:00:00:00:0b",
                        "10.7.0.11",
                        "02:00:00:00:00:0a",
                        "10.7.0.10"));
    }

    @Test
    void pingsAcrossAndReloadsOnlyAWholeValidTable(@TempDir Path dir) throws Exception {
        Path fileA = dir.resolve("a.yaml");
        Path fileB = dir.resolve("b.yaml");
        writeFacingTables(fileA, fileB);
        try (TableAgent a = TableAgent.start(fileA);
                TableAgent b = TableAgent.start(fileB)) {
            SimulatedHost hostA = (SimulatedHost) a.device("sa");
            assertThat(ping(hostA, "10.7.0.11")).isEqualTo(2);
            assertThat(a.counterGroups()).containsKeys("host", "segment/4242", "port/sa");
            assertThat(a.counterGroups().get("port/sa").get("packetsIn")).isPositive();

            String good = Files.readString(fileA);
            Files.writeString(fileA, good.replace("  - vni: 4242\n    mac: 02", "  - vni: 0\n    mac: 02"));
            assertThatThrownBy(a::reload)
                    .isInstanceOfSatisfying(
                            TableRefusedException.class,
                            e -> assertThat(e.first().message()).contains("1..16777215"));
            assertThat(a.state().generation()).isEqualTo(1);
            assertThat(ping(hostA, "10.7.0.11"))
                    .as("the old table still forwards")
                    .isEqualTo(2);

            Files.writeString(fileA, good.replace("generation: 1", "generation: 2"));
            a.reload();
            assertThat(a.state().generation()).isEqualTo(2);
            assertThat(a.device("sa"))
                    .as("an unchanged port keeps its instance")
                    .isSameAs(hostA);
            assertThat(ping(hostA, "10.7.0.11")).isEqualTo(2);

            Files.writeString(fileA, good.replace("underlayIp: 127.0.0.1", "underlayIp: 127.0.0.3"));
            assertThatThrownBy(a::reload).hasMessageContaining("restart the agent");
        }
    }

    @Test
    void twoEventLoopsForwardAndReportTheirShareNextToTheSameTotals(@TempDir Path dir) throws Exception {
        Path fileA = dir.resolve("a.yaml");
        Path fileB = dir.resolve("b.yaml");
        writeFacingTables(fileA, fileB);
        EventLoopChoice two = new EventLoopChoice(2, false);
        try (TableAgent a = TableAgent.start(fileA, OffloadChoice.ALL, two);
                TableAgent b = TableAgent.start(fileB, OffloadChoice.ALL, two)) {
            SimulatedHost hostA = (SimulatedHost) a.device("sa");
            assertThat(ping(hostA, "10.7.0.11")).isEqualTo(2);

            var groups = b.counterGroups();
            assertThat(groups).containsKeys("host", "port/sb", "loop/0", "loop/1");
            long underlayIn = groups.get("loop/0").get("underlayIn")
                    + groups.get("loop/1").get("underlayIn");
            assertThat(underlayIn).isPositive().isEqualTo(groups.get("host").get("packetsIn"));
            long portOut = groups.get("loop/0").get("portFramesOut")
                    + groups.get("loop/1").get("portFramesOut");
            assertThat(portOut).isEqualTo(groups.get("port/sb").get("packetsOut"));
        }
    }

    @Test
    void refusesABadFileBeforeBindingAnything(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("bad.yaml");
        Files.writeString(
                file,
                table(
                                1,
                                "127.0.0.1",
                                "127.0.0.2",
                                "sa",
                                "02:00:00:00:00:0a",
                                "10.7.0.10",
                                "02:00:00:00:00:0b",
                                "10.7.0.11")
                        .replace("vtep: peer", "vtep: nobody"));
        assertThatThrownBy(() -> TableAgent.start(file)).isInstanceOfSatisfying(TableRefusedException.class, e -> {
            assertThat(e.first().pointer()).isEqualTo("/macs/0/vtep");
            assertThat(e.getMessage()).contains("line 23");
        });
    }

    private static long ping(SimulatedHost host, String target) throws Exception {
        PingResult result =
                host.ping(Ipv4Address.parse(target), 2, Duration.ofSeconds(2)).get(10, TimeUnit.SECONDS);
        return result.received();
    }

    private String table(
            int generation,
            String local,
            String remote,
            String id,
            String mac,
            String ip,
            String remoteMac,
            String remoteIp) {
        return """
                generation: %d
                host:
                  underlayIp: %s
                  udpPort: %d
                vteps:
                  - id: peer
                    ip: %s
                    port: %d
                segments:
                  - vni: 4242
                    cidrBlock: 10.7.0.0/24
                    floodList: [peer]
                ports:
                  - id: %s
                    kind: simulated
                    vni: 4242
                    mac: %s
                    ipAddress: %s
                    prefixLength: 24
                macs:
                  - vni: 4242
                    mac: %s
                    vtep: peer
                bindings:
                  - vni: 4242
                    ipAddress: %s
                    mac: %s
                """.formatted(generation, local, port, remote, port, id, mac, ip, remoteMac, remoteIp, remoteMac);
    }
}
