package io.vpclab.agent.linux;

import static io.vpclab.agent.linux.Lab.succeeds;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Two agents with static tables ({@link NetnsPairTable}) in two host namespaces of a {@link Lab},
 * joined by a veth underlay ({@code <underlay>.1} and {@code .2}), each serving one netns instance
 * (port "a" behind agent A, "b" behind agent B); ready when instance A pings instance B. Closing
 * deletes the instances' namespaces (should an agent have left them) and the table files; the lab
 * deletes the hosts.
 */
final class StaticTableAgentPair implements AutoCloseable {

    final String hostA;
    final String hostB;
    final String instanceA;
    final String instanceB;
    /** Instance A's TAP, named by the agent after the port and the instance. */
    final String tapA;

    final Lab.Background agentA;
    final Lab.Background agentB;

    private final Lab lab;
    private final String ipB;
    private final List<Path> tables = new ArrayList<>();

    /**
     * @param instancePrefix four letters: the instances are {@code <prefix>a<lab id>} and {@code <prefix>b<lab id>}
     * @param underlay the veth underlay's first three octets, for example "192.168.94"
     * @param vethPrefix the underlay veth's name prefix in the lab
     * @param a instance A's MAC and IP; {@code b} likewise
     * @param agentOptions more agent options, for both agents
     */
    StaticTableAgentPair(
            Lab lab,
            NetnsPairTable table,
            String instancePrefix,
            String underlay,
            String vethPrefix,
            Instance a,
            Instance b,
            String... agentOptions)
            throws IOException {
        this.lab = lab;
        this.ipB = b.ip;
        hostA = lab.namespace("h");
        hostB = lab.namespace("g");
        lab.joinByVeth(hostA, hostB, vethPrefix, underlay + ".1", underlay + ".2");
        instanceA = instancePrefix + "a" + lab.id;
        instanceB = instancePrefix + "b" + lab.id;
        tapA = "vlta" + lab.id;
        try {
            Path tableA =
                    table("a", table.yaml(underlay + ".1", underlay + ".2", "a", a.mac, a.ip, instanceA, b.mac, b.ip));
            Path tableB =
                    table("b", table.yaml(underlay + ".2", underlay + ".1", "b", b.mac, b.ip, instanceB, a.mac, a.ip));
            agentA = lab.start("agent-a", Lab.agentCommand(hostA, options(tableA, agentOptions)));
            agentB = lab.start("agent-b", Lab.agentCommand(hostB, options(tableB, agentOptions)));
            await().atMost(Duration.ofSeconds(40))
                    .pollInterval(Duration.ofMillis(500))
                    .until(() -> !agentA.process.isAlive()
                            || !agentB.process.isAlive()
                            || succeeds("ip", "netns", "exec", instanceA, "ping", "-c", "1", "-W", "1", b.ip));
            assertThat(agentA.process.isAlive()).as(agentA.output()).isTrue();
            assertThat(agentB.process.isAlive()).as(agentB.output()).isTrue();
        } catch (IOException | RuntimeException | Error e) {
            close(); // the caller gets no pair to close
            throw e;
        }
    }

    /**
     * An iperf3 server in instance B, bound to its address, on TCP {@code port}; listening when
     * this returns. {@code oneOff}: it serves one test, then exits.
     */
    Lab.Background iperf3ServerInB(String name, int port, boolean oneOff) {
        List<String> command = new ArrayList<>(List.of("ip", "netns", "exec", instanceB, "iperf3", "-s"));
        if (oneOff) {
            command.add("-1");
        }
        command.addAll(List.of("-B", ipB, "-p", Integer.toString(port)));
        Lab.Background server = lab.start(name, command);
        await().atMost(Duration.ofSeconds(10))
                .until(() -> Lab.tryRun("ip", "netns", "exec", instanceB, "ss", "-Htln", "sport", "=", ":" + port)
                        .contains(Integer.toString(port)));
        return server;
    }

    /** One side's instance: its MAC and IPv4 address. */
    record Instance(String mac, String ip) {}

    private Path table(String side, String yaml) throws IOException {
        Path file = Files.createTempFile("vl-table-" + side + "-", ".yaml");
        tables.add(file);
        Files.writeString(file, yaml);
        return file;
    }

    private static String[] options(Path table, String... more) {
        List<String> options = new ArrayList<>(List.of("--table", table.toString()));
        options.addAll(List.of(more));
        return options.toArray(String[]::new);
    }

    @Override
    public void close() throws IOException {
        Lab.tryRun("ip", "netns", "del", instanceA);
        Lab.tryRun("ip", "netns", "del", instanceB);
        for (Path table : tables) {
            Files.deleteIfExists(table);
        }
    }
}
