package io.vpclab.topology.cli;

import io.vpclab.client.ApiClient;
import io.vpclab.client.ApiException;
import io.vpclab.client.api.NetworkInsightsApi;
import io.vpclab.client.model.NetworkPathAnalysis;
import io.vpclab.client.model.NetworkPathEnd;
import io.vpclab.client.model.NetworkPathEndpoint;
import io.vpclab.client.model.NetworkPathHop;
import io.vpclab.client.model.NetworkPathRequest;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * The reachability analyzer ({@code POST /api/v1/network-insights/paths}): the path of a flow hop
 * by hop, as a table, without sending a packet. Exit 0 when reachable, 1 when blocked.
 */
@Command(
        name = "analyze",
        mixinStandardHelpOptions = true,
        description = "Analyze a path without sending a packet: every hop, and the rule that blocks it.")
final class AnalyzeCommand implements Callable<Integer> {

    @Parameters(
            index = "0",
            description =
                    "Source: instance name or ID, internet:NAME (an internet host), eip:ALLOCATION-OR-IP, or an IPv4"
                            + " address.")
    String from;

    @Parameters(index = "1", description = "Destination, in the same forms.")
    String to;

    @Option(names = "--protocol", defaultValue = "icmp", description = "tcp, udp or icmp (default: ${DEFAULT-VALUE}).")
    String protocol;

    @Option(names = "--port", description = "Destination port (tcp and udp).")
    Integer port;

    @Option(
            names = "--source-port",
            description =
                    "The source's port, which the reply must reach (default: every port of its ephemeral range 32768-60999).")
    Integer sourcePort;

    @Mixin
    Connection connection;

    @Override
    public Integer call() throws Exception {
        NetworkPathRequest.ProtocolEnum chosen;
        try {
            chosen = NetworkPathRequest.ProtocolEnum.fromValue(protocol);
        } catch (IllegalArgumentException e) {
            System.err.println("--protocol must be tcp, udp or icmp: " + protocol);
            return VpclabCli.INVALID;
        }
        ApiClient api = connection.client();
        try {
            NetworkPathAnalysis path = new NetworkInsightsApi(api)
                    .analyzeNetworkPath(new NetworkPathRequest()
                            .source(endpoint(from))
                            .destination(endpoint(to))
                            .protocol(chosen)
                            .port(port)
                            .sourcePort(sourcePort));
            System.out.print(render(path));
            return Boolean.TRUE.equals(path.getReachable()) ? VpclabCli.OK : VpclabCli.NOT_MET;
        } catch (ApiException e) {
            System.err.println("the server refused: HTTP " + e.getCode() + " " + e.getResponseBody());
            return VpclabCli.REFUSED;
        }
    }

    static NetworkPathEndpoint endpoint(String text) {
        if (text.startsWith("internet:")) {
            return new NetworkPathEndpoint().internetHost(text.substring("internet:".length()));
        }
        if (text.startsWith("eip:")) {
            return new NetworkPathEndpoint().elasticIp(text.substring("eip:".length()));
        }
        if (text.matches("\\d{1,3}(\\.\\d{1,3}){3}")) {
            return new NetworkPathEndpoint().ip(text);
        }
        return new NetworkPathEndpoint().instance(text);
    }

    /** A summary line, the hops as a table (the blocking one marked BLOCKED), and the explanation. */
    static String render(NetworkPathAnalysis path) {
        StringBuilder out = new StringBuilder();
        String flow = path.getProtocol().getValue() + (path.getPort() == null ? "" : " " + path.getPort());
        out.append(end(path.getSource()))
                .append(" -> ")
                .append(end(path.getDestination()))
                .append(' ')
                .append(flow)
                .append(": ")
                .append(Boolean.TRUE.equals(path.getReachable()) ? "reachable" : "NOT reachable")
                .append('\n');
        TextTable table = new TextTable("#", "COMPONENT", "ID", "HOST", "RULE", "VERDICT", "DETAIL");
        for (NetworkPathHop hop : path.getHops()) {
            table.row(
                    String.valueOf(hop.getIndex()),
                    hop.getComponent().getValue(),
                    hop.getComponentId(),
                    hop.getHostId(),
                    hop.getRuleId(),
                    Boolean.TRUE.equals(hop.getAllowed()) ? "pass" : "BLOCKED",
                    hop.getDetail());
        }
        out.append(table.render());
        NetworkPathHop why = path.getExplanation();
        if (why != null) {
            out.append("blocked by ")
                    .append(why.getComponent().getValue())
                    .append(why.getComponentId() == null ? "" : " " + why.getComponentId())
                    .append(why.getRuleId() == null ? "" : " rule " + why.getRuleId())
                    .append(": ")
                    .append(why.getDetail())
                    .append('\n');
        }
        return out.toString();
    }

    private static String end(NetworkPathEnd end) {
        String name = end.getName() == null || end.getName().equals(end.getIp()) ? "" : end.getName() + " ";
        return name + "(" + end.getIp() + ")";
    }
}
