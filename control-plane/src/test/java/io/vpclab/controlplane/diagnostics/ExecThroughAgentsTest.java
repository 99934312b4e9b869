package io.vpclab.controlplane.diagnostics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.vpclab.agent.FollowAgent;
import io.vpclab.agent.linux.Lab;
import io.vpclab.client.ApiClient;
import io.vpclab.client.ApiException;
import io.vpclab.client.api.DiagnosticsApi;
import io.vpclab.client.api.ExecApi;
import io.vpclab.client.api.InstancesApi;
import io.vpclab.client.api.SubnetsApi;
import io.vpclab.client.api.TenantsApi;
import io.vpclab.client.api.VpcsApi;
import io.vpclab.client.model.BroadcastBurstRequest;
import io.vpclab.client.model.ExecRequest;
import io.vpclab.client.model.ExecResult;
import io.vpclab.client.model.Instance;
import io.vpclab.client.model.InstanceCreate;
import io.vpclab.client.model.InstanceKind;
import io.vpclab.client.model.PingRequest;
import io.vpclab.client.model.ProbeResult;
import io.vpclab.client.model.SubnetCreate;
import io.vpclab.client.model.TenantCreate;
import io.vpclab.client.model.TokenCreate;
import io.vpclab.client.model.VpcCreate;
import io.vpclab.controlplane.TestServers;
import io.vpclab.controlplane.southbound.ControlPlaneLab;
import io.vpclab.controlplane.southbound.FreeUdpPorts;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code POST /instances/{id}/exec} end to end: the control plane relays the command to the
 * instance's agent (in process, on loopback) and returns what it ran. Simulated instances always;
 * netns instances as root (real namespaces), including what is left running in one.
 */
class ExecThroughAgentsTest {

    private ControlPlaneLab lab;
    private FollowAgent agent;
    private String tenantId;
    private String subnetId;

    @BeforeEach
    void start() throws Exception {
        lab = new ControlPlaneLab();
        lab.startServer();
        boolean root = rootWithNamespaces();
        agent = lab.agent(
                "exec-host",
                FreeUdpPorts.consecutive(1),
                Duration.ZERO,
                root ? List.of(InstanceKind.SIMULATED, InstanceKind.NETNS) : List.of(InstanceKind.SIMULATED));
        tenantId = new TenantsApi(lab.admin())
                .createTenant(new TenantCreate().name("exec"))
                .getTenantId();
        String vpcId = new VpcsApi(lab.admin())
                .createVpc(new VpcCreate().cidrBlock("10.78.0.0/16").tenantId(tenantId))
                .getVpcId();
        subnetId = new SubnetsApi(lab.admin())
                .createSubnet(new SubnetCreate().vpcId(vpcId).cidrBlock("10.78.1.0/24"))
                .getSubnetId();
    }

    @AfterEach
    void stop() {
        if (lab != null) {
            lab.close();
        }
    }

    private static boolean rootWithNamespaces() {
        return System.getProperty("os.name").toLowerCase().contains("linux")
                && "0".equals(Lab.tryRun("id", "-u").strip());
    }

    private Instance launch(InstanceKind kind, String name, String ip) throws ApiException {
        Instance instance = new InstancesApi(lab.admin())
                .runInstance(new InstanceCreate()
                        .subnetId(subnetId)
                        .hostId(agent.hostId())
                        .kind(kind)
                        .name(name)
                        .privateIpAddress(ip));
        await().atMost(Duration.ofSeconds(20)).until(() -> lab.converged(agent));
        if (kind == InstanceKind.NETNS) {
            // the agent provisions a netns port after it acknowledged the table: exec answers once it is there
            await().atMost(Duration.ofSeconds(30))
                    .ignoreExceptions()
                    .until(() -> exec(instance, new ExecRequest().command(List.of("true")))
                                    .getExitCode()
                            == 0);
        }
        return instance;
    }

    private ExecResult exec(Instance instance, ExecRequest request) throws ApiException {
        return new ExecApi(lab.admin()).execInInstance(instance.getInstanceId(), request);
    }

