package io.vpclab.controlplane;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vpclab.client.ApiClient;
import io.vpclab.client.ApiException;
import io.vpclab.client.api.HostsApi;
import io.vpclab.client.api.InstancesApi;
import io.vpclab.client.api.SubnetsApi;
import io.vpclab.client.api.TenantsApi;
import io.vpclab.client.api.VpcsApi;
import io.vpclab.client.model.HostRegistration;
import io.vpclab.client.model.InstanceCreate;
import io.vpclab.client.model.SubnetCreate;
import io.vpclab.client.model.TenantCreate;
import io.vpclab.client.model.VpcCreate;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * "Acknowledged means stored": writers create tenants, VPCs, subnets and instances from several
 * threads against a server in its own JVM, the server is killed with SIGKILL the moment enough
 * answers came back (writes are still in flight), a new server starts on the same data, and
 * every write that was answered 201 must be there. H2 with its default commit delay loses the
 * last half second of answered writes here.
 */
class AcknowledgedWritesSurviveKillTest {

    private static final int WRITERS = 4;
    /** Answers to wait for before the kill; each writer stops on its own after {@link #MAX_WRITES_PER_WRITER}. */
    private static final int ANSWERS_BEFORE_KILL = 60;

    private static final int MAX_WRITES_PER_WRITER = 200;
    private static final String PG_SCHEMA = "vpclab_it_kill";

    @Test
    void everyAnsweredWriteSurvivesAKillOnH2(@TempDir Path temp) throws Exception {
        assertAnsweredWritesSurviveAKill(temp.resolve("data"), Map.of());
    }

    @Test
    void everyAnsweredWriteSurvivesAKillOnPostgres(@TempDir Path temp) throws Exception {
        PostgresSupport.requireServerAndRecreate(PG_SCHEMA);
        assertAnsweredWritesSurviveAKill(
                temp.resolve("data"),
                Map.of(
                        "VPCLAB_DB_URL", PostgresSupport.urlWithSchema(PG_SCHEMA),
                        "VPCLAB_DB_USER", PostgresSupport.USER,
                        "VPCLAB_DB_PASSWORD", PostgresSupport.PASSWORD),
                "--spring.profiles.active=postgres");
    }

    private void assertAnsweredWritesSurviveAKill(Path dataDir, Map<String, String> environment, String... arguments)
            throws Exception {
        int port = ServerProcess.freePort();
        ConcurrentLinkedQueue<Answered> answered = new ConcurrentLinkedQueue<>();
        try (ServerProcess first = ServerProcess.start(dataDir, port, environment, arguments)) {
            String hostId = new HostsApi(first.admin())
                    .registerHost(new HostRegistration().name("crash-host").underlayIp("127.0.0.1"))
                    .getHost()
                    .getHostId();
            answered.add(new Answered("host", hostId));
            AtomicBoolean killed = new AtomicBoolean();
            ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
            ExecutorService writers = Executors.newFixedThreadPool(WRITERS);
            for (int w = 0; w < WRITERS; w++) {
                int writer = w;
                writers.execute(() -> {
                    try {
                        write(first.admin(), writer, hostId, answered, killed);
                    } catch (RuntimeException e) {
                        failures.add(e);
                    }
                });
            }
            await().atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofMillis(1))
                    .until(() -> answered.size() > ANSWERS_BEFORE_KILL);
            first.kill();
            killed.set(true);
            writers.shutdown();
            assertThat(writers.awaitTermination(60, TimeUnit.SECONDS)).isTrue();
            assertThat(failures).isEmpty();
        }
        List<Answered> expected = new ArrayList<>(answered);
        try (ServerProcess second = ServerProcess.start(dataDir, port, environment, arguments)) {
            List<Answered> missing = new ArrayList<>();
            for (Answered write : expected) {
                if (!exists(second.admin(), write)) {
                    missing.add(write);
                }
            }
            assertThat(missing)
                    .as("answered 201 before the kill, of %d answered writes", expected.size())
                    .isEmpty();
        }
    }

    /** One writer's tenant, VPC, subnets and instances; stops at the kill (its request then fails) or its bound. */
    private static void write(
            ApiClient admin,
            int writer,
            String hostId,
            ConcurrentLinkedQueue<Answered> answered,
            AtomicBoolean killed) {
        try {
            String tenantId = new TenantsApi(admin)
                    .createTenant(new TenantCreate().name("writer-" + writer))
                    .getTenantId();
            answered.add(new Answered("tenant", tenantId));
            String vpcId = new VpcsApi(admin)
                    .createVpc(new VpcCreate().tenantId(tenantId).cidrBlock("10." + writer + ".0.0/16"))
                    .getVpcId();
            answered.add(new Answered("vpc", vpcId));
            int writes = 2;
            for (int subnet = 0; writes < MAX_WRITES_PER_WRITER && !killed.get(); subnet++) {
                String subnetId = new SubnetsApi(admin)
                        .createSubnet(
                                new SubnetCreate().vpcId(vpcId).cidrBlock("10." + writer + "." + subnet + ".0/24"))
                        .getSubnetId();
                answered.add(new Answered("subnet", subnetId));
                writes++;
                for (int i = 0; i < 4 && writes < MAX_WRITES_PER_WRITER && !killed.get(); i++, writes++) {
                    String instanceId = new InstancesApi(admin)
                            .runInstance(new InstanceCreate().subnetId(subnetId).hostId(hostId))
                            .getInstanceId();
                    answered.add(new Answered("instance", instanceId));
                }
            }
        } catch (ApiException e) {
            // the server died under this request: it was never answered, so it need not be stored
            if (!killed.get() && e.getCode() != 0) {
                throw new IllegalStateException("writer " + writer + " refused before the kill", e);
            }
        }
    }

    private static boolean exists(ApiClient admin, Answered write) throws ApiException {
        try {
            switch (write.kind()) {
                case "host" -> new HostsApi(admin).getHost(write.id());
                case "tenant" -> new TenantsApi(admin).getTenant(write.id());
                case "vpc" -> new VpcsApi(admin).getVpc(write.id());
                case "subnet" -> new SubnetsApi(admin).getSubnet(write.id());
                case "instance" -> new InstancesApi(admin).getInstance(write.id());
                default -> throw new IllegalArgumentException(write.kind());
            }
            return true;
        } catch (ApiException e) {
            if (e.getCode() == 404) {
                return false;
            }
            throw e;
        }
    }

    private record Answered(String kind, String id) {}
}
