package io.vpclab.controlplane.analyzer;

import io.vpclab.api.NetworkInsightsApi;
import io.vpclab.api.model.NetworkPathAnalysis;
import io.vpclab.api.model.NetworkPathEnd;
import io.vpclab.api.model.NetworkPathEndpoint;
import io.vpclab.api.model.NetworkPathHop;
import io.vpclab.api.model.NetworkPathRequest;
import io.vpclab.controlplane.system.ApiException;
import io.vpclab.controlplane.system.Callers;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.RestController;

@RestController
// the analyzer reads tables with the agent's own translator: a server built without the agent has none
@ConditionalOnClass(name = "io.vpclab.agent.table.TableTranslator")
class NetworkInsightsController implements NetworkInsightsApi {

    private final ReachabilityAnalyzer analyzer;

    NetworkInsightsController(ReachabilityAnalyzer analyzer) {
        this.analyzer = analyzer;
    }

    @Override
    public ResponseEntity<NetworkPathAnalysis> analyzeNetworkPath(NetworkPathRequest body) {
        if (body.getProtocol() == null) {
            throw ApiException.badRequest("MissingParameter", "protocol is required: tcp, udp or icmp");
        }
        ReachabilityAnalyzer.Analysis analysis = analyzer.analyze(
                Callers.current(),
                endpoint(body.getSource()),
                endpoint(body.getDestination()),
                body.getProtocol().getValue(),
                body.getPort(),
                body.getSourcePort());
        return ResponseEntity.ok(toDto(analysis));
    }

    private static ReachabilityAnalyzer.EndpointRequest endpoint(NetworkPathEndpoint end) {
        return end == null
                ? null
                : new ReachabilityAnalyzer.EndpointRequest(
                        end.getInstance(), end.getInternetHost(), end.getElasticIp(), end.getIp());
    }

    static NetworkPathAnalysis toDto(ReachabilityAnalyzer.Analysis analysis) {
        List<NetworkPathHop> hops = new ArrayList<>();
        Set<String> ids = new LinkedHashSet<>();
        for (int i = 0; i < analysis.hops().size(); i++) {
            PathHop hop = analysis.hops().get(i);
            hops.add(hop(i, hop));
            if (hop.componentId() != null) {
                ids.add(hop.componentId());
            }
        }
        PathHop explanation = analysis.explanation();
        return new NetworkPathAnalysis()
                .reachable(analysis.reachable())
                .source(end(analysis.source()))
                .destination(end(analysis.destination()))
                .protocol(NetworkPathAnalysis.ProtocolEnum.fromValue(analysis.protocol()))
                .port(analysis.port())
                .sourcePort(analysis.sourcePort())
                .sourcePortFrom(analysis.sourcePortFrom())
                .sourcePortTo(analysis.sourcePortTo())
                .hops(hops)
                .explanation(explanation == null ? null : hop(analysis.hops().size() - 1, explanation))
                .componentIds(new ArrayList<>(ids));
    }

    private static NetworkPathHop hop(int index, PathHop hop) {
        return new NetworkPathHop()
                .index(index)
                .component(
                        NetworkPathHop.ComponentEnum.fromValue(hop.component().apiName()))
                .componentId(hop.componentId())
                .hostId(hop.hostId())
                .ruleId(hop.ruleId())
                .detail(hop.detail())
                .allowed(hop.allowed());
    }

    private static NetworkPathEnd end(ReachabilityAnalyzer.Endpoint end) {
        return new NetworkPathEnd()
                .type(NetworkPathEnd.TypeEnum.fromValue(end.type()))
                .id(end.id())
                .name(end.name())
                .ip(end.ip())
                .hostId(end.hostId());
    }
}
