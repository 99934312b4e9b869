package io.vpclab.topology.cli;

import io.vpclab.client.document.DocumentProblem;
import io.vpclab.topology.InvalidTopologyException;
import io.vpclab.topology.Topology;
import io.vpclab.topology.TopologyParser;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Checks a file (YAML, schema, references, CIDRs) without a server. */
@Command(
        name = "validate",
        mixinStandardHelpOptions = true,
        description = "Check a topology file without calling a server.")
final class ValidateCommand implements Callable<Integer> {

    @Option(
            names = {"-f", "--file"},
            required = true,
            description = "Topology file (YAML or JSON).")
    Path file;

    @Override
    public Integer call() throws Exception {
        Topology topology = read(file, null);
        if (topology == null) {
            return VpclabCli.INVALID;
        }
        System.out.println(file + ": valid topology '" + topology.name() + "' ("
                + topology.tenants().size() + " tenants, "
                + (topology.expect().size()
                        + topology.steps().stream()
                                .mapToInt(s -> s.expect().size())
                                .sum()) + " expectations)");
        return VpclabCli.OK;
    }

    /** The parsed file, or null after printing why it is refused (every problem found, in one pass). */
    static Topology read(Path file) throws java.io.IOException {
        return read(file, "nothing was applied");
    }

    /** As {@link #read(Path)}; {@code consequence} (or nothing) says what the refusal means for the command. */
    static Topology read(Path file, String consequence) throws java.io.IOException {
        if (!Files.isReadable(file)) {
            System.err.println(file + ": cannot read the file");
            return null;
        }
        try {
            return TopologyParser.parse(Files.readString(file, StandardCharsets.UTF_8), file.toString());
        } catch (InvalidTopologyException e) {
            int count = e.problems().size();
            System.err.println(file + ": " + count + (count == 1 ? " problem" : " problems")
                    + (consequence == null ? "" : ", " + consequence));
            for (DocumentProblem problem : e.problems()) {
                // file:line:column: the form editors and terminals turn into links
                System.err.println("  " + file + ":" + problem.line() + ":" + problem.column() + ": "
                        + problem.message() + (problem.pointer().isEmpty() ? "" : " (" + problem.pointer() + ")"));
            }
            return null;
        } catch (java.nio.charset.MalformedInputException e) {
            System.err.println(file + ": not UTF-8 text");
            return null;
        }
    }
}