    @Test
    void aSimulatedInstanceAnswersIpViewsPingAndRefusesOtherCommands() throws Exception {
        Instance web = launch(InstanceKind.SIMULATED, "web", "10.78.1.10");
        launch(InstanceKind.SIMULATED, "db", "10.78.1.11");

        ExecResult addresses = exec(web, new ExecRequest().command(List.of("ip", "addr")));
        assertThat(addresses.getExitCode()).isZero();
        assertThat(addresses.getHostId()).isEqualTo(agent.hostId());
        assertThat(addresses.getStdout()).contains("inet 10.78.1.10/24").contains("link/ether " + web.getMacAddress());
        assertThat(exec(web, new ExecRequest().command(List.of("ip", "route"))).getStdout())
                .contains("default via 10.78.1.1 dev eth0")
                .contains("10.78.1.0/24 dev eth0");

        ExecResult ping = exec(web, new ExecRequest().command(List.of("ping", "-c", "2", "10.78.1.11")));
        assertThat(ping.getExitCode()).as(ping.getStdout()).isZero();
        assertThat(ping.getStdout()).contains("64 bytes from 10.78.1.11").contains("2 received");
        ExecResult unanswered = exec(web, new ExecRequest().command(List.of("ping", "-c", "1", "10.78.1.99")));
        assertThat(unanswered.getExitCode()).isEqualTo(1);
        assertThat(unanswered.getStdout()).contains("0 received");

        ExecResult unknown = exec(web, new ExecRequest().command(List.of("curl", "http://10.78.1.11")));
        assertThat(unknown.getExitCode()).isEqualTo(127);
        assertThat(unknown.getStderr()).contains("curl: command not found");

        ExecResult capped =
                exec(web, new ExecRequest().command(List.of("ip", "addr")).maxOutputBytes(20));
        assertThat(capped.getStdout()).hasSize(20);
        assertThat(capped.getOutputTruncated()).isTrue();
    }

    @Test
    void onlyTheAdminMayExecAndUnknownInstancesAreNotFound() throws Exception {
        Instance web = launch(InstanceKind.SIMULATED, "web", "10.78.1.10");
        String tenantToken = new TenantsApi(lab.admin())
                .createTenantToken(tenantId, new TokenCreate())
                .getToken();
        ApiClient tenant = TestServers.client(lab.uri().toString(), tenantToken);

        assertThatThrownBy(() -> new ExecApi(tenant)
                        .execInInstance(web.getInstanceId(), new ExecRequest().command(List.of("ip", "addr"))))
                .isInstanceOfSatisfying(ApiException.class, e -> {
                    assertThat(e.getCode()).isEqualTo(403);
                    assertThat(e.getResponseBody()).contains("UnauthorizedOperation");
                });
        assertThatThrownBy(() -> new ExecApi(lab.admin())
                        .execInInstance("i-0000000000000dead", new ExecRequest().command(List.of("ip", "addr"))))
                .isInstanceOfSatisfying(
                        ApiException.class, e -> assertThat(e.getCode()).isEqualTo(404));
        assertThatThrownBy(() -> new ExecApi(lab.admin())
                        .execInInstance(web.getInstanceId(), new ExecRequest().command(List.of())))
                .isInstanceOfSatisfying(
                        ApiException.class, e -> assertThat(e.getCode()).isEqualTo(400));
        assertThatThrownBy(() -> new ExecApi(lab.admin())
                        .execInInstance(
                                web.getInstanceId(),
                                new ExecRequest().command(List.of("ip", "addr")).timeoutSeconds(61)))
                .isInstanceOfSatisfying(
                        ApiException.class, e -> assertThat(e.getCode()).isEqualTo(400));
    }

