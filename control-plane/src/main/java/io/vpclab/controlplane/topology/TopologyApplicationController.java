package io.vpclab.controlplane.topology;

import io.vpclab.api.TopologyApi;
import io.vpclab.api.model.TopologyReport;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.http.HttpHeaders;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.json.JsonMapper;

@RestController
class TopologyApplicationController implements TopologyApi {

    /** The client's report and the server's DTO come from the same schema: JSON carries one into the other. */
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final TopologyApplicationService topologies;
    private final HttpServletRequest request;

    TopologyApplicationController(TopologyApplicationService topologies, HttpServletRequest request) {
        this.topologies = topologies;
        this.request = request;
    }

    @Override
    public ResponseEntity<TopologyReport> applyTopology(String body) {
        // The bearer filter already accepted this header; the apply's own calls carry it on.
        io.vpclab.client.model.TopologyReport report =
                topologies.apply(body, request.getHeader(HttpHeaders.AUTHORIZATION));
        return ResponseEntity.ok(JSON.convertValue(report, TopologyReport.class));
    }
}
