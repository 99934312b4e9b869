package io.vpclab.topology.cli;

import io.vpclab.client.ApiClient;
import io.vpclab.client.ApiException;
import io.vpclab.client.api.ExecApi;
import io.vpclab.client.model.ExecRequest;
import io.vpclab.client.model.ExecResult;
import io.vpclab.client.model.Instance;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code vpclab exec INSTANCE -- COMMAND...}: runs the command in the instance wherever its agent
 * is (admin token), prints its stdout and stderr and exits with its exit code.
 */
@Command(
        name = "exec",
        mixinStandardHelpOptions = true,
        description = "Run a command in an instance (name or ID) through the control plane: a netns instance runs it"
                + " in its namespace, a simulated one answers ping, traceroute, tcp, udp, ip addr, ip route."
                + " Exits with the command's exit code.")
final class ExecCommand implements Callable<Integer> {

    @Parameters(index = "0", description = "Instance (name or i-... ID).")
    String instance;

    @Parameters(index = "1..*", arity = "1..*", description = "The command and its arguments (after --).")
    List<String> command;

    @Option(names = "--timeout", description = "Seconds before the command is ended (1..60, default 10).")
    int timeoutSeconds = 10;

    @Mixin
    Connection connection;

    @Override
    public Integer call() throws Exception {
        ApiClient api = connection.client();
        try {
            Instance target = ProbeCommand.find(ProbeCommand.allInstances(api), instance);
            if (target == null) {
                System.err.println("no instance named or with ID '" + instance + "'");
                return VpclabCli.INVALID;
            }
            ExecResult result = new ExecApi(api)
                    .execInInstance(
                            target.getInstanceId(),
                            new ExecRequest().command(command).timeoutSeconds(timeoutSeconds));
            System.out.print(result.getStdout());
            System.out.flush();
            System.err.print(result.getStderr());
            if (Boolean.TRUE.equals(result.getOutputTruncated())) {
                System.err.println("vpclab: output cut at the size limit");
            }
            if (Boolean.TRUE.equals(result.getTimedOut())) {
                System.err.println("vpclab: ended after " + timeoutSeconds + " s");
            }
            return result.getExitCode();
        } catch (ApiException e) {
            System.err.println("the server refused: HTTP " + e.getCode() + " " + e.getResponseBody());
            return VpclabCli.REFUSED;
        }
    }
}
