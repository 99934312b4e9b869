package io.vpclab.controlplane.southbound;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vpclab.agent.linux.Lab;
import io.vpclab.client.ApiClient;
import io.vpclab.client.api.DiagnosticsApi;
import io.vpclab.client.api.HostsApi;
import io.vpclab.client.model.Host;
import io.vpclab.client.model.HostStatus;
import io.vpclab.client.model.Instance;
import io.vpclab.client.model.PingRequest;
import io.vpclab.controlplane.PostgresSupport;
import io.vpclab.controlplane.ServerProcess;
import io.vpclab.controlplane.TestServers;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two replica processes on one real PostgreSQL behind HAProxy with the repository's sample
 * configuration (docs/haproxy-two-replicas.cfg, ports changed to free ones), two agent processes
 * in their own namespaces following HAProxy, netns instances behind them. While iperf3 runs
 * between the instances, the replica that serves the agents' streams is killed with SIGKILL: the
 * transfer goes on, the agents move to the other replica, and a change made through HAProxy
 * afterwards reaches both agents.
 */
class ReplicasBehindHaproxyLinuxTest {

    private static final String SCHEMA = "vpclab_it_haproxy";
    private static final Duration CONVERGENCE = TwoAgentMachines.CONVERGENCE;
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @TempDir
    Path data;

    private final List<ServerProcess> replicas = new ArrayList<>();
    private Lab.Background haproxy;
    private TwoAgentMachines machines;
    private int proxyPort;

    @AfterEach
    void teardown() {
        if (machines != null) {
            machines.close();
        }
        if (haproxy != null) {
            haproxy.stop();
        }
        replicas.forEach(ServerProcess::close);
    }

    @Test
    void iperf3BetweenNetnsInstancesOutlivesASigkilledReplicaAndLaterChangesReachBothAgents() throws Exception {
        Lab.assumeLinuxRootWith("ip", "nsenter", "haproxy", "iperf3", "ping");
        PostgresSupport.requireServerAndRecreate(SCHEMA);
        for (String name : List.of("a", "b")) {
            replicas.add(ServerProcess.start(
                    data.resolve(name),
                    ServerProcess.freePort(),
                    Map.of(
                            "VPCLAB_DB_URL", PostgresSupport.urlWithSchema(SCHEMA),
                            "VPCLAB_DB_USER", PostgresSupport.USER,
                            "VPCLAB_DB_PASSWORD", PostgresSupport.PASSWORD),
                    "--spring.profiles.active=postgres"));
        }
        proxyPort = ServerProcess.freePort();
        haproxy = startHaproxy(replicas.get(0).port(), replicas.get(1).port());
        machines = TwoAgentMachines.following(proxyPort, ServerProcess.ADMIN_TOKEN, "all", "iperf3", "haproxy");
        ApiClient admin = TestServers.client("http://127.0.0.1:" + proxyPort, ServerProcess.ADMIN_TOKEN);

        TwoAgentMachines.Network network =
                TwoAgentMachines.Network.create(admin, "haproxy", "10.78.0.0/16", "10.78.1.0/24");
        String hostA = machines.hostId(machines.agentA);
        String hostB = machines.hostId(machines.agentB);
        Instance left = network.launchNetns(admin, hostA, "10.78.1.10");
        Instance right = network.launchNetns(admin, hostB, "10.78.1.11");
        await().atMost(CONVERGENCE).until(machines::converged);
        String leftNamespace = TwoAgentMachines.namespaceOf(left);
        String rightNamespace = TwoAgentMachines.namespaceOf(right);
        ServerProcess doomed = replicaServingMostAgents(List.of(hostA, hostB));

        Lab.Background server = machines.iperf3Server("iperf3-server", rightNamespace, 5201);
        Lab.Background client = machines.iperf3AcrossAnOutage(leftNamespace, "10.78.1.11");
        TwoAgentMachines.awaitEstablished(rightNamespace, 5201, "10.78.1.10");

        doomed.kill();
        ServerProcess survivor = replicas.get(0) == doomed ? replicas.get(1) : replicas.get(0);
        await().atMost(CONVERGENCE)
                .alias("both agents follow the surviving replica")
                .until(() -> servedAgents(survivor, List.of(hostA, hostB)) == 2);

        assertThat(client.process.waitFor(90, TimeUnit.SECONDS)).isTrue();
        String report = client.output();
        assertThat(client.process.exitValue()).as(report).isZero();
        assertThat(report).doesNotContain("\"error\"");
        assertThat(TwoAgentMachines.receivedBytes(report))
                .as("bytes received by iperf3 across the SIGKILL")
                .isGreaterThan(10_000_000L);
        server.stop();

        long rightHeld = new HostsApi(admin).getHost(hostB).getAppliedGeneration();
        Instance added = network.launchNetns(admin, hostA, "10.78.1.12");
        await().atMost(CONVERGENCE)
                .alias("the change made through HAProxy after the kill reaches the right agent too")
                .until(() -> new HostsApi(admin).getHost(hostB).getAppliedGeneration() > rightHeld
                        && Lab.succeeds(
                                "ip", "netns", "exec", rightNamespace, "ping", "-c", "1", "-W", "1", "10.78.1.12"));
        await().atMost(CONVERGENCE).until(machines::converged);
        for (String hostId : List.of(hostA, hostB)) {
            Host shown = new HostsApi(admin).getHost(hostId);
            assertThat(shown.getStatus()).isEqualTo(HostStatus.CONNECTED);
            assertThat(shown.getAppliedGeneration()).isEqualTo(shown.getDesiredGeneration());
        }
        assertThat(new DiagnosticsApi(admin)
                        .pingFromInstance(
                                added.getInstanceId(),
                                new PingRequest().target("10.78.1.11").count(2).timeoutMillis(1000))
                        .getReceived())
                .as("ping through HAProxy from the new instance")
                .isEqualTo(2);
    }

