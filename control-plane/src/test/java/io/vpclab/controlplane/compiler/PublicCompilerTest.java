package io.vpclab.controlplane.compiler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vpclab.client.model.ForwardingTable;
import io.vpclab.client.model.IpBinding;
import io.vpclab.client.model.MacEntry;
import io.vpclab.client.model.Port;
import io.vpclab.client.model.PortElasticIp;
import io.vpclab.client.model.Segment;
import io.vpclab.client.model.TableDelta;
import io.vpclab.client.model.TableWhitelist;
import io.vpclab.client.model.TableWhitelistRule;
import io.vpclab.client.table.TableDiff;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PublicCompilerTest {

    static final int PUBLIC_VNI = PublicNetwork.DEFAULT.vni();
    static final InstanceNode VM =
            new InstanceNode("i-vm", "vm", "s-1", "h1", "simulated", "10.0.1.5", "02:00:0a:00:01:05");
    static final InstanceNode DB =
            new InstanceNode("i-db", "db", "s-1", "h3", "simulated", "10.0.1.6", "02:00:0a:00:01:06");
    static final InternetHostNode INTERNET =
            new InternetHostNode("inet-1", "internet", "h2", "simulated", "198.51.100.10", "02:00:c6:33:64:0a");

    static final WhitelistNode SSH_ONLY = new WhitelistNode(
            "wl-1",
            List.of(
                    new WhitelistNode.Rule("wlr-ssh", "tcp", "198.51.100.0/24", 22, 22),
                    new WhitelistNode.Rule("wlr-ping", "icmp", "0.0.0.0/0", null, null)));

    static NetworkSnapshot network(String ingressPolicy) {
        return network(ingressPolicy, "WHITELIST".equals(ingressPolicy) ? SSH_ONLY : null);
    }

    static NetworkSnapshot network(String ingressPolicy, WhitelistNode whitelist) {
        Map<String, HostNode> hosts = Map.of(
                "h1", new HostNode("h1", "h1", "192.168.77.1", 4789, 1500),
                "h2", new HostNode("h2", "h2", "192.168.77.2", 4789, 1500),
                "h3", new HostNode("h3", "h3", "192.168.77.3", 4789, 1500));
        List<ElasticIpNode> eips = ingressPolicy == null
                ? List.of()
                : List.of(new ElasticIpNode("203.0.113.10", "i-vm", ingressPolicy, whitelist));
        VpcNode vpc = new VpcNode(
                "vpc-1",
                "t-1",
                List.of(new SubnetNode("s-1", "vpc-1", "10.0.1.0/24", "10.0.1.1", 100, null)),
                List.of(VM, DB),
                eips);
        return new NetworkSnapshot(
                hosts, Map.of("vpc-1", vpc), Map.of(), PublicNetwork.DEFAULT.withInternetHosts(List.of(INTERNET)));
    }

    @Test
    void theInstancesHostDoesTheNatAndReachesTheInternetHostsVtep() {
        ForwardingTable table = ForwardingTableCompiler.compile(network("ALLOW_ALL"), "h1", 1);

        Port vm = table.getPorts().stream()
                .filter(p -> p.getId().equals("i-vm"))
                .findFirst()
                .orElseThrow();
        assertThat(vm.getElasticIp())
                .isEqualTo(new PortElasticIp()
                        .publicIp("203.0.113.10")
                        .ingressPolicy(PortElasticIp.IngressPolicyEnum.ALLOW_ALL));
        Segment provider = providerSegment(table);
        assertThat(provider.getRouterId()).isEqualTo(PublicNetwork.ROUTER_ID);
        assertThat(provider.getGatewayIp()).isEqualTo("198.51.100.1");
        assertThat(provider.getFloodList()).containsExactly("h2");
        assertThat(table.getMacs())
                .contains(new MacEntry().vni(PUBLIC_VNI).mac(INTERNET.mac()).vtep("h2"));
        assertThat(table.getBindings())
                .contains(
                        new IpBinding()
                                .vni(PUBLIC_VNI)
                                .ipAddress("198.51.100.10")
                                .mac(INTERNET.mac()),
                        new IpBinding()
                                .vni(PUBLIC_VNI)
                                .ipAddress("203.0.113.10")
                                .mac(VM.mac()));
        assertThat(table.getVteps()).extracting(v -> v.getId()).containsExactlyInAnyOrder("h2", "h3");
        var router = table.getRouters().stream()
                .filter(r -> r.getId().equals(PublicNetwork.ROUTER_ID))
                .findFirst()
                .orElseThrow();
        assertThat(router.getRoutes())
                .extracting(r -> r.getDestination())
                .containsExactly("198.51.100.0/24", "203.0.113.0/24");
    }

    @Test
    void theInternetHostsVtepBindsTheElasticIpToTheInstanceBehindItsHost() {
        ForwardingTable table = ForwardingTableCompiler.compile(network("DENY_ALL"), "h2", 1);

        assertThat(table.getPorts()).extracting(Port::getId).containsExactly("inet-1");
        assertThat(table.getPorts().get(0).getGatewayIp()).isEqualTo("198.51.100.1");
        assertThat(table.getMacs())
                .containsExactly(new MacEntry().vni(PUBLIC_VNI).mac(VM.mac()).vtep("h1"));
        assertThat(table.getBindings())
                .contains(new IpBinding()
                        .vni(PUBLIC_VNI)
                        .ipAddress("203.0.113.10")
                        .mac(VM.mac()));
        assertThat(table.getSegments()).extracting(Segment::getVni).containsExactly(PUBLIC_VNI);
        assertThat(table.getRouters()).extracting(r -> r.getId()).containsExactly(PublicNetwork.ROUTER_ID);
    }

    @Test
    void hostsWithoutElasticIpsOrInternetHostsNeverSeeTheProviderSegment() {
        ForwardingTable table = ForwardingTableCompiler.compile(network("ALLOW_ALL"), "h3", 1);

        assertThat(table.getSegments()).extracting(Segment::getVni).containsExactly(100);
        assertThat(table.getPorts())
                .allSatisfy(p -> assertThat(p.getElasticIp()).isNull());
    }

    @Test
    void aWhitelistPolicyNamesItsWhitelistWhichOnlyTheInstancesHostHolds() {
        ForwardingTable table = ForwardingTableCompiler.compile(network("WHITELIST"), "h1", 1);

        Port vm = table.getPorts().stream()
                .filter(p -> p.getId().equals("i-vm"))
                .findFirst()
                .orElseThrow();
        assertThat(vm.getElasticIp())
                .isEqualTo(new PortElasticIp()
                        .publicIp("203.0.113.10")
                        .ingressPolicy(PortElasticIp.IngressPolicyEnum.WHITELIST)
                        .whitelistId("wl-1"));
        assertThat(table.getWhitelists())
                .containsExactly(new TableWhitelist()
                        .id("wl-1")
                        .rules(List.of(
                                new TableWhitelistRule()
                                        .id("wlr-ssh")
                                        .protocol(TableWhitelistRule.ProtocolEnum.TCP)
                                        .cidrBlock("198.51.100.0/24")
                                        .fromPort(22)
                                        .toPort(22),
                                new TableWhitelistRule()
                                        .id("wlr-ping")
                                        .protocol(TableWhitelistRule.ProtocolEnum.ICMP)
                                        .cidrBlock("0.0.0.0/0"))));
        assertThat(ForwardingTableCompiler.compile(network("WHITELIST"), "h2", 1)
                        .getWhitelists())
                .isEmpty();
    }

    @Test
    void aRuleAddedToTheWhitelistReachesTheHostAsOneWhitelistUpsert() {
        WhitelistNode more = new WhitelistNode(
                "wl-1",
                List.of(
                        SSH_ONLY.rules().get(0),
                        SSH_ONLY.rules().get(1),
                        new WhitelistNode.Rule("wlr-web", "tcp", "0.0.0.0/0", 80, 443)));
        ForwardingTable v1 = ForwardingTableCompiler.compile(network("WHITELIST", SSH_ONLY), "h1", 1);
        ForwardingTable v2 = ForwardingTableCompiler.compile(network("WHITELIST", more), "h1", 2);

        TableDelta delta = TableDiff.between(v1, v2);

        assertThat(delta.getUpsert().getWhitelists())
                .extracting(TableWhitelist::getId)
                .containsExactly("wl-1");
        assertThat(delta.getUpsert().getPorts()).isEmpty();
        assertThat(TableDiff.apply(v1, delta)).isEqualTo(v2);
        ForwardingTable v3 = ForwardingTableCompiler.compile(network("DENY_ALL"), "h1", 3);
        assertThat(TableDiff.between(v2, v3).getRemove().getWhitelists()).containsExactly("wl-1");
    }

    @Test
    void aWhitelistPolicyWithoutItsWhitelistIsACompilerInputError() {
        assertThatThrownBy(() -> new ElasticIpNode("203.0.113.10", "i-vm", "WHITELIST"))
                .hasMessageContaining("needs its whitelist");
    }

    @Test
    void associatingAnElasticIpRecompilesTheProviderHostsAndTheDeltaAppliesCleanly() {
        NetworkSnapshot before = network(null);
        NetworkSnapshot after = network("DENY_ALL");

        assertThat(before.hostsAffectedBy("vpc-1")).containsExactly("h1", "h3");
        assertThat(after.hostsAffectedBy("vpc-1")).containsExactly("h1", "h2", "h3");
        for (String host : List.of("h1", "h2")) {
            ForwardingTable v1 = ForwardingTableCompiler.compile(before, host, 1);
            ForwardingTable v2 = ForwardingTableCompiler.compile(after, host, 2);
            assertThat(TableDiff.apply(v1, TableDiff.between(v1, v2))).isEqualTo(v2);
        }
    }

    private static Segment providerSegment(ForwardingTable table) {
        return table.getSegments().stream()
                .filter(s -> Boolean.TRUE.equals(s.getProvider()))
                .findFirst()
                .orElseThrow();
    }
}
