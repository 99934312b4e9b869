package io.vpclab.controlplane;

import static org.assertj.core.api.Assertions.assertThat;

import io.vpclab.client.ApiClient;
import io.vpclab.client.ApiException;
import io.vpclab.client.api.HostsApi;
import io.vpclab.client.api.InstancesApi;
import io.vpclab.client.api.SubnetsApi;
import io.vpclab.client.api.TenantsApi;
import io.vpclab.client.api.VpcsApi;
import io.vpclab.client.model.HostRegistration;
import io.vpclab.client.model.InstanceCreate;
import io.vpclab.client.model.InstanceList;
import io.vpclab.client.model.SubnetCreate;
import io.vpclab.client.model.TenantCreate;
import io.vpclab.client.model.VpcCreate;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Eight clients launch and terminate instances at once on a fresh H2 file store, the load under
 * which H2 2.4.240 failed a COMMIT with "MVStoreException: Position 0" and then "File corrupted
 * while reading record" (the unsafely published child page reference of h2database PR #4374: a
 * reader saw a page reference already cleared by a concurrent store but not its position). No
 * request may fail, and after a restart on the same file the store holds exactly the instances
 * that were answered 201 and not terminated.
 *
 * <p>Two stores: the shipped URL, where {@code WRITE_DELAY=0} makes every commit store in the
 * committing thread and H2 runs no background writer (so no auto-compaction either); and one with
 * the background writer on and auto-compaction as eager as H2 allows, so that chunk rewriting runs
 * between the clients' commits, the path of the PR's own stack trace.
 */
class H2ConcurrentInstanceChurnTest {

    private static final int CLIENTS = 8;
    /** Launches per client; every other instance is terminated right after its launch. */
    private static final int LAUNCHES_PER_CLIENT = 250;
    /** The clients stop early when this runs out (a slow CI machine), so the test stays bounded. */
    private static final long WORKLOAD_SECONDS = 15;

    @Test
    void concurrentLaunchesAndTerminationsAreAllStoredWithTheShippedUrl(@TempDir Path dataDir) throws Exception {
        churnRestartAndCompare(dataDir, "LOCK_TIMEOUT=20000;DB_CLOSE_ON_EXIT=FALSE;WRITE_DELAY=0");
    }

    /**
     * WRITE_DELAY=1: the background writer stores and does its housekeeping every millisecond;
     * AUTO_COMPACT_FILL_RATE=100 rewrites any chunk that is not full; RETENTION_TIME=0 frees
     * rewritten chunks at once, so their space is reused and the file keeps fragmenting.
     */
    @Test
    void concurrentLaunchesAndTerminationsAreAllStoredUnderEagerAutoCompaction(@TempDir Path dataDir) throws Exception {
        churnRestartAndCompare(
                dataDir,
                "LOCK_TIMEOUT=20000;DB_CLOSE_ON_EXIT=FALSE;WRITE_DELAY=1;AUTO_COMPACT_FILL_RATE=100;RETENTION_TIME=0");
    }

    private static void churnRestartAndCompare(Path dataDir, String h2Settings) throws Exception {
        String url = "--spring.datasource.url=jdbc:h2:file:" + dataDir.toAbsolutePath() + "/vpclab;" + h2Settings;
        Set<String> expected = new HashSet<>();
        List<String> subnets = new ArrayList<>();
        try (ConfigurableApplicationContext server = TestServers.start(dataDir, url)) {
            ApiClient admin = TestServers.client(server, adminToken(dataDir));
            String hostId = new HostsApi(admin)
                    .registerHost(new HostRegistration().name("churn-host").underlayIp("127.0.0.1"))
                    .getHost()
                    .getHostId();
            String tenantId = new TenantsApi(admin)
                    .createTenant(new TenantCreate().name("churn"))
                    .getTenantId();
            for (int c = 0; c < CLIENTS; c++) {
                // a VPC per client: instance writes lock their VPC, one shared VPC would serialize them
                String vpcId = new VpcsApi(admin)
                        .createVpc(new VpcCreate().tenantId(tenantId).cidrBlock("10." + c + ".0.0/16"))
                        .getVpcId();
                subnets.add(new SubnetsApi(admin)
                        .createSubnet(new SubnetCreate().vpcId(vpcId).cidrBlock("10." + c + ".1.0/24"))
                        .getSubnetId());
            }
            Churn churn = churn(admin, hostId, subnets);
            assertThat(churn.failures()).as("failed requests").isEmpty();
            assertThat(churn.launched()).as("launches answered 201").isPositive();
            expected.addAll(churn.alive());
        }
        try (ConfigurableApplicationContext restarted = TestServers.start(dataDir, url)) {
            InstancesApi instances = new InstancesApi(TestServers.client(restarted, adminToken(dataDir)));
            Set<String> stored = new HashSet<>();
            for (String subnetId : subnets) {
                String next = null;
                do {
                    InstanceList page = instances.listInstances(null, subnetId, null, 1000, next);
                    page.getItems().forEach(i -> stored.add(i.getInstanceId()));
                    next = page.getNextToken();
                } while (next != null);
            }
            assertThat(stored).as("instances after the restart").isEqualTo(expected);
        }
    }

    private record Churn(int launched, Set<String> alive, List<String> failures) {}

    private static Churn churn(ApiClient admin, String hostId, List<String> subnets) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WORKLOAD_SECONDS);
        ConcurrentLinkedQueue<String> alive = new ConcurrentLinkedQueue<>();
        ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
        ConcurrentLinkedQueue<String> launched = new ConcurrentLinkedQueue<>();
        CountDownLatch gate = new CountDownLatch(1);
        ExecutorService clients = Executors.newFixedThreadPool(CLIENTS);
        try {
            for (String subnetId : subnets) {
                clients.execute(() -> {
                    InstancesApi instances = new InstancesApi(admin);
                    try {
                        gate.await();
                        for (int i = 0; i < LAUNCHES_PER_CLIENT && System.nanoTime() < deadline; i++) {
                            String id = instances
                                    .runInstance(new InstanceCreate()
                                            .subnetId(subnetId)
                                            .hostId(hostId))
                                    .getInstanceId();
                            launched.add(id);
                            if (i % 2 == 1) {
                                instances.terminateInstance(id);
                            } else {
                                alive.add(id);
                            }
                        }
                    } catch (ApiException e) {
                        // one failure per client is enough to see; it stops that client
                        failures.add(e.getCode() + " " + e.getResponseBody());
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    } catch (RuntimeException e) {
                        failures.add(e.toString());
                    }
                });
            }
            gate.countDown();
        } finally {
            clients.shutdown();
            assertThat(clients.awaitTermination(WORKLOAD_SECONDS + 30, TimeUnit.SECONDS))
                    .isTrue();
        }
        return new Churn(launched.size(), new HashSet<>(alive), new ArrayList<>(failures));
    }

    private static String adminToken(Path dataDir) throws java.io.IOException {
        return Files.readString(dataDir.resolve("admin-token")).trim();
    }
}
