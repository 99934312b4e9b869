package io.vpclab.controlplane.southbound;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.vpclab.client.ApiClient;
import io.vpclab.client.ApiException;
import io.vpclab.client.api.AccessKeysApi;
import io.vpclab.client.api.HostsApi;
import io.vpclab.client.api.InstancesApi;
import io.vpclab.client.api.SubnetsApi;
import io.vpclab.client.api.TenantsApi;
import io.vpclab.client.api.VpcsApi;
import io.vpclab.client.model.ForwardingTable;
import io.vpclab.client.model.HostRegistration;
import io.vpclab.client.model.Instance;
import io.vpclab.client.model.InstanceCreate;
import io.vpclab.client.model.InstanceKind;
import io.vpclab.client.model.IssuedAccessKey;
import io.vpclab.client.model.SubnetCreate;
import io.vpclab.client.model.TenantCreate;
import io.vpclab.client.model.VpcCreate;
import io.vpclab.controlplane.TestServers;
import io.vpclab.controlplane.VpcLabApplication;
import io.vpclab.controlplane.ec2.Ec2Signer;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Convergence with many light agents ({@link LightAgents}: the stream, the table, the ack, no
 * data plane), so one JVM holds a thousand of them: against one replica (H2) or two (one
 * PostgreSQL schema). Builds the network through the API with no agent connected, starts every
 * agent at once (the full sync), makes single-instance changes one after another (commit, that
 * is the API's answer, to the last affected agent's ack), and with two replicas stops one, then
 * the other after the first came back, timing how long its agents take to be converged on the
 * survivor and counting the snapshots that cost. Every wait is bounded.
 */
public final class LightConvergence {

    static final String ADMIN = "light-convergence-admin";
    static final int HOSTS_PER_VPC = 5;
    static final int INSTANCES_PER_SUBNET = 100;
    private static final long WAIT_NANOS = TimeUnit.MINUTES.toNanos(10);

    /** PostgreSQL for two replicas: a schema of this name is dropped and created. */
    public record Postgres(String url, String user, String password, String schema) {

        String urlWithSchema() {
            return url + (url.contains("?") ? "&" : "?") + "currentSchema=" + schema;
        }

        void recreateSchema() throws Exception {
            try (Connection connection = DriverManager.getConnection(url, user, password);
                    Statement statement = connection.createStatement()) {
                statement.execute("drop schema if exists " + schema + " cascade");
                statement.execute("create schema " + schema);
            }
        }
    }

    /** What one run measured; failover figures are NaN/-1 with one replica. */
    public record Figures(
            int hosts,
            int instances,
            int changes,
            int replicas,
            double buildSeconds,
            double fullSyncSeconds,
            double p50Millis,
            double p99Millis,
            double maxMillis,
            double compiledP50Millis,
            double compiledP99Millis,
            double heldP50Millis,
            double heldP99Millis,
            double ackP50Millis,
            double ackP99Millis,
            double ackRequestP50Millis,
            double ackRequestP99Millis,
            double serverAckMeanMillis,
            double bytesPerChange,
            double eventsPerChange,
            double serverHeapMiB,
            double heapWithAgentsMiB,
            int agentThreads,
            long ackRetries,
            long ackRetriesInChanges,
            Map<String, Long> ackRetryCauses,
            double failoverSeconds,
            long failoverSnapshots,
            long generationsMovedByRestart,
            double failbackSeconds,
            long failbackSnapshots) {

        public String summary() {
            StringBuilder out = new StringBuilder();
            out.append(String.format(
                    Locale.ROOT,
                    "light agents, %d replica%s: hosts=%d instances=%d changes=%d%n",
                    replicas,
                    replicas == 1 ? " (H2)" : "s (PostgreSQL)",
                    hosts,
                    instances,
                    changes));
            out.append(String.format(Locale.ROOT, "  build through the API (no agent): %.1f s%n", buildSeconds));
            out.append(String.format(
                    Locale.ROOT, "  full sync (every agent from nothing to acked): %.1f s%n", fullSyncSeconds));
            out.append(String.format(
                    Locale.ROOT,
                    "  commit -> all acks: p50=%.1f ms p99=%.1f ms max=%.1f ms%n",
                    p50Millis,
                    p99Millis,
                    maxMillis));
            out.append(String.format(
                    Locale.ROOT,
                    "    of which: tables published p50=%.1f p99=%.1f ms, held by every agent p50=%.1f p99=%.1f ms%n",
                    compiledP50Millis,
                    compiledP99Millis,
                    heldP50Millis,
                    heldP99Millis));
            out.append(String.format(
                    Locale.ROOT,
                    "    then: last held -> last ack answered p50=%.1f p99=%.1f ms; that ack's request, sent ->"
                            + " answered p50=%.1f p99=%.1f ms; inside the replicas (mean over the changes' acks)"
                            + " %.1f ms%n",
                    ackP50Millis,
                    ackP99Millis,
                    ackRequestP50Millis,
                    ackRequestP99Millis,
                    serverAckMeanMillis));
            out.append(String.format(
                    Locale.ROOT,
                    "  pushed per single-instance change: %.0f bytes in %.1f events%n",
                    bytesPerChange,
                    eventsPerChange));
            out.append(String.format(
                    Locale.ROOT,
                    "  heap: server%s alone %.1f MiB, with the %d agents %.1f MiB (%d agent threads)%n",
                    replicas == 1 ? "" : "s",
                    serverHeapMiB,
                    hosts,
                    heapWithAgentsMiB,
                    agentThreads));
            out.append(String.format(
                    Locale.ROOT,
                    "  acks sent again (no answer or a server error): %d in the measured changes, %d in the whole"
                            + " run; why: %s%n",
                    ackRetriesInChanges,
                    ackRetries,
                    ackRetryCauses));
            if (replicas > 1) {
                out.append(String.format(
                        Locale.ROOT,
                        "  replica A stopped: its agents converged on B in %.2f s, %d snapshots%n",
                        failoverSeconds,
                        failoverSnapshots));
                out.append(String.format(
                        Locale.ROOT,
                        "  A restarted: %d hosts' generations moved; then B stopped: converged on A in %.2f s,"
                                + " %d snapshots%n",
                        generationsMovedByRestart,
                        failbackSeconds,
                        failbackSnapshots));
            }
            return out.toString();
        }
    }

