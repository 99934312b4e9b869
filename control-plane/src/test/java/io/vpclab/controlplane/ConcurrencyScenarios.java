package io.vpclab.controlplane;

import static org.assertj.core.api.Assertions.assertThat;

import io.vpclab.client.ApiException;
import io.vpclab.client.api.ResourceTagsApi;
import io.vpclab.client.model.Instance;
import io.vpclab.client.model.InstanceCreate;
import io.vpclab.client.model.ResourceTag;
import io.vpclab.client.model.ResourceTags;
import io.vpclab.client.model.ResourceTagsUpdate;
import io.vpclab.client.model.Subnet;
import io.vpclab.client.model.SubnetCreate;
import io.vpclab.client.model.Vpc;
import io.vpclab.controlplane.system.Ipv4Parameters;
import io.vpclab.net.Ipv4Prefix;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Parallel requests that would break a rule if two of them won. Each scenario fires N requests
 * from a bounded pool behind one start gate, then checks that exactly the allowed number
 * succeeded, that every loser got the rule's code, and that the store agrees.
 */
public abstract class ConcurrencyScenarios extends ApiTestSupport {

    private static final int THREADS = 12;
    private static final int REQUESTS = 36;

    /** Outcome of one racing request: the result, or the refusal's status and code. */
    protected record Outcome<T>(T value, int status, String code) {
        boolean succeeded() {
            return value != null;
        }
    }

    protected <T> List<Outcome<T>> race(int requests, java.util.function.IntFunction<Callable<T>> call)
            throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        CountDownLatch gate = new CountDownLatch(1);
        try {
            List<Future<Outcome<T>>> futures = new ArrayList<>();
            for (int i = 0; i < requests; i++) {
                Callable<T> task = call.apply(i);
                futures.add(pool.submit(() -> {
                    gate.await();
                    try {
                        return new Outcome<>(task.call(), 0, null);
                    } catch (ApiException e) {
                        return new Outcome<T>(
                                null,
                                e.getCode(),
                                json(e.getResponseBody()).path("code").asString());
                    }
                }));
            }
            gate.countDown();
            List<Outcome<T>> outcomes = new ArrayList<>();
            for (Future<Outcome<T>> future : futures) {
                outcomes.add(future.get(120, TimeUnit.SECONDS));
            }
            return outcomes;
        } finally {
            pool.shutdownNow();
            assertThat(pool.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
        }
    }

    /** Tag writes are upserts: racing writers of one new key all succeed, and one row holds the last value. */
    @Test
    void racingWritesOfOneNewTagKeyAllSucceed() throws Exception {
        TenantClient tenant = newTenant();
        Vpc vpc = tenant.vpc("10.0.0.0/16");
        ResourceTagsApi tags = new ResourceTagsApi(tenant.api());
        List<Outcome<ResourceTags>> outcomes = race(
                THREADS,
                i -> () -> tags.updateResourceTags(
                        vpc.getVpcId(), new ResourceTagsUpdate().set(Map.of("owner", "writer-" + i))));

        assertThat(outcomes)
                .allSatisfy(o -> assertThat(o.succeeded())
                        .as("status %d %s", o.status(), o.code())
                        .isTrue());
        List<ResourceTag> stored =
                tags.listTags(vpc.getVpcId(), null, "owner", null, null, null).getItems();
        assertThat(stored).hasSize(1);
        assertThat(stored.get(0).getValue()).matches("writer-\\d+");
    }

    @Test
    void overlappingSubnetsNeverBothSucceed() throws Exception {
        TenantClient tenant = newTenant();
        Vpc vpc = tenant.vpc("10.0.0.0/16");
        List<String> candidates =
                List.of("10.0.0.0/24", "10.0.0.0/25", "10.0.0.128/25", "10.0.0.0/23", "10.0.1.0/24", "10.0.0.64/26");
        List<Outcome<Subnet>> outcomes = race(
                REQUESTS,
                i -> () -> tenant.subnets()
                        .createSubnet(new SubnetCreate()
                                .vpcId(vpc.getVpcId())
                                .cidrBlock(candidates.get(i % candidates.size()))));

        List<Subnet> stored =
                tenant.subnets().listSubnets(vpc.getVpcId(), 1000, null).getItems();
        long wins = outcomes.stream().filter(Outcome::succeeded).count();
        assertThat(wins).isPositive().isEqualTo(stored.size());
        assertThat(outcomes)
                .filteredOn(o -> !o.succeeded())
                .allSatisfy(
                        o -> assertThat(o.code()).as("status %d", o.status()).isEqualTo("InvalidSubnet.Conflict"));
        for (int a = 0; a < stored.size(); a++) {
            for (int b = a + 1; b < stored.size(); b++) {
                Ipv4Prefix x = Ipv4Parameters.prefix(stored.get(a).getCidrBlock(), "x");
                Ipv4Prefix y = Ipv4Parameters.prefix(stored.get(b).getCidrBlock(), "y");
                assertThat(x.overlaps(y)).as("%s vs %s", x, y).isFalse();
            }
        }
        assertThat(stored).extracting(Subnet::getSegmentId).doesNotHaveDuplicates();
    }

