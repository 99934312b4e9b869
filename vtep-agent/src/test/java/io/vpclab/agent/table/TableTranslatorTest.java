package io.vpclab.agent.table;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vpclab.client.document.DocumentProblem;
import io.vpclab.client.model.ForwardingTable;
import io.vpclab.client.model.Port;
import io.vpclab.client.model.PortKind;
import io.vpclab.client.model.Segment;
import io.vpclab.client.model.TableHost;
import io.vpclab.client.model.Vtep;
import io.vpclab.dataplane.table.ForwardingState;
import org.junit.jupiter.api.Test;

/** A pushed table (no file, no lines) goes through the same validator as a file. */
class TableTranslatorTest {

    private static ForwardingTable table() {
        return new ForwardingTable()
                .generation(7L)
                .host(new TableHost().underlayIp("127.0.0.1").udpPort(4789))
                .addVtepsItem(new Vtep().id("peer").ip("127.0.0.1").port(4790))
                .addSegmentsItem(new Segment().vni(100).cidrBlock("10.100.0.0/24"))
                .addPortsItem(new Port()
                        .id("web")
                        .kind(PortKind.NETNS)
                        .vni(100)
                        .mac("02:00:0a:64:00:05")
                        .ipAddress("10.100.0.5"));
    }

    @Test
    void refusesEveryProblemOfAPushedTableWithItsPointerAndNoLine() {
        ForwardingTable table = table();
        table.getPorts().get(0).namespace("../../etc");
        table.addPortsItem(new Port().id("db").vni(100).mac("02:00:0a:64:00:06"));

        assertThatThrownBy(() -> TableTranslator.translate("generation 7", table))
                .isInstanceOfSatisfying(TableRefusedException.class, e -> {
                    assertThat(e.problems())
                            .extracting(DocumentProblem::pointer)
                            .containsExactly("/ports/0/namespace", "/ports/1/kind");
                    assertThat(e.first().line()).isZero();
                    assertThat(e.first().message()).contains("not a namespace name");
                    assertThat(e.getMessage()).contains("generation 7: /ports/0/namespace: '../../etc'");
                });
    }

    @Test
    void acceptsAgentsThatShareAnIpAndDifferByPort() {
        ForwardingTable table =
                table().addVtepsItem(new Vtep().id("third").ip("127.0.0.1").port(4791));

        ForwardingState state = TableTranslator.translate("generation 7", table);

        assertThat(state.vteps()).hasSize(2);
    }

    @Test
    void refusesAVtepAtTheHostsOwnEndpointOrAnotherVtepsEndpoint() {
        ForwardingTable table = table().addVtepsItem(new Vtep().id("self").ip("127.0.0.1"))
                .addVtepsItem(new Vtep().id("twin").ip("127.0.0.1").port(4790));

        assertThatThrownBy(() -> TableTranslator.translate("generation 7", table))
                .isInstanceOfSatisfying(
                        TableRefusedException.class,
                        e -> assertThat(e.problems())
                                .extracting(DocumentProblem::toString)
                                .containsExactly(
                                        "/vteps/1/ip: 127.0.0.1:4789 is this host's own underlayIp and udpPort",
                                        "/vteps/2/ip: 127.0.0.1:4790 is already the address of another vtep"));
    }
}