    private final int hostCount;
    private final int instanceCount;
    private final int warmup;
    private final int changes;
    private final Postgres postgres;
    private final Path dataDir;
    private final List<Replica> replicas = new ArrayList<>();

    /** @param postgres null for one replica on H2, else two replicas on this database */
    public LightConvergence(int hostCount, int instanceCount, int changes, Postgres postgres) {
        this(hostCount, instanceCount, 0, changes, postgres);
    }

    /** @param warmup changes made before the {@code changes} that are measured, and not counted */
    public LightConvergence(int hostCount, int instanceCount, int warmup, int changes, Postgres postgres) {
        this.hostCount = hostCount;
        this.instanceCount = instanceCount;
        this.warmup = warmup;
        this.changes = changes;
        this.postgres = postgres;
        this.dataDir =
                Path.of("target", "test-data", "light-" + UUID.randomUUID()).toAbsolutePath();
    }

    public Figures run() throws Exception {
        if (postgres != null) {
            postgres.recreateSchema();
        }
        int replicaCount = postgres == null ? 1 : 2;
        for (int i = 0; i < replicaCount; i++) {
            replicas.add(new Replica("abcdefgh".substring(i, i + 1), FreeUdpPorts.tcp()));
        }
        replicas.forEach(Replica::start);
        try (LightAgents fleet = new LightAgents(ADMIN, 4)) {
            return measure(fleet);
        } finally {
            replicas.forEach(Replica::stop);
        }
    }

