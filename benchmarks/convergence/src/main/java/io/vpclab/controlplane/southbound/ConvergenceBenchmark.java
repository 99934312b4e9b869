package io.vpclab.controlplane.southbound;

import io.micrometer.core.instrument.MeterRegistry;
import io.vpclab.agent.FollowAgent;
import io.vpclab.client.ApiClient;
import io.vpclab.client.ApiException;
import io.vpclab.client.api.InstancesApi;
import io.vpclab.client.api.SubnetsApi;
import io.vpclab.client.api.TenantsApi;
import io.vpclab.client.api.VpcsApi;
import io.vpclab.client.model.InstanceCreate;
import io.vpclab.client.model.InstanceKind;
import io.vpclab.client.model.SubnetCreate;
import io.vpclab.client.model.TenantCreate;
import io.vpclab.client.model.VpcCreate;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * How fast a change reaches the data plane, and what it costs, with many agents: N in-process
 * agents (loopback UDP, the real HTTP stream), M instances over VPCs of 5 hosts each, then 100
 * single-instance changes one after another. Prints p50/p99 of API commit -> every affected
 * agent's ack (measured by the server), the heap after the full sync (server and agents share
 * this JVM), and the table-stream bytes per change. Not a test: run it with bin/bench-convergence.
 *
 * <p>Arguments: {@code [agents=100] [instances=10000] [changes=100]}.
 *
 * <p>{@code --light [hosts=1000] [instances=100000] [changes=100]}: light in-process agents
 * ({@link LightConvergence}, no data plane) against one replica (H2), then two replicas on
 * PostgreSQL (VPCLAB_BENCH_POSTGRES_URL / _USER / _PASSWORD, default the CI's vpclab_test on
 * 127.0.0.1:5432), and a summary with the floors at the end.
 */
public final class ConvergenceBenchmark {

