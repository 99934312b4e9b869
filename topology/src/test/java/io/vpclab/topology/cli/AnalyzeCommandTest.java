package io.vpclab.topology.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.vpclab.client.model.NetworkPathAnalysis;
import io.vpclab.client.model.NetworkPathEnd;
import io.vpclab.client.model.NetworkPathHop;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The analyze command's table: one row per hop, the blocking one marked, the explanation last. */
class AnalyzeCommandTest {

    @Test
    void aBlockedPathPrintsEveryHopAndTheRuleThatBlocks() {
        NetworkPathHop blocking = new NetworkPathHop()
                .index(2)
                .component(NetworkPathHop.ComponentEnum.NETWORK_ACL_INBOUND)
                .componentId("acl-1")
                .hostId("h-2")
                .ruleId("ingress/50")
                .detail("entry ingress/50 of network ACL acl-1 denies tcp 5432")
                .allowed(false);
        NetworkPathAnalysis path = new NetworkPathAnalysis()
                .reachable(false)
                .source(new NetworkPathEnd()
                        .type(NetworkPathEnd.TypeEnum.INSTANCE)
                        .name("web")
                        .ip("10.0.1.5"))
                .destination(new NetworkPathEnd()
                        .type(NetworkPathEnd.TypeEnum.IP)
                        .name("10.0.2.5")
                        .ip("10.0.2.5"))
                .protocol(NetworkPathAnalysis.ProtocolEnum.TCP)
                .port(5432)
                .hops(List.of(
                        new NetworkPathHop()
                                .index(0)
                                .component(NetworkPathHop.ComponentEnum.SOURCE)
                                .componentId("i-1")
                                .hostId("h-1")
                                .detail("web sends")
                                .allowed(true),
                        new NetworkPathHop()
                                .index(1)
                                .component(NetworkPathHop.ComponentEnum.ROUTE)
                                .componentId("rtb-1")
                                .hostId("h-1")
                                .ruleId("10.0.0.0/16")
                                .detail("routed")
                                .allowed(true),
                        blocking))
                .explanation(blocking);

        String text = AnalyzeCommand.render(path);

        assertThat(text.lines().toList())
                .containsExactly(
                        "web (10.0.1.5) -> (10.0.2.5) tcp 5432: NOT reachable",
                        "#  COMPONENT            ID     HOST  RULE         VERDICT  DETAIL",
                        "0  source               i-1    h-1   -            pass     web sends",
                        "1  route                rtb-1  h-1   10.0.0.0/16  pass     routed",
                        "2  network-acl-inbound  acl-1  h-2   ingress/50   BLOCKED  entry ingress/50 of network ACL acl-1"
                                + " denies tcp 5432",
                        "blocked by network-acl-inbound acl-1 rule ingress/50: entry ingress/50 of network ACL acl-1"
                                + " denies tcp 5432");
    }

    @Test
    void endpointsAreReadFromTheirForm() {
        assertThat(AnalyzeCommand.endpoint("web").getInstance()).isEqualTo("web");
        assertThat(AnalyzeCommand.endpoint("10.0.2.5").getIp()).isEqualTo("10.0.2.5");
        assertThat(AnalyzeCommand.endpoint("internet:web").getInternetHost()).isEqualTo("web");
        assertThat(AnalyzeCommand.endpoint("eip:eipalloc-1").getElasticIp()).isEqualTo("eipalloc-1");
    }
}
