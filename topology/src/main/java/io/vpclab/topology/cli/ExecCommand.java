package io.vpclab.topology.cli;

import io.vpclab.client.ApiClient;
import io.vpclab.client.ApiException;
import io.vpclab.client.model.ExecRequest;
import io.vpclab.client.model.Instance;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import tools.jackson.databind.JsonNode;

/**
 * {@code vpclab exec INSTANCE -- COMMAND...}: runs the command in the instance wherever its agent
 * is (admin token), prints its stdout and stderr as they are read (the API's NDJSON stream) and
 * exits with its exit code.
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
            return stream(api, target.getInstanceId());
        } catch (ApiException e) {
            System.err.println("the server refused: HTTP " + e.getCode() + " " + e.getResponseBody());
            return VpclabCli.REFUSED;
        }
    }

    /** Posts the exec asking for NDJSON and copies each piece to stdout or stderr as it arrives. */
    private int stream(ApiClient api, String instanceId) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(
                        URI.create(api.getBaseUri() + "/api/v1/instances/" + instanceId + "/exec"))
                .header("Content-Type", "application/json")
                .header("Accept", "application/x-ndjson")
                .POST(HttpRequest.BodyPublishers.ofByteArray(api.getObjectMapper()
                        .writeValueAsBytes(new ExecRequest().command(command).timeoutSeconds(timeoutSeconds))));
        api.getRequestInterceptor().accept(request);
        HttpResponse<Stream<String>> response =
                api.getHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofLines());
        try (Stream<String> lines = response.body()) {
            if (response.statusCode() != 200) {
                System.err.println(
                        "the server refused: HTTP " + response.statusCode() + " " + String.join("\n", lines.toList()));
                return VpclabCli.REFUSED;
            }
            for (Iterator<String> it = lines.iterator(); it.hasNext(); ) {
                JsonNode event = api.getObjectMapper().readTree(it.next());
                if (event.has("stream")) {
                    PrintStream out = "stderr".equals(event.path("stream").asString()) ? System.err : System.out;
                    out.print(event.path("data").asString());
                    out.flush();
                } else if (event.has("exitCode")) {
                    if (event.path("outputTruncated").asBoolean()) {
                        System.err.println("vpclab: output cut at the size limit");
                    }
                    if (event.path("timedOut").asBoolean()) {
                        System.err.println("vpclab: ended after " + timeoutSeconds + " s");
                    }
                    return event.path("exitCode").asInt();
                } else {
                    System.err.println(
                            "the server could not run it: " + event.path("code").asString() + " "
                                    + event.path("error").asString());
                    return VpclabCli.REFUSED;
                }
            }
        }
        System.err.println("vpclab: the stream ended before the exit code");
        return VpclabCli.REFUSED;
    }
}