    static final int HOSTS_PER_VPC = 5;
    static final int INSTANCES_PER_SUBNET = 100;

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("--light")) {
            light(java.util.Arrays.copyOfRange(args, 1, args.length));
            System.exit(0);
        }
        int agentCount = args.length > 0 ? Integer.parseInt(args[0]) : 100;
        int instanceCount = args.length > 1 ? Integer.parseInt(args[1]) : 10_000;
        int changes = args.length > 2 ? Integer.parseInt(args[2]) : 100;
        try (ControlPlaneLab lab = new ControlPlaneLab()) {
            lab.startServer();
            run(lab, agentCount, instanceCount, changes);
        }
        System.exit(0);
    }

    private static void light(String[] args) throws Exception {
        int hosts = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
        int instances = args.length > 1 ? Integer.parseInt(args[1]) : 100_000;
        int changes = args.length > 2 ? Integer.parseInt(args[2]) : 100;
        List<LightConvergence.Figures> results = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        // VPCLAB_BENCH_SETUPS: "one" (H2), "two" (PostgreSQL) or both, the default
        String setups = env("VPCLAB_BENCH_SETUPS", "one,two");
        // changes made first and not measured (VPCLAB_BENCH_WARMUP, default 0): a young JVM's JIT
        int warmup = Integer.parseInt(env("VPCLAB_BENCH_WARMUP", "0"));
        if (setups.contains("one")) {
            LightConvergence.Figures one = new LightConvergence(hosts, instances, warmup, changes, null).run();
            System.out.print(one.summary());
            results.add(one);
        }
        LightConvergence.Postgres postgres = new LightConvergence.Postgres(
                env("VPCLAB_BENCH_POSTGRES_URL", "jdbc:postgresql://127.0.0.1:5432/vpclab_test"),
                env("VPCLAB_BENCH_POSTGRES_USER", "vpclab"),
                env("VPCLAB_BENCH_POSTGRES_PASSWORD", "vpclab"),
                "vpclab_bench_light");
        try {
            if (setups.contains("two")) {
                LightConvergence.Figures two = new LightConvergence(hosts, instances, warmup, changes, postgres).run();
                System.out.print(two.summary());
                results.add(two);
            }
        } catch (java.sql.SQLException e) {
            notes.add("two replicas not measured: no PostgreSQL at " + postgres.url() + " (" + e.getMessage() + ")");
        }
        System.out.println();
        System.out.println("==== summary (issue 20 floors) ====");
        for (LightConvergence.Figures f : results) {
            System.out.print(f.summary());
            System.out.printf(
                    Locale.ROOT,
                    "  floors: p99 < 100 ms %s; full sync < 60 s %s%s%n",
                    verdict(f.p99Millis() < 100),
                    verdict(f.fullSyncSeconds() < 60),
                    f.replicas() > 1
                            ? "; killed replica's agents converged within 10 s "
                                    + verdict(f.failoverSeconds() < 10 && f.failbackSeconds() < 10)
                            : "");
        }
        if (results.size() > 1 && results.get(0).replicas() == 1) {
            System.out.printf(
                    Locale.ROOT,
                    "  bytes per change: %.0f (one replica) and %.0f (two): one VPC's 5 hosts, whatever the total%n",
                    results.get(0).bytesPerChange(),
                    results.get(1).bytesPerChange());
        }
        notes.forEach(note -> System.out.println("  " + note));
    }

    private static String verdict(boolean met) {
        return met ? "MET" : "NOT MET";
    }

    private static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value;
    }

    private static void run(ControlPlaneLab lab, int agentCount, int instanceCount, int changes) throws Exception {
        int udpBase = FreeUdpPorts.consecutive(agentCount);
        List<FollowAgent> agents = new ArrayList<>();
        for (int i = 0; i < agentCount; i++) {
            agents.add(lab.agent("bench-" + i, udpBase + i));
        }
        ApiClient admin = lab.admin();
        long started = System.nanoTime();
        List<String> subnets = build(admin, agents, instanceCount);
        awaitAll(lab, agents);
        double syncSeconds = (System.nanoTime() - started) / 1e9;

        System.gc();
        long heapBytes =
                ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
        SouthboundService southbound = lab.bean(SouthboundService.class);
        MeterRegistry meters = lab.bean(MeterRegistry.class);
        double bytesBefore = meters.counter("vpclab.table.stream.bytes").count();
        double eventsBefore = meters.counter("vpclab.table.stream.events").count();

        List<Long> samples = new ArrayList<>();
        InstancesApi instances = new InstancesApi(admin);
        for (int change = 0; change < changes; change++) {
            long completedBefore = southbound.completedChanges();
            // a host that already serves the VPC, as most changes are; a new host would learn the whole VPC
            int subnetIndex = (change * 7) % subnets.size();
            String subnet = subnets.get(subnetIndex);
            String host = agents.get((subnetIndex / 2 * 2 + change % HOSTS_PER_VPC) % agents.size())
                    .hostId();
            instances.runInstance(
                    new InstanceCreate().subnetId(subnet).hostId(host).kind(InstanceKind.SIMULATED));
            long deadline = System.nanoTime() + 30_000_000_000L;
            while (southbound.completedChanges() == completedBefore) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("change " + change + " did not converge within 30 s");
                }
                Thread.onSpinWait();
            }
            List<Long> recent = southbound.recentConvergenceNanos();
            samples.add(recent.get(recent.size() - 1));
        }
        awaitAll(lab, agents);
        double bytesPerChange = (meters.counter("vpclab.table.stream.bytes").count() - bytesBefore) / changes;
        double eventsPerChange = (meters.counter("vpclab.table.stream.events").count() - eventsBefore) / changes;

        samples.sort(Long::compare);
        System.out.printf(
                Locale.ROOT, "convergence: agents=%d instances=%d changes=%d%n", agentCount, instanceCount, changes);
        System.out.printf(Locale.ROOT, "  full sync (create all + converge): %.1f s%n", syncSeconds);
        System.out.printf(
                Locale.ROOT,
                "  commit -> all acks: p50=%.1f ms p99=%.1f ms max=%.1f ms%n",
                percentile(samples, 0.50) / 1e6,
                percentile(samples, 0.99) / 1e6,
                samples.get(samples.size() - 1) / 1e6);
        System.out.printf(
                Locale.ROOT,
                "  heap after full sync (server + %d agents, one JVM): %.1f MiB%n",
                agentCount,
                heapBytes / 1048576.0);
        System.out.printf(
                Locale.ROOT,
                "  pushed per single-instance change: %.0f bytes in %.1f events%n",
                bytesPerChange,
                eventsPerChange);
    }

    /** Tenants of one VPC each, two subnets per VPC, instances spread over 5 hosts per VPC. */
    private static List<String> build(ApiClient admin, List<FollowAgent> agents, int instanceCount) throws Exception {
        int perVpc = 2 * INSTANCES_PER_SUBNET;
        int vpcs = Math.max(1, instanceCount / perVpc);
        List<String> subnets = new ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<?>> pending = new ArrayList<>();
            for (int v = 0; v < vpcs; v++) {
                String tenant = new TenantsApi(admin)
                        .createTenant(new TenantCreate().name("bench-" + v))
                        .getTenantId();
                String vpc = new VpcsApi(admin)
                        .createVpc(new VpcCreate().cidrBlock("10.0.0.0/16").tenantId(tenant))
                        .getVpcId();
                for (int s = 0; s < 2; s++) {
                    String subnet = new SubnetsApi(admin)
                            .createSubnet(new SubnetCreate().vpcId(vpc).cidrBlock("10.0." + s + ".0/24"))
                            .getSubnetId();
                    subnets.add(subnet);
                    for (int i = 0; i < INSTANCES_PER_SUBNET; i++) {
                        String host = agents.get((v * 2 + i % HOSTS_PER_VPC) % agents.size())
                                .hostId();
                        pending.add(pool.submit(() -> launch(admin, subnet, host)));
                    }
                }
            }
            for (Future<?> launched : pending) {
                launched.get();
            }
        } finally {
            pool.shutdownNow();
        }
        return subnets;
    }

    private static Void launch(ApiClient admin, String subnet, String host) throws ApiException {
        new InstancesApi(admin)
                .runInstance(new InstanceCreate().subnetId(subnet).hostId(host).kind(InstanceKind.SIMULATED));
        return null;
    }

    private static void awaitAll(ControlPlaneLab lab, List<FollowAgent> agents) {
        long deadline = System.nanoTime() + 600_000_000_000L;
        for (FollowAgent agent : agents) {
            while (!lab.converged(agent)) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("agents did not converge within 10 minutes");
                }
                Thread.onSpinWait();
            }
        }
    }

    private static double percentile(List<Long> sorted, double p) {
        int index = (int) Math.ceil(p * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, index)));
    }
}
