package io.vpclab.controlplane.southbound;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vpclab.client.api.HostsApi;
import io.vpclab.client.model.Host;
import io.vpclab.client.model.HostStatus;
import io.vpclab.controlplane.ChildJvm;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The agent process (vpclab-agent's main, as a user runs it) against a real control plane: a
 * refused token ends it with a clear message and exit code 1, never "ready" and a 401 retried
 * forever; a control plane that is down is waited for, as before.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RefusedAgentTokenTest {

    private static final Duration EXIT = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    /** One server for the class (each agent has its own name and state file); the test that restarts it runs last. */
    private ControlPlaneLab lab;

    private final List<Process> agents = new ArrayList<>();

    @BeforeAll
    void startServer() throws IOException {
        lab = new ControlPlaneLab();
        lab.startServer();
    }

    @AfterEach
    void stopAgents() {
        agents.forEach(Process::destroyForcibly);
        agents.clear();
    }

    @AfterAll
    void stopServer() {
        lab.close();
    }

    @Test
    @Order(1)
    void aWrongBootstrapTokenEndsTheAgentAtRegistration() throws Exception {
        Process agent = agent("wrong", "--token", "not-a-token");

        assertThat(agent.waitFor(EXIT.toSeconds(), TimeUnit.SECONDS))
                .as("agent exits")
                .isTrue();
        assertThat(agent.exitValue()).isEqualTo(1);
        assertThat(stdout("wrong")).doesNotContain("ready");
        assertThat(stderr("wrong"))
                .contains("refused the token given to register this host (HTTP 401)")
                .contains("bootstrap or admin token");
        assertThat(Files.exists(dir.resolve("wrong.properties"))).isFalse();
    }

    @Test
    @Order(2)
    void aSavedHostTokenTheServerDoesNotKnowEndsTheAgentBeforeReady() throws Exception {
        Files.writeString(
                dir.resolve("stale.properties"), "hostId=host-0123456789abcdef0\ntoken=forgotten-host-token\n");
        Process agent = agent("stale");

        assertThat(agent.waitFor(EXIT.toSeconds(), TimeUnit.SECONDS))
                .as("agent exits")
                .isTrue();
        assertThat(agent.exitValue()).isEqualTo(1);
        assertThat(stdout("stale")).doesNotContain("ready");
        assertThat(stderr("stale"))
                .contains("refused the token of host host-0123456789abcdef0 (HTTP 401)")
                .contains("Delete " + dir.resolve("stale.properties"));
    }

    @Test
    @Order(3)
    void aServerThatIsDownIsWaitedForButADeregisteredHostEndsTheAgent() throws Exception {
        Process agent = agent("lab", "--token", ControlPlaneLab.ADMIN);
        await().atMost(EXIT).until(() -> stdout("lab").contains("ready"));
        String hostId = hostIdOf("lab");
        HostsApi hosts = new HostsApi(lab.admin());
        await().atMost(EXIT).until(() -> hosts.getHost(hostId).getStatus() == HostStatus.CONNECTED);

        // server down: the agent keeps retrying and comes back when the server does
        lab.stopServer();
        lab.startServer();
        HostsApi again = new HostsApi(lab.admin());
        await().atMost(EXIT).until(() -> {
            Host host = again.getHost(hostId);
            return host.getStatus() == HostStatus.CONNECTED
                    && host.getAppliedGeneration() >= host.getDesiredGeneration();
        });
        assertThat(agent.isAlive()).isTrue();

        // deregistered: its token is gone, and retrying cannot bring it back
        again.deregisterHost(hostId);
        assertThat(agent.waitFor(EXIT.toSeconds(), TimeUnit.SECONDS))
                .as("agent exits")
                .isTrue();
        assertThat(agent.exitValue()).isEqualTo(1);
        assertThat(stderr("lab")).contains("refused the token of host " + hostId);
    }

    private Process agent(String name, String... extra) throws IOException {
        List<String> command = ChildJvm.command("96m", "io.vpclab.agent.AgentMain");
        command.addAll(List.of(
                "--control-plane",
                lab.uri().toString(),
                "--underlay-ip",
                "127.0.0.1",
                "--port",
                Integer.toString(FreeUdpPorts.consecutive(1)),
                "--name",
                name,
                "--state-file",
                dir.resolve(name + ".properties").toString(),
                "--capabilities",
                "simulated",
                "--stats-interval",
                "0"));
        command.addAll(List.of(extra));
        Process process = new ProcessBuilder(command)
                .redirectOutput(dir.resolve(name + ".out").toFile())
                .redirectError(dir.resolve(name + ".err").toFile())
                .start();
        agents.add(process);
        return process;
    }

    private String stdout(String name) throws IOException {
        return Files.readString(dir.resolve(name + ".out"));
    }

    private String stderr(String name) throws IOException {
        return Files.readString(dir.resolve(name + ".err"));
    }

    private String hostIdOf(String name) throws IOException {
        java.util.Properties identity = new java.util.Properties();
        try (var in = Files.newInputStream(dir.resolve(name + ".properties"))) {
            identity.load(in);
        }
        return identity.getProperty("hostId");
    }
}