    @Test
    void aNetnsInstanceRunsRealCommandsBoundedInTimeAndItsLeftoversEndWithIt() throws Exception {
        assumeTrue(rootWithNamespaces(), "netns instances need root on Linux");
        Instance ns = launch(InstanceKind.NETNS, "shell", "10.78.1.20");
        String namespace = ns.getPort().getNamespace();

        ExecResult both =
                exec(ns, new ExecRequest().command(List.of("sh", "-c", "ip -o -4 addr show; echo oops >&2; exit 3")));
        assertThat(both.getExitCode()).isEqualTo(3);
        assertThat(both.getStdout())
                .contains("10.78.1.20/24")
                .contains(ns.getPort().getDeviceName());
        assertThat(both.getStderr()).isEqualTo("oops\n");
        assertThat(both.getTimedOut()).isFalse();

        ExecResult slow =
                exec(ns, new ExecRequest().command(List.of("sleep", "30")).timeoutSeconds(1));
        assertThat(slow.getExitCode()).isEqualTo(124);
        assertThat(slow.getTimedOut()).isTrue();

        ExecResult chatty = exec(
                ns,
                new ExecRequest()
                        .command(List.of("sh", "-c", "yes | head -c 1000000"))
                        .maxOutputBytes(1000));
        assertThat(chatty.getStdout()).hasSize(1000);
        assertThat(chatty.getOutputTruncated()).isTrue();

        // a server left running in the namespace, then the instance is terminated
        long pid = Long.parseLong(
                exec(ns, new ExecRequest().command(List.of("sh", "-c", "sleep 300 >/dev/null 2>&1 & echo $!")))
                        .getStdout()
                        .strip());
        assertThat(Lab.run("ip", "netns", "pids", namespace)).contains(Long.toString(pid));
        new InstancesApi(lab.admin()).terminateInstance(ns.getInstanceId());
        await().atMost(Duration.ofSeconds(20))
                .until(() -> !Lab.tryRun("ip", "netns", "list").contains(namespace));
        await().atMost(Duration.ofSeconds(10))
                .until(() -> ProcessHandle.of(pid).map(p -> !p.isAlive()).orElse(true));
    }

    /**
     * The diagnostics the lessons use, from a netns instance's own Linux stack: a broadcast storm
     * (the agent writes it on a packet socket inside the namespace) that the data plane counts, and
     * sized pings: DF up to the device's MTU passes, one byte more is refused by the instance's
     * stack, and a larger ping without DF leaves as fragments and is answered.
     */
    @Test
    void aNetnsInstanceSendsABroadcastStormAndSizedPingsFromItsOwnStack() throws Exception {
        assumeTrue(rootWithNamespaces(), "netns instances need root on Linux");
        Instance a = launch(InstanceKind.NETNS, "storm-a", "10.78.1.30");
        Instance b = launch(InstanceKind.NETNS, "storm-b", "10.78.1.31");
        DiagnosticsApi diagnostics = new DiagnosticsApi(lab.admin());
        String portGroup = "port/" + a.getInstanceId();
        long answeredBefore = agent.counterGroups().get(portGroup).get("arpRepliesSuppressed");

        int broadcasts = 50;
        ProbeResult storm = diagnostics.broadcastBurstFromInstance(
                a.getInstanceId(),
                new BroadcastBurstRequest().target(b.getPrivateIpAddress()).count(broadcasts));

        assertThat(storm.getSent()).isEqualTo(broadcasts);
        // ARP suppression is on: the agent answers every request the namespace's kernel sent
        await().atMost(Duration.ofSeconds(10))
                .until(() -> agent.counterGroups().get(portGroup).get("arpRepliesSuppressed") - answeredBefore
                        >= broadcasts);

        String link = Lab.run(
                "ip",
                "-n",
                a.getPort().getNamespace(),
                "-o",
                "link",
                "show",
                "dev",
                a.getPort().getDeviceName());
        java.util.regex.Matcher mtu =
                java.util.regex.Pattern.compile(" mtu (\\d+) ").matcher(link);
        assertThat(mtu.find()).as(link).isTrue();
        int innerMtu = Integer.parseInt(mtu.group(1)); // the agent gave the device the segment's inner MTU
        int largest = innerMtu - 28; // IPv4 20 + ICMP 8
        ProbeResult fits = diagnostics.pingFromInstance(
                a.getInstanceId(),
                new PingRequest()
                        .target(b.getPrivateIpAddress())
                        .count(1)
                        .size(largest)
                        .dontFragment(true));
        assertThat(fits.getReceived()).as("a %d-byte packet fits", innerMtu).isEqualTo(1);
        assertThat(fits.getProbes().get(0).getKind()).isEqualTo("echo-reply");

        ProbeResult tooLong = diagnostics.pingFromInstance(
                a.getInstanceId(),
                new PingRequest()
                        .target(b.getPrivateIpAddress())
                        .count(1)
                        .size(largest + 1)
                        .dontFragment(true));
        assertThat(tooLong.getReceived()).isZero();
        assertThat(tooLong.getProbes().get(0).getKind()).isEqualTo("message-too-long");
        assertThat(tooLong.getProbes().get(0).getNextHopMtu()).isEqualTo(innerMtu);

        ProbeResult fragmented = diagnostics.pingFromInstance(
                a.getInstanceId(),
                new PingRequest()
                        .target(b.getPrivateIpAddress())
                        .count(1)
                        .size(1472)
                        .dontFragment(false));
        assertThat(fragmented.getReceived())
                .as("without DF the kernel fragments it")
                .isEqualTo(1);
    }

