package io.vpclab.topology.cli;

import io.vpclab.client.ApiException;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.dataformat.yaml.YAMLMapper;

/** Lists one kind of resource, as kubectl get does: an aligned table, or the API's items as JSON or YAML. */
@Command(
        name = "get",
        mixinStandardHelpOptions = true,
        description = "List resources: tenants, hosts, vpcs, subnets, instances, natgateways, elasticips, peerings, "
                + "securitygroups. A table with names and parents, or -o json|yaml.")
final class GetCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "KIND", description = "What to list (plural, e.g. instances).")
    String kind;

    @Option(
            names = {"-o", "--output"},
            defaultValue = "table",
            description = "table (default), json or yaml.")
    String output;

    @Mixin
    Connection connection;

    @Override
    public Integer call() throws Exception {
        if (!Listing.KINDS.contains(kind)) {
            System.err.println("vpclab get: unknown kind '" + kind + "'; one of " + String.join(", ", Listing.KINDS));
            return VpclabCli.INVALID;
        }
        ObjectMapper mapper = switch (output) {
            case "table" -> null;
            case "json" ->
                JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();
            case "yaml" -> YAMLMapper.builder().build();
            default -> {
                System.err.println("vpclab get: -o must be table, json or yaml, not '" + output + "'");
                yield null;
            }
        };
        if (mapper == null && !output.equals("table")) {
            return VpclabCli.INVALID;
        }
        try {
            Listing listing = Listing.of(kind, connection.client());
            if (mapper == null) {
                System.out.print(listing.table().render());
            } else {
                String text = mapper.writeValueAsString(listing.items());
                System.out.print(text.endsWith("\n") ? text : text + "\n");
            }
            return VpclabCli.OK;
        } catch (ApiException e) {
            System.err.println("the server refused: HTTP " + e.getCode() + " " + e.getResponseBody());
            return VpclabCli.REFUSED;
        }
    }
}