    @Test
    void oneRequestedAddressGoesToExactlyOneInstance() throws Exception {
        TenantClient tenant = newTenant();
        String host = newHost().getHost().getHostId();
        Subnet subnet = tenant.subnet(tenant.vpc("10.0.0.0/16").getVpcId(), "10.0.1.0/24");
        List<Outcome<Instance>> outcomes = race(
                REQUESTS,
                i -> () -> tenant.instances()
                        .runInstance(new InstanceCreate()
                                .subnetId(subnet.getSubnetId())
                                .hostId(host)
                                .privateIpAddress("10.0.1.50")));

        assertThat(outcomes).filteredOn(Outcome::succeeded).hasSize(1);
        assertThat(outcomes)
                .filteredOn(o -> !o.succeeded())
                .hasSize(REQUESTS - 1)
                .allSatisfy(o -> {
                    assertThat(o.status()).isEqualTo(409);
                    assertThat(o.code()).isEqualTo("InvalidIPAddress.InUse");
                });
        assertThat(tenant.instances()
                        .listInstances(null, subnet.getSubnetId(), null, null, null)
                        .getItems())
                .hasSize(1);
        assertThat(tenant.subnets().getSubnet(subnet.getSubnetId()).getAvailableIpAddressCount())
                .isEqualTo(250);
    }

    @Test
    void parallelLaunchesGetDistinctAddressesAndMacs() throws Exception {
        TenantClient tenant = newTenant();
        String host = newHost().getHost().getHostId();
        Subnet subnet = tenant.subnet(tenant.vpc("10.0.0.0/16").getVpcId(), "10.0.2.0/26");
        List<Outcome<Instance>> outcomes = race(
                REQUESTS + 30,
                i -> () -> tenant.instances()
                        .runInstance(new InstanceCreate()
                                .subnetId(subnet.getSubnetId())
                                .hostId(host)));

        // A /26 has 59 usable addresses: 59 launches win, the rest find the subnet full.
        List<Instance> won =
                outcomes.stream().filter(Outcome::succeeded).map(Outcome::value).toList();
        assertThat(won).hasSize(59);
        assertThat(won).extracting(Instance::getPrivateIpAddress).doesNotHaveDuplicates();
        assertThat(won).extracting(Instance::getMacAddress).doesNotHaveDuplicates();
        assertThat(outcomes)
                .filteredOn(o -> !o.succeeded())
                .allSatisfy(o -> assertThat(o.code()).isEqualTo("InsufficientFreeAddressesInSubnet"));
        assertThat(tenant.subnets().getSubnet(subnet.getSubnetId()).getAvailableIpAddressCount())
                .isZero();
    }

    @Test
    void parallelSubnetsInManyVpcsGetDistinctSegments() throws Exception {
        TenantClient tenant = newTenant();
        List<Vpc> vpcs = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            vpcs.add(tenant.vpc("10." + i + ".0.0/16"));
        }
        AtomicInteger third = new AtomicInteger();
        Map<Integer, String> seen = new ConcurrentHashMap<>();
        List<Outcome<Subnet>> outcomes = race(REQUESTS, i -> {
            Vpc vpc = vpcs.get(i % vpcs.size());
            String cidr = vpc.getCidrBlock().replace(".0.0/16", "." + third.getAndIncrement() + ".0/24");
            return () -> tenant.subnets()
                    .createSubnet(new SubnetCreate().vpcId(vpc.getVpcId()).cidrBlock(cidr));
        });
        assertThat(outcomes).allMatch(Outcome::succeeded);
        outcomes.forEach(
                o -> assertThat(seen.put(o.value().getSegmentId(), o.value().getSubnetId()))
                        .isNull());
        assertThat(seen).hasSize(REQUESTS);
    }
}
