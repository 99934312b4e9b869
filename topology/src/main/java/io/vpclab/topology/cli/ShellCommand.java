package io.vpclab.topology.cli;

import io.vpclab.client.ApiClient;
import io.vpclab.client.ApiException;
import io.vpclab.client.model.Instance;
import io.vpclab.client.model.InstanceKind;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/**
 * {@code vpclab shell INSTANCE}: an interactive bash in a netns instance's namespace, when the CLI
 * runs on the instance's host (as root); elsewhere it says where the instance runs.
 */
@Command(
        name = "shell",
        mixinStandardHelpOptions = true,
        description = "An interactive shell in a netns instance (name or ID), on the machine its agent runs on.")
final class ShellCommand implements Callable<Integer> {

    @Parameters(index = "0", description = "Instance (name or i-... ID).")
    String instance;

    @Mixin
    Connection connection;

    @Override
    public Integer call() throws Exception {
        ApiClient api = connection.client();
        Instance target;
        try {
            target = ProbeCommand.find(ProbeCommand.allInstances(api), instance);
        } catch (ApiException e) {
            System.err.println("the server refused: HTTP " + e.getCode() + " " + e.getResponseBody());
            return VpclabCli.REFUSED;
        }
        if (target == null) {
            System.err.println("no instance named or with ID '" + instance + "'");
            return VpclabCli.INVALID;
        }
        String namespace = target.getPort() == null ? null : target.getPort().getNamespace();
        if (target.getKind() != InstanceKind.NETNS || namespace == null) {
            System.err.println(
                    instance + " is a " + target.getKind() + " instance, which has no shell; use 'vpclab exec "
                            + instance + " -- ip addr' (simulated) or the VM's console (tap)");
            return VpclabCli.INVALID;
        }
        if (!Files.exists(Path.of("/run/netns", namespace))) {
            System.err.println(instance + " runs on host " + target.getHostId() + " (namespace " + namespace
                    + "), not here: run 'vpclab shell " + instance + "' on that host, or 'vpclab exec " + instance
                    + " -- COMMAND' from anywhere");
            return VpclabCli.INVALID;
        }
        Process shell = new ProcessBuilder(List.of("ip", "netns", "exec", namespace, "bash"))
                .inheritIO()
                .start();
        return shell.waitFor();
    }
}
