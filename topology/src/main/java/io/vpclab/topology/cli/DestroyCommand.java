package io.vpclab.topology.cli;

import io.vpclab.client.ApiException;
import io.vpclab.topology.Topology;
import io.vpclab.topology.apply.ReportText;
import io.vpclab.topology.apply.TopologyDestroyer;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Removes what a topology file declares, newest first; a second run has nothing to do. */
@Command(
        name = "destroy",
        mixinStandardHelpOptions = true,
        description = "Remove what a topology file created (only what it names; hosts and internet hosts stay), "
                + "newest first. Exit 0: all of it is "
                + "gone (or was); 1: something the file names holds resources it does not declare and was kept; "
                + "2: bad file; 3: the server refused.")
final class DestroyCommand implements Callable<Integer> {

    @Option(
            names = {"-f", "--file"},
            required = true,
            description = "Topology file (YAML or JSON).")
    Path file;

    @Mixin
    Connection connection;

    @Override
    public Integer call() throws Exception {
        Topology topology = ValidateCommand.read(file, "nothing was deleted");
        if (topology == null) {
            return VpclabCli.INVALID;
        }
        try {
            TopologyDestroyer.Result result = new TopologyDestroyer(connection.client()).destroy(topology);
            result.left()
                    .forEach(l ->
                            System.out.println("left " + l + " (the lab's, shared with the demo and other files)"));
            if (result.deleted().isEmpty() && result.kept().isEmpty()) {
                System.out.println(topology.name() + ": nothing to do, none of what the file declares exists");
                return VpclabCli.OK;
            }
            result.deleted().forEach(c -> System.out.println(ReportText.change(c)));
            result.kept().forEach(k -> System.out.println("kept " + k));
            System.out.println(topology.name() + ": " + result.deleted().size() + " deleted, "
                    + result.kept().size() + " kept");
            return result.kept().isEmpty() ? VpclabCli.OK : VpclabCli.NOT_MET;
        } catch (ApiException e) {
            System.err.println("the server refused: HTTP " + e.getCode() + " " + e.getResponseBody());
            return VpclabCli.REFUSED;
        }
    }
}
