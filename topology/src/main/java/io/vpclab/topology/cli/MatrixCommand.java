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
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
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
        List<Instance> sorted = members.stream()
                .sorted(Comparator.comparing((Instance i) -> Objects.toString(i.getTenantName(), i.getTenantId()))
                        .thenComparing(i -> Objects.toString(i.getVpcName(), i.getVpcId()))
                        .thenComparing(i -> Objects.toString(i.getName(), i.getInstanceId())))
                .toList();
        List<String> header = new ArrayList<>(List.of(""));
        sorted.forEach(i -> header.add(label(i)));
        TextTable table = new TextTable(header.toArray(String[]::new));
        for (Instance from : sorted) {
            List<String> row = new ArrayList<>(List.of(label(from)));
            for (Instance to : sorted) {
                row.add(from == to ? "-" : cell(diagnostics, from, to, sorted));
            }
            table.row(row.toArray(String[]::new));
        }
        return table.render()
                + "ok = answered (best RTT); own = an address the source's VPC uses too, answered by the source's own"
                + " instance; x = no answer, with the drops the source host counted; (same ip) = the other VPC's"
                + " instance has the source's own address\n";
    }

    private static String cell(DiagnosticsApi diagnostics, Instance from, Instance to, List<Instance> all)
            throws ApiException {
        boolean otherVpc = !from.getVpcId().equals(to.getVpcId());
        if (otherVpc && from.getPrivateIpAddress().equals(to.getPrivateIpAddress())) {
            return "(same ip)";
        }
        // As the demo's matrix: another VPC's address that the source's VPC also holds is answered at home.
        boolean ownAddress = otherVpc
                && all.stream()
                        .anyMatch(i -> i.getVpcId().equals(from.getVpcId())
                                && i.getPrivateIpAddress().equals(to.getPrivateIpAddress()));
        ProbeResult result = diagnostics.pingFromInstance(
                from.getInstanceId(),
                new PingRequest().target(to.getPrivateIpAddress()).count(2).timeoutMillis(500));
        if (result.getReceived() != null && result.getReceived() > 0) {
            double rtt = result.getProbes().stream()
                    .filter(p -> p.getRttMillis() != null)
                    .mapToDouble(p -> p.getRttMillis())
                    .min()
                    .orElse(0);
            return String.format("%s %.1fms", ownAddress ? "own" : "ok", rtt);
        }
        List<String> reasons = result.getDropReasons() == null
                ? List.of()
                : new ArrayList<>(new TreeSet<>(result.getDropReasons().keySet()));
        return reasons.isEmpty() ? "x no reply" : "x " + String.join(",", reasons);
    }

    private static String label(Instance instance) {
        return (instance.getName() == null ? instance.getInstanceId() : instance.getName()) + " "
                + instance.getPrivateIpAddress();
    }
}