    /** HAProxy with the sample configuration, listening on {@link #proxyPort} in front of the two replicas. */
    private Lab.Background startHaproxy(int portA, int portB) throws Exception {
        String sample = Files.readString(Path.of("..", "docs", "haproxy-two-replicas.cfg"));
        String config = sample.replace("bind *:8080", "bind *:" + proxyPort)
                .replace("127.0.0.1:8081", "127.0.0.1:" + portA)
                .replace("127.0.0.1:8082", "127.0.0.1:" + portB);
        assertThat(config).as("the sample's ports were found").contains(":" + proxyPort, ":" + portA, ":" + portB);
        Path file = data.resolve("haproxy-" + UUID.randomUUID() + ".cfg");
        Files.writeString(file, config);
        // started before the machines, which need its port: a lab of its own (it holds no namespace)
        Lab.Background proxy = new Lab().start("haproxy", List.of("haproxy", "-db", "-f", file.toString()));
        await().atMost(Duration.ofSeconds(30))
                .alias("HAProxy answers for a replica")
                .until(() -> status("http://127.0.0.1:" + proxyPort + "/actuator/health") == 200);
        return proxy;
    }

    /** The replica whose streams carry the most of {@code hostIds} (its {@code vpclab_host_connected} gauges). */
    private ServerProcess replicaServingMostAgents(List<String> hostIds) {
        ServerProcess first = replicas.get(0);
        ServerProcess second = replicas.get(1);
        return servedAgents(second, hostIds) > servedAgents(first, hostIds) ? second : first;
    }

    private static int servedAgents(ServerProcess replica, List<String> hostIds) {
        String metrics;
        try {
            metrics = HTTP.send(
                            HttpRequest.newBuilder(URI.create(replica.baseUri() + "/actuator/prometheus"))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString())
                    .body();
        } catch (Exception e) {
            return 0;
        }
        int served = 0;
        for (String hostId : hostIds) {
            if (metrics.lines()
                    .anyMatch(line -> line.startsWith("vpclab_host_connected")
                            && line.contains("host=\"" + hostId + "\"")
                            && line.endsWith(" 1.0"))) {
                served++;
            }
        }
        return served;
    }

    private static int status(String url) {
        try {
            return HTTP.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.discarding())
                    .statusCode();
        } catch (Exception e) {
            return 0;
        }
    }
}
