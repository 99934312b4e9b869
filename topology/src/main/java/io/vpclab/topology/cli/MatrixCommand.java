package io.vpclab.topology.cli;

import io.vpclab.client.ApiClient;
import io.vpclab.client.ApiException;
import io.vpclab.client.api.DiagnosticsApi;
import io.vpclab.client.model.Instance;
import io.vpclab.client.model.PingRequest;
import io.vpclab.client.model.ProbeResult;
import io.vpclab.topology.Topology;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Pings every instance from every other (of a VPC, or of a topology file) and prints the matrix. */
@Command(
        name = "matrix",
        mixinStandardHelpOptions = true,
        description = "Reachability matrix by real pings: the instances of a VPC (--vpc) or of a topology file (-f).")
final class MatrixCommand implements Callable<Integer> {

    static final class Scope {
        @Option(names = "--vpc", description = "VPC ID.")
        String vpcId;

        @Option(
                names = {"-f", "--file"},
                description = "Topology file: its instances, found by name.")
        Path file;
    }

    @ArgGroup(exclusive = true, multiplicity = "1")
    Scope scope;

    @Mixin
    Connection connection;

    @Override
    public Integer call() throws Exception {
        ApiClient api = connection.client();
        try {
            List<Instance> all = ProbeCommand.allInstances(api);
            List<Instance> members;
            if (scope.vpcId != null) {
                members = all.stream()
                        .filter(i -> scope.vpcId.equals(i.getVpcId()))
                        .toList();
            } else {
                Topology topology = ValidateCommand.read(scope.file);
                if (topology == null) {
                    return VpclabCli.INVALID;
                }
                Set<String> names = new HashSet<>();
                topology.tenants()
                        .forEach(t -> t.vpcs()
                                .forEach(v ->
                                        v.subnets().forEach(s -> s.instances().forEach(i -> names.add(i.name())))));
                members = all.stream().filter(i -> names.contains(i.getName())).toList();
            }
            if (members.isEmpty()) {
                System.err.println("no instances to measure");
                return VpclabCli.NOT_MET;
            }
            System.out.print(render(new DiagnosticsApi(api), members));
            return VpclabCli.OK;
        } catch (ApiException e) {
            System.err.println("the server refused: HTTP " + e.getCode() + " " + e.getResponseBody());
            return VpclabCli.REFUSED;
        }
    }

    private static String render(DiagnosticsApi diagnostics, List<Instance> members) throws ApiException {
        int width = Math.max(
                12, members.stream().mapToInt(i -> label(i).length()).max().orElse(0) + 2);
        StringBuilder out = new StringBuilder(pad("", width));
        members.forEach(i -> out.append(pad(label(i), width)));
        out.append('\n');
        for (Instance from : members) {
            out.append(pad(label(from), width));
            for (Instance to : members) {
                out.append(pad(from == to ? "-" : cell(diagnostics, from, to), width));
            }
            out.append('\n');
        }
        out.append("ok = answered (best RTT); x = no answer, with the drops the source host counted\n");
        return out.toString();
    }

    private static String cell(DiagnosticsApi diagnostics, Instance from, Instance to) throws ApiException {
        ProbeResult result = diagnostics.pingFromInstance(
                from.getInstanceId(),
                new PingRequest().target(to.getPrivateIpAddress()).count(2).timeoutMillis(500));
        if (result.getReceived() != null && result.getReceived() > 0) {
            double rtt = result.getProbes().stream()
                    .filter(p -> p.getRttMillis() != null)
                    .mapToDouble(p -> p.getRttMillis())
                    .min()
                    .orElse(0);
            return String.format("ok %.1fms", rtt);
        }
        List<String> reasons = result.getDropReasons() == null
                ? List.of()
                : new ArrayList<>(result.getDropReasons().keySet());
        return reasons.isEmpty() ? "x no reply" : "x " + String.join(",", reasons);
    }

    private static String label(Instance instance) {
        return (instance.getName() == null ? instance.getInstanceId() : instance.getName()) + " "
                + instance.getPrivateIpAddress();
    }

    private static String pad(String text, int width) {
        return text.length() >= width ? text + " " : text + " ".repeat(width - text.length());
    }
}
