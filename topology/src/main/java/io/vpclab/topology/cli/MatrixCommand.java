package io.vpclab.topology.cli;

import io.vpclab.client.ApiClient;
import io.vpclab.client.ApiException;
import io.vpclab.client.model.Instance;
import io.vpclab.topology.Topology;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Pings every instance from every other (of a VPC, or of a topology file) and prints the {@link ReachabilityMatrix}. */
@Command(
        name = "matrix",
        mixinStandardHelpOptions = true,
        description = "Reachability matrix by real pings: the instances of a VPC (--vpc) or of a topology file (-f)."
                + " Exit 1 when a cell is UNEXPECTED.")
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
            ReachabilityMatrix matrix = ReachabilityMatrix.measure(api, members);
            System.out.print(matrix.render());
            // scripts and CI read the verdict from the exit code, as apply's expectations
            return matrix.allAsExpected() ? VpclabCli.OK : VpclabCli.NOT_MET;
        } catch (ApiException e) {
            System.err.println("the server refused: HTTP " + e.getCode() + " " + e.getResponseBody());
            return VpclabCli.REFUSED;
        }
    }
}
