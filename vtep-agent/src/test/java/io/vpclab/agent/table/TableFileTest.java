package io.vpclab.agent.table;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vpclab.client.document.DocumentProblem;
import io.vpclab.client.model.ForwardingTable;
import io.vpclab.client.model.PortKind;
import io.vpclab.dataplane.table.ForwardingState;
import io.vpclab.net.Ipv4Address;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class TableFileTest {

    /** Line numbers below refer to this document (line 1 is "generation: 3"). */
    static final String VALID = """
            generation: 3
            host:
              underlayIp: 192.168.77.1
              udpPort: 4789
            vteps:
              - id: peer
                ip: 192.168.77.2
            segments:
              - vni: 100
                cidrBlock: 10.100.0.0/24
                gatewayIp: 10.100.0.1
                routerId: r1
                floodList: [peer]
            ports:
              - id: web
                kind: netns
                vni: 100
                mac: 02:00:0a:64:00:05
                ipAddress: 10.100.0.5
                prefixLength: 24
                gatewayIp: 10.100.0.1
            macs:
              - vni: 100
                mac: 02:00:0a:64:00:06
                vtep: peer
            bindings:
              - vni: 100
                ipAddress: 10.100.0.6
                mac: 02:00:0a:64:00:06
            routers:
              - id: r1
                mac: 02:00:00:00:01:01
                routes:
                  - destination: 10.100.0.0/24
                    vni: 100
            """;

    @Test
    void readsAValidYamlTableIntoTheContractModelAndTheForwardingState() {
        ForwardingTable table = TableFile.parse("t.yaml", VALID, TableFormat.YAML);
        assertThat(table.getGeneration()).isEqualTo(3);
        assertThat(table.getPorts().get(0).getKind()).isEqualTo(PortKind.NETNS);
        assertThat(table.getHost().getUnderlayMtu()).isEqualTo(1500);

        ForwardingState state = TableTranslator.translate("t.yaml", table);
        assertThat(state.generation()).isEqualTo(3);
        assertThat(state.segmentIndexOf(100)).isNotEqualTo(ForwardingState.NONE);
        assertThat(state.floodCount(state.segmentIndexOf(100))).isEqualTo(1);
        assertThat(state.port(0).mtu()).isEqualTo(1450);
    }

    /** The point-to-point shape: one flood VTEP, no MAC behind it, one port. */
    static final String ONE_PEER = """
            host:
              underlayIp: 192.168.77.1
            vteps:
              - id: peer
                ip: 192.168.77.2
            segments:
              - vni: 100
                floodList: [peer]%s
            ports:
              - id: tap
                kind: tap
                vni: 100
                mac: 02:00:0a:64:00:05
            """;

    @Test
    void aSegmentLearnsFromItsPeerOnlyWhenTheFileSaysSo() {
        ForwardingState plain = TableTranslator.translate(
                "t.yaml", TableFile.parse("t.yaml", ONE_PEER.formatted(""), TableFormat.YAML));
        ForwardingState learning = TableTranslator.translate(
                "t.yaml", TableFile.parse("t.yaml", ONE_PEER.formatted("\n    learningPeer: true"), TableFormat.YAML));

        assertThat(plain.learningPeer(plain.segmentIndexOf(100), plain.portIndexOf("tap")))
                .isEqualTo(ForwardingState.NONE);
        assertThat(learning.learningPeer(learning.segmentIndexOf(100), learning.portIndexOf("tap")))
                .isEqualTo(learning.vtepIndexOf(Ipv4Address.parseBits("192.168.77.2")));
    }

    @Test
    void readsJsonFilesWithTheJsonParser(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("t.json");
        Files.writeString(file, """
                {"host": {"underlayIp": "192.168.77.1"},
                 "segments": [{"vni": 16777215}, {"vni": 8388608}]}
                """);
        assertThat(TableFile.read(file).getSegments()).hasSize(2);

        Files.writeString(file, "{\"host\": {\"underlayIp\": \"192.168.77.1\"},\n \"segments\": [{\"vni\": 0}]}");
        assertThatThrownBy(() -> TableFile.read(file)).isInstanceOfSatisfying(TableRefusedException.class, e -> {
            assertThat(e.first().line()).isEqualTo(2);
            assertThat(e.first().pointer()).isEqualTo("/segments/0/vni");
            assertThat(e.getMessage()).contains(file.toString()).contains("1..16777215");
        });
    }

    @Test
    void theFileNameChoosesTheFormat() {
        assertThat(TableFormat.of(Path.of("lab", "T.JSON"))).isEqualTo(TableFormat.JSON);
        assertThat(TableFormat.of(Path.of("t.yaml"))).isEqualTo(TableFormat.YAML);
        assertThat(TableFormat.of(Path.of("t.json.bak")))
                .as("anything but .json is YAML")
                .isEqualTo(TableFormat.YAML);
    }

    static Stream<Arguments> refusals() {
        return Stream.of(
                // replaced line, new text, [expected line when another,] expected path, expected words in the reason
                refusal(9, "  - vni: 0", "/segments/0/vni", "1..16777215"),
                refusal(9, "  - vni: 16777216", "/segments/0/vni", "got 16777216"),
                refusal(18, "    mac: 02:00:zz:64:00:05", "/ports/0/mac", "not a MAC address"),
                refusal(18, "    mac: 01:00:5e:00:00:01", "/ports/0/mac", "group"),
                refusal(25, "    vtep: nobody", "/macs/0/vtep", "unknown vtep 'nobody'"),
                refusal(17, "    vni: 200", "/ports/0/vni", "not a segment"),
                refusal(13, "    floodList: [peer, ghost]", "/segments/0/floodList/1", "unknown vtep 'ghost'"),
                refusal(4, "  udpPort: 70000", "/host/udpPort", "1..65535"),
                refusal(3, "  underlayIp: 192.168.777.1", "/host/underlayIp", "not an IPv4 address"),
                refusal(7, "    ip: 192.168.77.1", "/vteps/0/ip", "own underlayIp"),
                refusal(10, "    cidrBlock: 10.100.0.7/24", "/segments/0/cidrBlock", "host bits"),
                refusal(11, "    gatewayIp: 10.200.0.1", "/segments/0/gatewayIp", "outside"),
                refusal(12, "    routerId: r9", "/segments/0/routerId", "unknown router 'r9'"),
                refusal(19, "    ipAddress: 10.9.0.5", "/ports/0/ipAddress", "outside"),
                refusal(20, "    prefixLength: 33", "/ports/0/prefixLength", "0..32"),
                refusal(16, "    kind: vm", "/ports/0/kind", "vm"),
                refusal(28, "    ipAddress: 10.100.0.256", "/bindings/0/ipAddress", "not an IPv4 address"),
                refusal(
                        34,
                        "      - destination: 10.100.0/24",
                        "/routers/0/routes/0/destination",
                        "not an IPv4 prefix"),
                refusal(35, "        vni: 300", "/routers/0/routes/0/vni", "not a segment"),
                refusal(32, "    mac: ff:ff:ff:ff:ff:ff", "/routers/0/mac", "group"),
                Arguments.of(
                        21,
                        "    gatewayIp: 10.100.0.1\n    color: blue",
                        22,
                        "/ports/0/color",
                        "unknown field 'color'"),
                refusal(17, "    vni: hundred", "/ports/0/vni", "hundred"),
                refusal(6, "  - id: \"\"", "/vteps/0/id", "required"),
                Arguments.of(
                        15,
                        "  - id: web\n    device: this-name-is-too-long",
                        16,
                        "/ports/0/device",
                        "not a device name"),
                refusal(24, "    mac: 02:00:0a:64:00:05", "/macs/0/mac", "already belongs to port web"),
                Arguments.of(
                        29,
                        "    mac: 02:00:0a:64:00:06\n  - vni: 100\n    ipAddress: 10.100.0.5\n    mac: 02:00:0a:64:00:09",
                        32,
                        "/bindings/1/mac",
                        "port's MAC 02:00:0a:64:00:05"),
                refusal(1, "generation: -1", "/generation", ">= 0"));
    }

    /** A bad value refused at the line it was written on. */
    private static Arguments refusal(int line, String newText, String path, String reason) {
        return Arguments.of(line, newText, line, path, reason);
    }

    @ParameterizedTest(name = "line {0} -> {3}")
    @MethodSource("refusals")
    void refusesABadValueWithItsLineAndReason(int replacedLine, String newText, int line, String path, String reason) {
        String text = replaceLine(VALID, replacedLine, newText);
        assertThatThrownBy(() -> TableFile.parse("t.yaml", text, TableFormat.YAML))
                .isInstanceOfSatisfying(TableRefusedException.class, e -> {
                    DocumentProblem problem = e.first();
                    assertThat(problem.line()).as(e.getMessage()).isEqualTo(line);
                    assertThat(problem.column()).as(e.getMessage()).isPositive();
                    assertThat(problem.pointer()).as(e.getMessage()).isEqualTo(path);
                    assertThat(problem.message()).as(e.getMessage()).contains(reason);
                    assertThat(e.getMessage()).contains("t.yaml: line " + line);
                });
    }

    @Test
    void reportsEveryProblemOfAFileInDocumentOrder() {
        String text = replaceLine(replaceLine(VALID, 25, "    vtep: nobody"), 9, "  - vni: 0");
        assertThatThrownBy(() -> TableFile.parse("t.yaml", text, TableFormat.YAML))
                .isInstanceOfSatisfying(
                        TableRefusedException.class,
                        e -> assertThat(e.problems())
                                .extracting(DocumentProblem::line)
                                .contains(9, 25));
    }

    @Test
    void refusesAMissingHostAtTheTop() {
        assertThatThrownBy(() -> TableFile.parse("t.yaml", "segments: []\n", TableFormat.YAML))
                .isInstanceOfSatisfying(TableRefusedException.class, e -> {
                    assertThat(e.first().pointer()).isEqualTo("/host");
                    assertThat(e.first().line()).isEqualTo(1);
                });
    }

    @Test
    void refusesMissingRequiredFieldsAtTheObjectThatLacksThem() {
        String text = replaceLine(VALID, 18, "");
        assertThatThrownBy(() -> TableFile.parse("t.yaml", text, TableFormat.YAML))
                .isInstanceOfSatisfying(TableRefusedException.class, e -> {
                    assertThat(e.first().pointer()).isEqualTo("/ports/0/mac");
                    assertThat(e.first().message()).contains("required");
                    assertThat(e.first().line()).isEqualTo(15);
                });
    }

    @Test
    void placesAMissingFieldOfANestedObjectAtTheKeyThatOpensIt() {
        // "host:" is line 2; its first field (where the mapping's value starts) would be line 3
        String text = replaceLine(VALID, 3, "");
        assertThatThrownBy(() -> TableFile.parse("t.yaml", text, TableFormat.YAML))
                .isInstanceOfSatisfying(TableRefusedException.class, e -> {
                    assertThat(e.first().pointer()).isEqualTo("/host/underlayIp");
                    assertThat(e.first().line()).isEqualTo(2);
                    assertThat(e.first().column()).isEqualTo(1);
                });
    }

    @Test
    void refusesSyntaxErrorsWithTheirPosition() {
        assertThatThrownBy(() -> TableFile.parse("t.yaml", "host:\n  underlayIp: [1.2.3.4\n", TableFormat.YAML))
                .isInstanceOfSatisfying(
                        TableRefusedException.class,
                        e -> assertThat(e.first().line()).isPositive());
        assertThatThrownBy(() ->
                        TableFile.parse("t.json", "{\"host\": {\"underlayIp\": \"1.2.3.4\"},,}", TableFormat.JSON))
                .isInstanceOfSatisfying(TableRefusedException.class, e -> {
                    assertThat(e.first().line()).isEqualTo(1);
                    assertThat(e.first().column()).isEqualTo(36);
                });
    }

    @Test
    void refusesDuplicateKeys() {
        String text = replaceLine(VALID, 3, "  underlayIp: 192.168.77.1\n  underlayIp: 192.168.77.3");
        assertThatThrownBy(() -> TableFile.parse("t.yaml", text, TableFormat.YAML))
                .isInstanceOfSatisfying(TableRefusedException.class, e -> {
                    assertThat(e.first().line()).isEqualTo(4);
                    assertThat(e.first().message()).contains("underlayIp");
                });
    }

    @Test
    void refusesAnEmptyDocumentAndAnUnreadableFile(@TempDir Path dir) {
        assertThatThrownBy(() -> TableFile.parse("t.yaml", "", TableFormat.YAML))
                .isInstanceOf(TableRefusedException.class);
        assertThatThrownBy(() -> TableFile.read(dir.resolve("missing.yaml")))
                .isInstanceOf(TableRefusedException.class)
                .hasMessageContaining("cannot read");
    }

    static String replaceLine(String text, int line, String replacement) {
        String[] lines = text.split("\n", -1);
        lines[line - 1] = replacement;
        return String.join("\n", lines);
    }
}