    private Figures measure(LightAgents fleet) throws Exception {
        long started = System.nanoTime();
        List<String> hostIds = registerHosts();
        List<Vpc> vpcs = build(hostIds);
        await("every host compiled", () -> hostIds.stream().allMatch(this::compiledEverywhere));
        double buildSeconds = seconds(System.nanoTime() - started);
        double serverHeap = heapMiB();

        started = System.nanoTime();
        List<LightAgents.Agent> agents = new ArrayList<>();
        for (int i = 0; i < hostIds.size(); i++) {
            // with two replicas, half the agents start on each
            List<URI> order =
                    new ArrayList<>(replicas.stream().map(Replica::uri).toList());
            java.util.Collections.rotate(order, i % order.size());
            agents.add(fleet.follow(hostIds.get(i), order));
        }
        await("every agent converged", () -> agents.stream().allMatch(this::converged));
        double fullSyncSeconds = seconds(System.nanoTime() - started);
        int agentThreads = LightAgents.threads();
        double heapWithAgents = heapMiB();

        double bytesBefore = 0;
        double eventsBefore = 0;
        List<Long> samples = new ArrayList<>();
        List<Long> compiled = new ArrayList<>();
        List<Long> delivered = new ArrayList<>();
        List<Long> acked = new ArrayList<>();
        List<Long> ackRoundTrips = new ArrayList<>(); // the last ack's request, sent -> answered
        double[] acksBefore = {0, 0}; // read as the measured changes begin
        long retriesBefore = 0;
        // the first warmup changes are made the same way but not measured: the JIT, not the design
        for (int change = -warmup; change < changes; change++) {
            if (change == 0) {
                acksBefore = serverAckTotals();
                retriesBefore = fleet.ackRetries();
                bytesBefore = sum("vpclab.table.stream.bytes");
                eventsBefore = sum("vpclab.table.stream.events");
            }
            int n = change + warmup;
            Vpc vpc = vpcs.get((n * 7) % vpcs.size());
            String hostId = hostIds.get(vpc.hostIndex(n % HOSTS_PER_VPC, hostIds.size()));
            List<LightAgents.Agent> affected = new ArrayList<>();
            for (int k = 0; k < HOSTS_PER_VPC; k++) {
                affected.add(agents.get(vpc.hostIndex(k, hostIds.size())));
            }
            Map<LightAgents.Agent, Long> desiredBefore = new HashMap<>();
            Map<LightAgents.Agent, Long> heldBefore = new HashMap<>();
            affected.forEach(agent -> {
                desiredBefore.put(agent, desiredFor(agent));
                heldBefore.put(agent, agent.generation());
            });
            ApiClient admin = replicas.get(n % replicas.size()).admin();
            Instance launched = new InstancesApi(admin)
                    .runInstance(new InstanceCreate()
                            .subnetId(vpc.subnetIds().get(n % 2))
                            .hostId(hostId)
                            .kind(InstanceKind.SIMULATED));
            long committed = System.nanoTime();
            long[] compiledAt = {0};
            await("change " + change + " acknowledged", () -> {
                if (compiledAt[0] == 0
                        && affected.stream().allMatch(agent -> desiredFor(agent) != desiredBefore.get(agent))) {
                    compiledAt[0] = System.nanoTime();
                }
                // cheap checks first: this loop shares the machine with what it measures
                return affected.stream()
                        .allMatch(agent -> agent.generation() != heldBefore.get(agent)
                                && agent.acknowledged() == agent.generation()
                                && agent.knows(launched.getInstanceId(), launched.getMacAddress()));
            });
            LightAgents.Agent lastAcked = affected.stream()
                    .max(Comparator.comparingLong(LightAgents.Agent::acknowledgedAtNanos))
                    .orElseThrow();
            long lastAck = lastAcked.acknowledgedAtNanos();
            long lastHeld = affected.stream()
                    .mapToLong(LightAgents.Agent::heldAtNanos)
                    .max()
                    .orElseThrow();
            if (change >= 0) {
                samples.add(lastAck - committed);
                compiled.add((compiledAt[0] == 0 ? lastHeld : compiledAt[0]) - committed);
                delivered.add(lastHeld - committed);
                acked.add(lastAck - lastHeld);
                ackRoundTrips.add(lastAck - lastAcked.ackSentAtNanos());
            }
        }
        await("every agent converged after the changes", () -> agents.stream().allMatch(this::converged));
        double bytesPerChange = (sum("vpclab.table.stream.bytes") - bytesBefore) / changes;
        double eventsPerChange = (sum("vpclab.table.stream.events") - eventsBefore) / changes;
        samples.sort(Long::compare);
        compiled.sort(Long::compare);
        delivered.sort(Long::compare);
        acked.sort(Long::compare);
        ackRoundTrips.sort(Long::compare);
        double[] acksAfter = serverAckTotals();
        long retriesInChanges = fleet.ackRetries() - retriesBefore;
        double serverAckMeanMillis = (acksAfter[0] - acksBefore[0]) / Math.max(1, acksAfter[1] - acksBefore[1]);

        double failoverSeconds = Double.NaN;
        long failoverSnapshots = -1;
        long moved = -1;
        double failbackSeconds = Double.NaN;
        long failbackSnapshots = -1;
        if (replicas.size() > 1) {
            Replica a = replicas.get(0);
            Replica b = replicas.get(1);
            double[] failover = failOver(a, b, agents);
            failoverSeconds = failover[0];
            failoverSnapshots = (long) failover[1];
            Map<String, Long> before = generations(b, hostIds);
            // the restarted replica compiles as its agents come back: a table unchanged keeps its number
            a.start();
            double[] failback = failOver(b, a, agents);
            Map<String, Long> after = generations(a, hostIds);
            moved = hostIds.stream()
                    .filter(id -> !before.get(id).equals(after.get(id)))
                    .count();
            failbackSeconds = failback[0];
            failbackSnapshots = (long) failback[1];
        }
        return new Figures(
                hostCount,
                instanceCount,
                changes,
                replicas.size(),
                buildSeconds,
                fullSyncSeconds,
                percentile(samples, 0.50) / 1e6,
                percentile(samples, 0.99) / 1e6,
                samples.get(samples.size() - 1) / 1e6,
                percentile(compiled, 0.50) / 1e6,
                percentile(compiled, 0.99) / 1e6,
                percentile(delivered, 0.50) / 1e6,
                percentile(delivered, 0.99) / 1e6,
                percentile(acked, 0.50) / 1e6,
                percentile(acked, 0.99) / 1e6,
                percentile(ackRoundTrips, 0.50) / 1e6,
                percentile(ackRoundTrips, 0.99) / 1e6,
                serverAckMeanMillis,
                bytesPerChange,
                eventsPerChange,
                serverHeap,
                heapWithAgents,
                agentThreads,
                fleet.ackRetries(),
                retriesInChanges,
                fleet.ackRetryCauses(),
                failoverSeconds,
                failoverSnapshots,
                moved,
                failbackSeconds,
                failbackSnapshots);
    }

