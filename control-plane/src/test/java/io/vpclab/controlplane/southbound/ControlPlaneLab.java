package io.vpclab.controlplane.southbound;

import io.vpclab.agent.FollowAgent;
import io.vpclab.client.ApiClient;
import io.vpclab.client.ApiException;
import io.vpclab.client.api.HostsApi;
import io.vpclab.client.model.Host;
import io.vpclab.client.model.InstanceKind;
import io.vpclab.client.model.ProbeRequest;
import io.vpclab.client.model.ProbeResult;
import io.vpclab.client.model.ProbeType;
import io.vpclab.controlplane.TestServers;
import io.vpclab.controlplane.VpcLabApplication;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * A control plane that a test can stop and start again on the same port and data, and agents
 * (in this JVM, on loopback UDP) that outlive it, as remote agents would.
 */
public final class ControlPlaneLab implements AutoCloseable {

    public static final String ADMIN = "lab-admin-token";

    private final int httpPort;
    private final Path dataDir;
    private final List<FollowAgent> agents = new ArrayList<>();
    private ConfigurableApplicationContext server;

    public ControlPlaneLab() throws IOException {
        this.httpPort = FreeUdpPorts.tcp();
        this.dataDir =
                Path.of("target", "test-data", "lab-" + UUID.randomUUID()).toAbsolutePath();
    }

    public void startServer(String... extraArguments) {
        List<String> arguments = new ArrayList<>(
                List.of("--server.port=" + httpPort, "--vpclab.data-dir=" + dataDir, "--vpclab.admin-token=" + ADMIN));
        arguments.addAll(List.of(extraArguments));
        server = new SpringApplicationBuilder(VpcLabApplication.class).run(arguments.toArray(String[]::new));
    }

    public void stopServer() {
        server.close();
        server = null;
    }

    /** A bean of the running server, for benchmarks that read its own figures. */
    public <T> T bean(Class<T> type) {
        return server.getBean(type);
    }

    public URI uri() {
        return URI.create("http://127.0.0.1:" + httpPort);
    }

    public ApiClient admin() {
        return TestServers.client(uri().toString(), ADMIN);
    }

    /** Starts (or restarts, with its saved identity) the agent named {@code name} on {@code udpPort}. */
    public FollowAgent agent(String name, int udpPort) throws ApiException {
        return agent(name, udpPort, FollowAgent.Options.DEFAULT_STATS_INTERVAL);
    }

    /** As {@link #agent(String, int)}, posting counters every {@code statsInterval} (zero: never). */
    public FollowAgent agent(String name, int udpPort, Duration statsInterval) throws ApiException {
        return agent(name, udpPort, statsInterval, List.of(InstanceKind.SIMULATED));
    }

    /** As {@link #agent(String, int, Duration)}, able to run instances of {@code kinds} (netns needs root). */
    public FollowAgent agent(String name, int udpPort, Duration statsInterval, List<InstanceKind> kinds)
            throws ApiException {
        FollowAgent agent = FollowAgent.start(FollowAgent.Options.builder(
                        uri(),
                        ADMIN,
                        name,
                        "127.0.0.1",
                        udpPort,
                        dataDir.resolve("agents").resolve(name + ".properties"))
                .capabilities(kinds)
                .statsInterval(statsInterval)
                .build());
        agents.add(agent);
        return agent;
    }

    /** The host token the agent {@code name} saved at registration (its identity file). */
    public String hostToken(String name) throws IOException {
        java.util.Properties identity = new java.util.Properties();
        try (var in =
                java.nio.file.Files.newInputStream(dataDir.resolve("agents").resolve(name + ".properties"))) {
            identity.load(in);
        }
        return identity.getProperty("token");
    }

    /** True when the agent's host has applied its latest desired table. */
    public boolean converged(FollowAgent agent) {
        try {
            Host host = new HostsApi(admin()).getHost(agent.hostId());
            return host.getAppliedGeneration() >= host.getDesiredGeneration()
                    && agent.appliedGeneration() == host.getDesiredGeneration();
        } catch (ApiException e) {
            return false;
        }
    }

    /**
     * A ping straight from the agent's port, so it works while the control plane is down. Each echo
     * waits up to two seconds: a reply returns at once, but the first frames of a fresh JVM on a
     * loaded CI machine can take longer than half a second.
     */
    public static ProbeResult ping(FollowAgent from, String portId, String target) {
        return ping(from, portId, target, 2000);
    }

    /** A ping that is expected to go unanswered: a short wait, since no reply will come. */
    public static ProbeResult unansweredPing(FollowAgent from, String portId, String target) {
        return ping(from, portId, target, 500);
    }

    private static ProbeResult ping(FollowAgent from, String portId, String target, int timeoutMillis) {
        return from.probe(new ProbeRequest()
                .requestId(UUID.randomUUID().toString())
                .portId(portId)
                .type(ProbeType.PING)
                .target(target)
                .count(2)
                .timeoutMillis(timeoutMillis));
    }

    @Override
    public void close() {
        agents.forEach(FollowAgent::close);
        if (server != null) {
            server.close();
        }
    }
}
