package io.vpclab.controlplane.compiler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vpclab.client.model.ForwardingTable;
import io.vpclab.client.model.TableDelta;
import io.vpclab.client.table.TableDiff;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.json.JsonMapper;

class CompiledTableDiffTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    @Test
    void deltaOfANewInstanceCarriesOnlyThatInstance() {
        NetworkSnapshot before = network(50, false);
        NetworkSnapshot after = network(50, true);

        TableDelta delta = TableDiff.between(
                ForwardingTableCompiler.compile(before, "h1", 1), ForwardingTableCompiler.compile(after, "h1", 2));

        assertThat(delta.getUpsert().getMacs()).hasSize(1);
        assertThat(delta.getUpsert().getBindings()).hasSize(1);
        assertThat(delta.getUpsert().getPorts()).isEmpty();
        assertThat(delta.getRemove().getMacs()).isEmpty();
        assertThat(TableDiff.isEmpty(delta)).isFalse();
    }

    @Test
    void deltaBytesDoNotGrowWithTheNumberOfInstances() {
        int small = deltaJsonBytes(20);
        int large = deltaJsonBytes(2000);

        assertThat(large).isEqualTo(small);
    }

    @Test
    void unchangedTableGivesAnEmptyDelta() {
        ForwardingTable table = ForwardingTableCompiler.compile(network(10, true), "h1", 4);
        TableDelta delta = TableDiff.between(table, ForwardingTableCompiler.compile(network(10, true), "h1", 5));

        assertThat(TableDiff.isEmpty(delta)).isTrue();
    }

    @Test
    void deltaForAnotherBaseIsRefused() {
        ForwardingTable v1 = ForwardingTableCompiler.compile(network(3, false), "h1", 1);
        ForwardingTable v2 = ForwardingTableCompiler.compile(network(3, true), "h1", 2);
        TableDelta delta = TableDiff.between(v1, v2);

        assertThatThrownBy(() -> TableDiff.apply(v2, delta))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("generation 1");
    }

    static IntStream seeds() {
        return new SplittableRandom(Long.getLong("prop.seed", 42L)).ints(200, 0, Integer.MAX_VALUE);
    }

    /** apply(a, between(a, b)) == b for random pairs of networks, compared by content. */
    @ParameterizedTest
    @MethodSource("seeds")
    void applyingTheDeltaGivesTheTargetTable(int seed) {
        ForwardingTable a = ForwardingTableCompiler.compile(randomNetwork(new SplittableRandom(seed)), "h1", 1);
        ForwardingTable b = ForwardingTableCompiler.compile(randomNetwork(new SplittableRandom(seed + 1L)), "h1", 2);

        ForwardingTable applied = TableDiff.apply(a, TableDiff.between(a, b));

        assertThat(applied.getGeneration()).isEqualTo(2);
        assertThat(applied.getVteps()).containsExactlyInAnyOrderElementsOf(b.getVteps());
        assertThat(applied.getSegments()).containsExactlyInAnyOrderElementsOf(b.getSegments());
        assertThat(applied.getPorts()).containsExactlyInAnyOrderElementsOf(b.getPorts());
        assertThat(applied.getMacs()).containsExactlyInAnyOrderElementsOf(b.getMacs());
        assertThat(applied.getBindings()).containsExactlyInAnyOrderElementsOf(b.getBindings());
        assertThat(applied.getRouters()).containsExactlyInAnyOrderElementsOf(b.getRouters());
    }

    private static int deltaJsonBytes(int instances) {
        TableDelta delta = TableDiff.between(
                ForwardingTableCompiler.compile(network(instances, false), "h1", 1),
                ForwardingTableCompiler.compile(network(instances, true), "h1", 2));
        return JSON.writeValueAsBytes(delta).length;
    }

    /** One VPC over two hosts with n instances on h2, plus optionally one more on h2 (its MAC is always 02:00:00:ff:ff:ff). */
    private static NetworkSnapshot network(int n, boolean withExtra) {
        Networks net = new Networks()
                .host("h1", "192.0.2.1")
                .host("h2", "192.0.2.2")
                .vpc("vpc", "t")
                .subnet("vpc", "s", "10.0.0.0/16")
                .instance("vpc", "s", "local", "h1", "10.0.0.4");
        for (int i = 0; i < n; i++) {
            net.instance("vpc", "s", "i-" + i, "h2", "10.0." + (1 + i / 250) + "." + (2 + i % 250));
        }
        if (withExtra) {
            net.instance("vpc", "s", "extra", "h2", "10.0.255.200", "02:00:00:ff:ff:ff");
        }
        return net.build();
    }

    private static NetworkSnapshot randomNetwork(SplittableRandom random) {
        Networks net =
                new Networks().host("h1", "192.0.2.1").host("h2", "192.0.2.2").host("h3", "192.0.2.3");
        String[] hosts = {"h1", "h2", "h3"};
        for (int v = 0; v < 3; v++) {
            String vpc = "vpc" + v;
            net.vpc(vpc, "t" + v);
            int subnets = 1 + random.nextInt(3);
            for (int s = 0; s < subnets; s++) {
                net.subnet(vpc, vpc + "-s" + s, "10." + v + "." + s + ".0/24");
                int instances = random.nextInt(5);
                for (int i = 0; i < instances; i++) {
                    net.instance(
                            vpc,
                            vpc + "-s" + s,
                            vpc + "-s" + s + "-i" + i,
                            hosts[random.nextInt(3)],
                            "10." + v + "." + s + "." + (10 + i));
                }
            }
        }
        if (random.nextBoolean()) {
            net.peering("vpc0", "vpc1");
        }
        return net.build();
    }
}