    /** Stops {@code from}; returns the seconds until every agent is converged on {@code to}, and the snapshots {@code to} sent meanwhile. */
    private double[] failOver(Replica from, Replica to, List<LightAgents.Agent> agents) {
        double snapshotsBefore = to.counter("vpclab.table.stream.snapshots");
        long stopped = System.nanoTime();
        from.stop();
        await(
                "every agent converged on " + to.name,
                () -> agents.stream().allMatch(agent -> agent.replica().equals(to.uri()) && converged(agent)));
        return new double[] {
            seconds(System.nanoTime() - stopped), to.counter("vpclab.table.stream.snapshots") - snapshotsBefore
        };
    }

    private List<String> registerHosts() throws ApiException {
        HostsApi hosts = new HostsApi(replicas.get(0).admin());
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < hostCount; i++) {
            ids.add(hosts.registerHost(new HostRegistration()
                            .name("light-" + i)
                            .underlayIp("127.0.0.1")
                            .udpPort(20_000 + i))
                    .getHost()
                    .getHostId());
        }
        return ids;
    }

    /**
     * A tenant of one VPC each, two subnets, instances spread over 5 hosts per VPC. Instances
     * are launched as an EC2 client launches many: RunInstances with MaxCount, one call per
     * subnet and host, 8 calls at a time.
     */
    private List<Vpc> build(List<String> hostIds) throws Exception {
        int perVpc = 2 * INSTANCES_PER_SUBNET;
        int vpcCount = Math.max(1, instanceCount / perVpc);
        List<Vpc> vpcs = new ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<?>> pending = new ArrayList<>();
            for (int v = 0; v < vpcCount; v++) {
                Replica replica = replicas.get(v % replicas.size());
                ApiClient admin = replica.admin();
                String tenant = new TenantsApi(admin)
                        .createTenant(new TenantCreate().name("light-" + v))
                        .getTenantId();
                IssuedAccessKey key = new AccessKeysApi(admin).createAccessKey(tenant);
                Ec2Signer ec2 = new Ec2Signer(replica.port, key.getAccessKeyId(), key.getSecretAccessKey());
                String vpcId = new VpcsApi(admin)
                        .createVpc(new VpcCreate().cidrBlock("10.0.0.0/16").tenantId(tenant))
                        .getVpcId();
                List<String> subnets = new ArrayList<>();
                for (int s = 0; s < 2; s++) {
                    subnets.add(new SubnetsApi(admin)
                            .createSubnet(new SubnetCreate().vpcId(vpcId).cidrBlock("10.0." + s + ".0/24"))
                            .getSubnetId());
                }
                Vpc vpc = new Vpc(v, subnets);
                vpcs.add(vpc);
                for (String subnet : subnets) {
                    for (int k = 0; k < HOSTS_PER_VPC; k++) {
                        String hostId = hostIds.get(vpc.hostIndex(k, hostIds.size()));
                        pending.add(pool.submit(() -> runInstances(ec2, subnet, hostId)));
                    }
                }
            }
            for (Future<?> launched : pending) {
                launched.get(10, TimeUnit.MINUTES);
            }
        } finally {
            pool.shutdownNow();
        }
        return vpcs;
    }

    private static Void runInstances(Ec2Signer ec2, String subnetId, String hostId) throws Exception {
        int count = INSTANCES_PER_SUBNET / HOSTS_PER_VPC;
        HttpResponse<String> answer = ec2.send("Action=RunInstances&Version=2016-11-15&SubnetId=" + subnetId
                + "&Placement.HostId=" + hostId + "&MinCount=" + count + "&MaxCount=" + count);
        if (answer.statusCode() != 200) {
            throw new IllegalStateException("RunInstances answered " + answer.statusCode() + ": " + answer.body());
        }
        return null;
    }

    /** The VPC's instances live on hosts 2v .. 2v+4 (modulo the host count), so hosts share VPCs. */
    private record Vpc(int index, List<String> subnetIds) {
        int hostIndex(int k, int hosts) {
            return (index * 2 + k) % hosts;
        }
    }

    private boolean compiledEverywhere(String hostId) {
        return replicas.stream().filter(Replica::running).allMatch(replica -> replica.desired(hostId) >= 0);
    }

    /** Holds and acknowledged the table its replica holds for the host. */
    private boolean converged(LightAgents.Agent agent) {
        Replica replica = replicas.stream()
                .filter(r -> r.uri().equals(agent.replica()))
                .findFirst()
                .orElseThrow();
        long desired = replica.running() ? replica.desired(agent.hostId()) : -2;
        return agent.isConnected() && agent.generation() == desired && agent.acknowledged() == desired;
    }

    /** The generation the replica the agent follows holds for its host; -2 when that replica is down. */
    private long desiredFor(LightAgents.Agent agent) {
        return replicas.stream()
                .filter(r -> r.uri().equals(agent.replica()) && r.running())
                .findFirst()
                .map(r -> r.desired(agent.hostId()))
                .orElse(-2L);
    }

    private Map<String, Long> generations(Replica replica, List<String> hostIds) {
        Map<String, Long> generations = new HashMap<>();
        hostIds.forEach(id -> generations.put(id, replica.desired(id)));
        return generations;
    }

    /**
     * Milliseconds the running replicas spent in ack requests so far, and how many (Spring's
     * {@code http.server.requests} timer): read before and after the changes for their mean.
     */
    private double[] serverAckTotals() {
        double total = 0;
        long count = 0;
        for (Replica replica : replicas) {
            if (!replica.running()) {
                continue;
            }
            for (Timer timer : replica.context
                    .getBean(MeterRegistry.class)
                    .find("http.server.requests")
                    .tag("uri", "/api/v1/hosts/{hostId}/acks")
                    .timers()) {
                total += timer.totalTime(TimeUnit.MILLISECONDS);
                count += timer.count();
            }
        }
        return new double[] {total, count};
    }

    private double sum(String counter) {
        return replicas.stream()
                .filter(Replica::running)
                .mapToDouble(replica -> replica.counter(counter))
                .sum();
    }

    private static void await(String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + WAIT_NANOS;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(
                        what + ": not within " + TimeUnit.NANOSECONDS.toMinutes(WAIT_NANOS) + " minutes");
            }
            LockSupport.parkNanos(100_000);
        }
    }

    private static double heapMiB() {
        System.gc();
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed() / 1048576.0;
    }

    private static double seconds(long nanos) {
        return nanos / 1e9;
    }

    private static double percentile(List<Long> sorted, double p) {
        int index = (int) Math.ceil(p * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, index)));
    }

    /** One control-plane replica on a fixed port, so agents find it again after a restart. */
    private final class Replica {

        private final String name;
        private final int port;
        private ConfigurableApplicationContext context;

        Replica(String name, int port) {
            this.name = name;
            this.port = port;
        }

        void start() {
            List<String> arguments = new ArrayList<>(List.of(
                    "--server.port=" + port,
                    "--vpclab.data-dir=" + dataDir.resolve(name),
                    "--vpclab.admin-token=" + ADMIN,
                    "--logging.level.root=WARN"));
            if (postgres != null) {
                arguments.addAll(List.of(
                        "--spring.profiles.active=postgres",
                        "--spring.datasource.url=" + postgres.urlWithSchema(),
                        "--spring.datasource.username=" + postgres.user(),
                        "--spring.datasource.password=" + postgres.password()));
            }
            context = new SpringApplicationBuilder(VpcLabApplication.class).run(arguments.toArray(String[]::new));
        }

        void stop() {
            if (context != null) {
                context.close();
                context = null;
            }
        }

        boolean running() {
            return context != null;
        }

        URI uri() {
            return URI.create("http://127.0.0.1:" + port);
        }

        ApiClient admin() {
            return TestServers.client(uri().toString(), ADMIN);
        }

        /** The generation of the table this replica holds for the host, -1 when none. */
        long desired(String hostId) {
            return context.getBean(SseSouthboundProvider.class)
                    .desiredTable(hostId)
                    .map(ForwardingTable::getGeneration)
                    .orElse(-1L);
        }

        double counter(String name) {
            return context.getBean(MeterRegistry.class).counter(name).count();
        }
    }
}
