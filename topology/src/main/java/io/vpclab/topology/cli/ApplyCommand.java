package io.vpclab.topology.cli;

import io.vpclab.client.model.InstanceKind;
import io.vpclab.client.model.TopologyReport;
import io.vpclab.topology.Topology;
import io.vpclab.topology.apply.ApplyFailedException;
import io.vpclab.topology.apply.ReportText;
import io.vpclab.topology.apply.TopologyApplier;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Applies a file through the REST API and reports every expectation; exit 0 only if all are met. */
@Command(
        name = "apply",
        mixinStandardHelpOptions = true,
        description =
                "Apply a topology file (idempotent) and check its expectations. Exit 0: all met; 1: some not met; "
                        + "2: bad file (nothing sent); 3: the server refused (this apply's creations rolled back).")
final class ApplyCommand implements Callable<Integer> {

    @Option(
            names = {"-f", "--file"},
            required = true,
            description = "Topology file (YAML or JSON).")
    Path file;

    @Option(
            names = "--instance-kind",
            description = "Run every instance as this kind (simulated, netns, tap) instead of the file's.")
    String instanceKind;

    @Mixin
    Connection connection;

    @Override
    public Integer call() throws Exception {
        Topology topology = ValidateCommand.read(file);
        if (topology == null) {
            return VpclabCli.INVALID;
        }
        InstanceKind kind;
        try {
            kind = instanceKind == null ? null : InstanceKind.fromValue(instanceKind);
        } catch (IllegalArgumentException e) {
            System.err.println("--instance-kind must be simulated, netns or tap: " + instanceKind);
            return VpclabCli.INVALID;
        }
        try {
            TopologyReport report = new TopologyApplier(
                            connection.client(), new TopologyApplier.Options(kind, Duration.ofSeconds(60)))
                    .apply(topology);
            System.out.print(ReportText.render(report));
            return report.getAllMet() ? VpclabCli.OK : VpclabCli.NOT_MET;
        } catch (ApplyFailedException e) {
            System.err.println("refused: " + e.code() + " (HTTP " + e.status() + "): " + e.detail());
            if (e.rolledBack().isEmpty()) {
                System.err.println("nothing had been created by this apply");
            } else {
                System.err.println("rolled back what this apply had created:");
                e.rolledBack().forEach(c -> System.err.println("  " + ReportText.change(c)));
            }
            return VpclabCli.REFUSED;
        }
    }
}
