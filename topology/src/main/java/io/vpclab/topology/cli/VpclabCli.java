package io.vpclab.topology.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code vpclab}: apply topology files, probe and measure reachability against a running control
 * plane. (bin/vpclab adds server, demo and agent, which start the built jars.)
 */
@Command(
        name = "vpclab",
        mixinStandardHelpOptions = true,
        version = "vpclab 0.1.0",
        description = "Apply topology files and probe a VPC Lab control plane (VPCLAB_URL, VPCLAB_TOKEN).",
        subcommands = {
            ApplyCommand.class,
            DestroyCommand.class,
            ValidateCommand.class,
            GetCommand.class,
            ProbeCommand.class,
            MatrixCommand.class,
            ExecCommand.class,
            ShellCommand.class,
            AnalyzeCommand.class
        })
public final class VpclabCli {

    /** Every expectation met / the command did what it says. */
    public static final int OK = 0;
    /** The file applied but an expectation is not met (or a probe did not show what was asked). */
    public static final int NOT_MET = 1;
    /** Bad command line or bad topology file: nothing was sent. */
    public static final int INVALID = 2;
    /** The server refused (what this apply created was rolled back) or could not be reached. */
    public static final int REFUSED = 3;

    public static void main(String[] args) {
        System.exit(run(args));
    }

    public static int run(String... args) {
        // picocli answers bad usage with 2 (INVALID) itself; anything thrown is a server or I/O failure.
        return new CommandLine(new VpclabCli())
                .setExecutionExceptionHandler((e, commandLine, parsed) -> {
                    commandLine.getErr().println("vpclab: " + (e.getMessage() == null ? e.toString() : e.getMessage()));
                    return REFUSED;
                })
                .execute(args);
    }
}
