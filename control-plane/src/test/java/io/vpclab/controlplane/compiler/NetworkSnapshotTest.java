package io.vpclab.controlplane.compiler;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Replacing one VPC re-indexes that VPC only: the result must index exactly as a snapshot built whole. */
class NetworkSnapshotTest {

    private static final List<String> HOSTS = List.of("h0", "h1", "h2", "h3", "h4", "h5");
    private static final List<String> VPCS = List.of("v0", "v1", "v2", "v3");

    @Test
    void replacingAndRemovingVpcsIndexesAsASnapshotBuiltWhole() {
        Random random = new Random(20);
        NetworkSnapshot incremental = randomNetwork(random);
        for (int step = 0; step < 200; step++) {
            String vpcId = VPCS.get(random.nextInt(VPCS.size()));
            VpcNode replacement =
                    random.nextInt(5) == 0 ? null : randomNetwork(random).vpcs().get(vpcId);
            incremental = incremental.withVpc(vpcId, replacement);

            Map<String, VpcNode> vpcs = new HashMap<>(incremental.vpcs());
            NetworkSnapshot whole = new NetworkSnapshot(
                    incremental.hosts(), vpcs, Map.of("v0", java.util.Set.of("v1"), "v1", java.util.Set.of("v0")));
            assertSameIndexes(incremental, whole, "step " + step);
        }
    }

    private static void assertSameIndexes(NetworkSnapshot actual, NetworkSnapshot expected, String when) {
        for (String host : HOSTS) {
            assertThat(actual.vpcsOn(host)).as(when + ": VPCs on " + host).isEqualTo(expected.vpcsOn(host));
            assertThat(actual.vpcsVisibleFrom(host)).as(when).isEqualTo(expected.vpcsVisibleFrom(host));
        }
        for (String vpc : VPCS) {
            assertThat(actual.hostsOf(vpc)).as(when + ": hosts of " + vpc).isEqualTo(expected.hostsOf(vpc));
            assertThat(actual.hostsAffectedBy(vpc)).as(when).isEqualTo(expected.hostsAffectedBy(vpc));
        }
        assertThat(actual.publicHosts()).as(when + ": provider segment").isEqualTo(expected.publicHosts());
        for (VpcNode vpc : expected.vpcs().values()) {
            for (InstanceNode instance : vpc.instances()) {
                assertThat(actual.elasticIpOf(instance.id())).as(when).isEqualTo(expected.elasticIpOf(instance.id()));
            }
        }
    }

    /** Every VPC with a subnet, 0..5 instances on random hosts, some with elastic IPs; v0 and v1 peered. */
    private static NetworkSnapshot randomNetwork(Random random) {
        Networks network = new Networks();
        HOSTS.forEach(host -> network.host(host, "192.168.0." + (HOSTS.indexOf(host) + 1)));
        for (String vpc : VPCS) {
            network.vpc(vpc, "t-" + vpc).subnet(vpc, "s-" + vpc, "10.0." + VPCS.indexOf(vpc) + ".0/24");
            int instances = random.nextInt(6);
            for (int i = 0; i < instances; i++) {
                String id = vpc + "-i" + i;
                network.instance(
                        vpc,
                        "s-" + vpc,
                        id,
                        HOSTS.get(random.nextInt(HOSTS.size())),
                        "10.0." + VPCS.indexOf(vpc) + "." + (10 + i));
                if (random.nextInt(3) == 0) {
                    network.elasticIp(
                            vpc, new ElasticIpNode("203.0.113." + (VPCS.indexOf(vpc) * 10 + i), id, "ALLOW_ALL", null));
                }
            }
        }
        return network.peering("v0", "v1").build();
    }
}
