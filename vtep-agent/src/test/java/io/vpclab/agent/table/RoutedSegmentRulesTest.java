package io.vpclab.agent.table;

import static io.vpclab.agent.table.NatGatewayTableFileTest.WITH_NAT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The rules the data plane's snapshot relies on (until now checked only when it was built,
 * without a pointer) are the validator's: each refusal names its JSON pointer and line.
 */
class RoutedSegmentRulesTest {

    private static final String WEB_PORT = """
              - id: web
                kind: netns
                vni: %d
                mac: 02:00:0a:00:02:05
                ipAddress: %s
                elasticIp:
                  publicIp: %s
            routers:
            """;

    static Stream<Arguments> refusals() {
        return Stream.of(
                Arguments.of(
                        "      vni: 100\n      nextHop",
                        "      vni: 300\n      nextHop",
                        "/segments/1/defaultRoute/vni",
                        "vni 300 is not a routed private segment"),
                Arguments.of(
                        "      vni: 100\n      nextHop",
                        "      vni: 16777000\n      nextHop",
                        "/segments/1/defaultRoute/vni",
                        "vni 16777000 is not a routed private segment"),
                Arguments.of(
                        "nextHop: 10.0.1.10",
                        "nextHop: 10.0.9.10",
                        "/segments/1/defaultRoute/nextHop",
                        "10.0.9.10 is outside vni 100's cidrBlock"),
                Arguments.of(
                        "routers:\n",
                        WEB_PORT.formatted(200, "10.0.2.5", "203.0.113.20"),
                        "/ports/0/natGateway/publicIp",
                        "203.0.113.20 is already an elastic IP"),
                Arguments.of(
                        "egressPolicy: WHITELIST\n",
                        "egressPolicy: WHITELIST\n      whitelistId: wl-9\n",
                        "/ports/0/natGateway/whitelistId",
                        "unknown whitelist 'wl-9'"),
                Arguments.of(
                        "    vni: 100\n    mac: 02:00:0a:00:01:0a",
                        "    vni: 16777000\n    mac: 02:00:0a:00:01:0a",
                        "/ports/0/natGateway",
                        "routed private segment"),
                Arguments.of("    provider: true\n", "", "/ports/0/natGateway", "needs a provider segment"),
                Arguments.of(
                        "routers:\n",
                        WEB_PORT.formatted(100, "10.0.1.10", "203.0.113.21"),
                        "/ports/1/ipAddress",
                        "10.0.1.10 is already the address of port 'nat-1' on vni 100"),
                Arguments.of("ports:\n", "  - vni: 300\n    cidrBlock: 10.0.3.0/24\nports:\n", null, null),
                Arguments.of(
                        "ports:\n",
                        "  - vni: 300\n    cidrBlock: 10.0.3.0/24\nports:\n"
                                + WEB_PORT.formatted(300, "10.0.3.5", "203.0.113.21")
                                        .replace("routers:\n", ""),
                        "/ports/0/elasticIp",
                        "needs the port on a routed segment"));
    }

    @ParameterizedTest(name = "{2}: {3}")
    @MethodSource("refusals")
    void refusesWithThePointerAndLineOfTheValue(String from, String to, String pointer, String message) {
        assertThat(WITH_NAT).contains(from);
        String text = WITH_NAT.replace(from, to);
        if (pointer == null) {
            // the edit alone is valid: the refusal of the next case comes from its own change
            assertThat(TableFile.parse("t.yaml", text, TableFormat.YAML)).isNotNull();
            return;
        }
        assertThatThrownBy(() -> TableFile.parse("t.yaml", text, TableFormat.YAML))
                .isInstanceOfSatisfying(
                        TableRefusedException.class,
                        e -> assertThat(e.problems()).as(e.getMessage()).anySatisfy(p -> {
                            assertThat(p.pointer()).isEqualTo(pointer);
                            assertThat(p.message()).contains(message);
                            assertThat(p.line()).isPositive();
                        }));
    }
}
