package io.vpclab.topology.cli;

import io.vpclab.client.ApiClient;
import io.vpclab.client.ApiException;
import io.vpclab.client.api.DiagnosticsApi;
import io.vpclab.client.api.InstancesApi;
import io.vpclab.client.model.Instance;
import io.vpclab.client.model.InstanceState;
import io.vpclab.client.model.PingRequest;
import io.vpclab.client.model.PortProbeRequest;
import io.vpclab.client.model.ProbeResult;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** One probe from an instance: ping, or a TCP/UDP port; prints the outcome and the drops counted. */
@Command(
        name = "probe",
        mixinStandardHelpOptions = true,
        description = "Probe from an instance (name or ID) to an instance or an IPv4 address: ping by default.")
final class ProbeCommand implements Callable<Integer> {

    @Parameters(index = "0", description = "Source instance (name or i-... ID).")
    String from;

    @Parameters(index = "1", description = "Target: instance name or ID, or an IPv4 address.")
    String to;

    static final class PortChoice {
        @Option(names = "--tcp", description = "Probe this TCP port (open / closed / filtered).")
        Integer tcp;

        @Option(names = "--udp", description = "Probe this UDP port.")
        Integer udp;
    }

    @ArgGroup(exclusive = true)
    PortChoice port;

    @Mixin
    Connection connection;

    @Override
    public Integer call() throws Exception {
        ApiClient api = connection.client();
        try {
            List<Instance> all = allInstances(api);
            Instance source = find(all, from);
            if (source == null) {
                System.err.println("no instance named or with ID '" + from + "'");
                return VpclabCli.INVALID;
            }
            Instance targetInstance = find(all, to);
            String target = targetInstance == null ? to : targetInstance.getPrivateIpAddress();
            DiagnosticsApi diagnostics = new DiagnosticsApi(api);
            ProbeResult result;
            if (port == null) {
                result = diagnostics.pingFromInstance(source.getInstanceId(), new PingRequest().target(target));
            } else {
                boolean tcp = port.tcp != null;
                result = diagnostics.probePortFromInstance(
                        source.getInstanceId(),
                        new PortProbeRequest()
                                .target(target)
                                .protocol(tcp ? PortProbeRequest.ProtocolEnum.TCP : PortProbeRequest.ProtocolEnum.UDP)
                                .port(tcp ? port.tcp : port.udp));
            }
            System.out.println(describe(source, target, result));
            boolean answered = port == null
                    ? result.getReceived() != null && result.getReceived() > 0
                    : "open".equals(result.getOutcome());
            return answered ? VpclabCli.OK : VpclabCli.NOT_MET;
        } catch (ApiException e) {
            System.err.println("the server refused: HTTP " + e.getCode() + " " + e.getResponseBody());
            return VpclabCli.REFUSED;
        }
    }

    static String describe(Instance source, String target, ProbeResult result) {
        StringBuilder out =
                new StringBuilder(source.getName() + " (" + source.getPrivateIpAddress() + ") -> " + target + ": ");
        if (result.getOutcome() != null) {
            out.append(result.getOutcome());
        } else {
            out.append(result.getReceived())
                    .append('/')
                    .append(result.getSent())
                    .append(" answered");
            if (result.getProbes() != null) {
                result.getProbes().stream()
                        .filter(p -> p.getRttMillis() != null)
                        .mapToDouble(p -> p.getRttMillis())
                        .min()
                        .ifPresent(rtt -> out.append(String.format(" (best %.2f ms)", rtt)));
            }
        }
        if (result.getDropReasons() != null && !result.getDropReasons().isEmpty()) {
            out.append("; drops ").append(result.getDropReasons());
        }
        if (result.getError() != null) {
            out.append("; ").append(result.getError());
        }
        if (source.getState() == InstanceState.PENDING) {
            out.append("; ").append(source.getName()).append(" is pending: its host's agent has not applied it yet");
        }
        return out.toString();
    }

    static List<Instance> allInstances(ApiClient api) throws ApiException {
        InstancesApi instances = new InstancesApi(api);
        java.util.ArrayList<Instance> all = new java.util.ArrayList<>();
        String token = null;
        do {
            var page = instances.listInstances(null, null, null, 1000, token);
            all.addAll(page.getItems());
            token = page.getNextToken();
        } while (token != null && !token.isEmpty());
        return all;
    }

    /** By ID, else by name; a name two instances share is refused rather than guessed. */
    static Instance find(List<Instance> all, String nameOrId) {
        for (Instance instance : all) {
            if (instance.getInstanceId().equals(nameOrId)) {
                return instance;
            }
        }
        List<Instance> named =
                all.stream().filter(i -> nameOrId.equals(i.getName())).toList();
        if (named.size() > 1) {
            throw new IllegalArgumentException("'" + nameOrId + "' names " + named.size() + " instances; use an ID: "
                    + named.stream().map(Instance::getInstanceId).toList());
        }
        return named.isEmpty() ? null : named.get(0);
    }
}