    /**
     * With {@code Accept: application/x-ndjson} the output arrives while the command still runs: the command
     * prints, then waits for a file only the test creates after it has read that line.
     */
    @Test
    void aNetnsExecStreamsItsOutputWhileTheCommandRuns() throws Exception {
        assumeTrue(rootWithNamespaces(), "netns instances need root on Linux");
        Instance ns = launch(InstanceKind.NETNS, "streamer", "10.78.1.21");
        java.nio.file.Path go =
                java.nio.file.Files.createTempDirectory("lu-exec-").resolve("go");
        String script = "echo ready; while [ ! -e " + go + " ]; do sleep 0.05; done; echo done >&2; exit 3";
        var response = java.net.http.HttpClient.newHttpClient()
                .send(
                        streamRequest(ns, "{\"command\":[\"sh\",\"-c\"," + quoted(script) + "],\"timeoutSeconds\":30}"),
                        java.net.http.HttpResponse.BodyHandlers.ofLines());
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type"))
                .hasValueSatisfying(t -> assertThat(t).startsWith("application/x-ndjson"));
        try (var lines = response.body()) {
            var events = lines.iterator();
            assertThat(events.next())
                    .as("the first line, read while the command waits for the test")
                    .isEqualTo("{\"stream\":\"stdout\",\"data\":\"ready\\n\"}");
            assertThat(java.nio.file.Files.exists(go)).isFalse();
            java.nio.file.Files.createFile(go);
            assertThat(events.next()).isEqualTo("{\"stream\":\"stderr\",\"data\":\"done\\n\"}");
            assertThat(events.next())
                    .startsWith("{\"exitCode\":3,\"timedOut\":false,\"outputTruncated\":false,\"hostId\":");
            assertThat(events.hasNext()).isFalse();
        }

        // bounded as before: the timeout ends it with 124, the cap cuts the streamed output too
        var slow = java.net.http.HttpClient.newHttpClient()
                .send(
                        streamRequest(ns, "{\"command\":[\"sleep\",\"30\"],\"timeoutSeconds\":1}"),
                        java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(slow.body()).startsWith("{\"exitCode\":124,\"timedOut\":true");
        var chatty = java.net.http.HttpClient.newHttpClient()
                .send(
                        streamRequest(
                                ns, "{\"command\":[\"sh\",\"-c\",\"yes | head -c 100000\"],\"maxOutputBytes\":1000}"),
                        java.net.http.HttpResponse.BodyHandlers.ofLines());
        StringBuilder kept = new StringBuilder();
        String last = null;
        for (String line : chatty.body().toList()) {
            var event = new tools.jackson.databind.ObjectMapper().readTree(line);
            if (event.has("stream")) {
                kept.append(event.path("data").asString());
            }
            last = line;
        }
        assertThat(kept).hasSize(1000);
        assertThat(last).contains("\"outputTruncated\":true");
    }

    @Test
    void aStreamedExecIsRefusedAsProblemJsonBeforeItStartsAndAnyAcceptGetsTheWholeAnswer() throws Exception {
        Instance web = launch(InstanceKind.SIMULATED, "web", "10.78.1.10");
        String tenantToken = new TenantsApi(lab.admin())
                .createTenantToken(tenantId, new TokenCreate())
                .getToken();
        var refused = java.net.http.HttpClient.newHttpClient()
                .send(
                        java.net.http.HttpRequest.newBuilder(execUri(web))
                                .header("Authorization", "Bearer " + tenantToken)
                                .header("Content-Type", "application/json")
                                .header("Accept", "application/x-ndjson")
                                .POST(java.net.http.HttpRequest.BodyPublishers.ofString(
                                        "{\"command\":[\"ip\",\"addr\"]}"))
                                .build(),
                        java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(refused.statusCode()).isEqualTo(403);
        assertThat(refused.body()).contains("UnauthorizedOperation");

        // a simulated instance answers at the end: its output comes whole, then the exit code
        var streamed = java.net.http.HttpClient.newHttpClient()
                .send(
                        streamRequest(web, "{\"command\":[\"ip\",\"route\"]}"),
                        java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(streamed.body().lines().toList())
                .hasSize(2)
                .satisfies(l -> assertThat(l.get(0))
                        .startsWith("{\"stream\":\"stdout\"")
                        .contains("default via 10.78.1.1"))
                .satisfies(l -> assertThat(l.get(1)).startsWith("{\"exitCode\":0,"));

        // curl's default Accept: */* keeps getting the one JSON document
        var whole = java.net.http.HttpClient.newHttpClient()
                .send(
                        java.net.http.HttpRequest.newBuilder(execUri(web))
                                .header("Authorization", "Bearer " + ControlPlaneLab.ADMIN)
                                .header("Content-Type", "application/json")
                                .header("Accept", "*/*")
                                .POST(java.net.http.HttpRequest.BodyPublishers.ofString(
                                        "{\"command\":[\"ip\",\"route\"]}"))
                                .build(),
                        java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(whole.statusCode()).as(whole.body()).isEqualTo(200);
        assertThat(whole.headers().firstValue("Content-Type"))
                .hasValueSatisfying(t -> assertThat(t).startsWith("application/json"));
        assertThat(whole.body()).contains("\"exitCode\":0").contains("default via 10.78.1.1");
    }

    private java.net.URI execUri(Instance instance) {
        return java.net.URI.create(lab.uri() + "/api/v1/instances/" + instance.getInstanceId() + "/exec");
    }

    private java.net.http.HttpRequest streamRequest(Instance instance, String body) {
        return java.net.http.HttpRequest.newBuilder(execUri(instance))
                .header("Authorization", "Bearer " + ControlPlaneLab.ADMIN)
                .header("Content-Type", "application/json")
                .header("Accept", "application/x-ndjson")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString(body))
                .build();
    }

    private static String quoted(String text) {
        return "\"" + text.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    @Test
    void theCliExecsByNameExitsWithTheCommandsCodeAndSaysASimulatedInstanceHasNoShell() throws Exception {
        launch(InstanceKind.SIMULATED, "web", "10.78.1.10");
        String[] connection = {"--url", lab.uri().toString(), "--token", ControlPlaneLab.ADMIN};

        Cli routes =
                Cli.run("exec", connection[0], connection[1], connection[2], connection[3], "web", "--", "ip", "route");
        assertThat(routes.exit()).isZero();
        assertThat(routes.out()).contains("default via 10.78.1.1 dev eth0");

        Cli unknown =
                Cli.run("exec", connection[0], connection[1], connection[2], connection[3], "web", "--", "nc", "-l");
        assertThat(unknown.exit()).isEqualTo(127);
        assertThat(unknown.err()).contains("nc: command not found");

        Cli shell = Cli.run("shell", connection[0], connection[1], connection[2], connection[3], "web");
        assertThat(shell.exit()).isEqualTo(2);
        assertThat(shell.err()).contains("has no shell").contains("vpclab exec web -- ip addr");
    }

    /** The real CLI's entry point, run in this JVM with its outputs captured. */
    private record Cli(int exit, String out, String err) {
        static synchronized Cli run(String... args) {
            java.io.PrintStream out = System.out;
            java.io.PrintStream err = System.err;
            var capturedOut = new java.io.ByteArrayOutputStream();
            var capturedErr = new java.io.ByteArrayOutputStream();
            try {
                System.setOut(new java.io.PrintStream(capturedOut, true, java.nio.charset.StandardCharsets.UTF_8));
                System.setErr(new java.io.PrintStream(capturedErr, true, java.nio.charset.StandardCharsets.UTF_8));
                int exit = io.vpclab.topology.cli.VpclabCli.run(args);
                return new Cli(
                        exit,
                        capturedOut.toString(java.nio.charset.StandardCharsets.UTF_8),
                        capturedErr.toString(java.nio.charset.StandardCharsets.UTF_8));
            } finally {
                System.setOut(out);
                System.setErr(err);
            }
        }
    }
}
