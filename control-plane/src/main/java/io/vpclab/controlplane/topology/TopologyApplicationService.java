package io.vpclab.controlplane.topology;

import io.vpclab.client.ApiClient;
import io.vpclab.client.document.DocumentProblem;
import io.vpclab.client.model.TopologyReport;
import io.vpclab.controlplane.system.ApiException;
import io.vpclab.topology.InvalidTopologyException;
import io.vpclab.topology.Topology;
import io.vpclab.topology.TopologyParser;
import io.vpclab.topology.apply.ApplyFailedException;
import io.vpclab.topology.apply.ReportText;
import io.vpclab.topology.apply.TopologyApplier;
import java.util.stream.Collectors;
import org.springframework.core.env.Environment;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Service;

/** Parses a topology file and applies it through this server's REST API on loopback. */
@Service
class TopologyApplicationService {

    private final Environment environment;

    TopologyApplicationService(Environment environment) {
        this.environment = environment;
    }

    TopologyReport apply(String text, String authorization) {
        Topology topology;
        try {
            topology = TopologyParser.parse(text == null ? "" : text, "topology");
        } catch (InvalidTopologyException e) {
            throw ApiException.badRequest(
                    "InvalidTopology",
                    e.problems().stream().map(DocumentProblem::toString).collect(Collectors.joining("; ")));
        }
        try {
            return new TopologyApplier(loopbackClient(authorization), TopologyApplier.Options.defaults())
                    .apply(topology);
        } catch (ApplyFailedException e) {
            String rolledBack = e.rolledBack().isEmpty()
                    ? " (nothing had been created)"
                    : " (rolled back: "
                            + e.rolledBack().stream().map(ReportText::change).collect(Collectors.joining(", ")) + ")";
            HttpStatus status = HttpStatus.resolve(e.status());
            throw new ApiException(status == null ? HttpStatus.BAD_GATEWAY : status, e.code(), e.detail() + rolledBack);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ApiException(HttpStatus.SERVICE_UNAVAILABLE, "ServiceUnavailable", "interrupted while applying");
        }
    }

    private ApiClient loopbackClient(String authorization) {
        ApiClient client = new ApiClient();
        client.updateBaseUri("http://127.0.0.1:" + environment.getProperty("local.server.port"));
        client.setRequestInterceptor(b -> b.header("Authorization", authorization));
        return client;
    }
}
