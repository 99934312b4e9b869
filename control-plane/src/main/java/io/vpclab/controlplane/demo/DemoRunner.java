package io.vpclab.controlplane.demo;

import io.vpclab.agent.FollowAgent;
import io.vpclab.client.ApiClient;
import io.vpclab.client.api.HostsApi;
import io.vpclab.client.model.Host;
import io.vpclab.client.model.Instance;
import io.vpclab.controlplane.system.VpcLabProperties;
import io.vpclab.topology.cli.ReachabilityMatrix;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;

/**
 * Runs the demo once the server is up: agents, topology, convergence, matrix. It runs on its own
 * thread so the server (and its UI and API) is usable while the demo builds.
 */
@Component
@ConditionalOnProperty(name = "vpclab.demo.enabled", havingValue = "true")
class DemoRunner implements DisposableBean {

    private static final Logger log = LoggerFactory.getLogger(DemoRunner.class);
    static final Duration CONVERGENCE_WAIT = Duration.ofSeconds(60);

    private final DemoProperties demo;
    private final VpcLabProperties properties;
    private final Environment environment;
    private final CompletableFuture<ReachabilityMatrix> matrix = new CompletableFuture<>();
    private volatile DemoAgents agents;

    DemoRunner(DemoProperties demo, VpcLabProperties properties, Environment environment) {
        this.demo = demo;
        this.properties = properties;
        this.environment = environment;
    }

    /** The matrix, once measured (tests and the UI wait on it). */
    CompletableFuture<ReachabilityMatrix> matrix() {
        return matrix;
    }

    List<FollowAgent> agents() {
        return agents == null ? List.of() : agents.agents();
    }

    @EventListener(ApplicationReadyEvent.class)
    void start() {
        Thread thread = new Thread(this::run, "demo");
        thread.setDaemon(true);
        thread.start();
    }

    private void run() {
        try {
            URI server = URI.create("http://127.0.0.1:" + environment.getProperty("local.server.port"));
            String adminToken = adminToken();
            ApiClient admin = new ApiClient();
            admin.updateBaseUri(server.toString());
            admin.setRequestInterceptor(b -> b.header("Authorization", "Bearer " + adminToken));

            Map<String, Host> registered = new HashMap<>();
            new HostsApi(admin).listHosts(1000, null).getItems().forEach(h -> registered.put(h.getName(), h));
            DemoUnderlay underlay = DemoUnderlay.choose(demo, registered);
            if (underlay.fallback()) {
                log.warn(underlay.describe());
            } else {
                log.info(underlay.describe());
            }
            agents = DemoAgents.start(
                    underlay, server, adminToken, properties.dataDir().resolve("demo-agents"), demo.reactorHosts());
            // the demo topology lives on the first hosts; the reactor lesson's hosts stay empty until it runs
            List<String> hostIds = agents.agents().stream()
                    .limit(underlay.endpoints().size())
                    .map(FollowAgent::hostId)
                    .toList();
            awaitCondition(
                    "agents to receive their first table",
                    () -> agents.agents().stream().allMatch(a -> a.appliedGeneration() >= 0));

            DemoTopology topology = new DemoTopology(admin);
            List<Instance> instances = topology.apply(hostIds);
            try {
                topology.internetHosts(hostIds);
            } catch (io.vpclab.client.ApiException e) {
                // a vpclab.public.cidr without the documentation addresses: the demo runs without them
                log.warn("the demo's internet hosts were not created: {}", e.getResponseBody());
            }
            awaitCondition("every host to apply its latest table", () -> converged(admin, hostIds));

            ReachabilityMatrix measured = ReachabilityMatrix.measure(admin, instances);
            System.out.println();
            System.out.println(measured.render());
            System.out.println("Demo: " + hostIds.size() + " in-process agents; " + underlay.describe() + "; API at "
                    + server + "/api/v1 (Swagger UI: " + server + "/api-docs.html)");
            matrix.complete(measured);
        } catch (Exception | LinkageError e) {
            log.error("the demo failed", e);
            matrix.completeExceptionally(e);
        }
    }

    private static boolean converged(ApiClient admin, List<String> hostIds) {
        try {
            for (String hostId : hostIds) {
                Host host = new HostsApi(admin).getHost(hostId);
                if (host.getAppliedGeneration() < host.getDesiredGeneration()) {
                    return false;
                }
            }
            return true;
        } catch (io.vpclab.client.ApiException e) {
            return false;
        }
    }

    /** Polls a condition with a deadline; the demo gives up loudly rather than hanging. */
    private static void awaitCondition(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + CONVERGENCE_WAIT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("gave up waiting " + CONVERGENCE_WAIT + " for " + what);
            }
            Thread.sleep(20);
        }
    }

    private String adminToken() throws IOException {
        if (properties.adminToken() != null && !properties.adminToken().isBlank()) {
            return properties.adminToken().trim();
        }
        return Files.readString(properties.dataDir().resolve("admin-token"), StandardCharsets.UTF_8)
                .trim();
    }

    @Override
    public void destroy() {
        if (agents != null) {
            agents.close();
        }
    }
}
