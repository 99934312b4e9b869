package io.vpclab.topology.apply;

import static io.vpclab.topology.apply.ProbeVerdict.PING_COUNT;
import static io.vpclab.topology.apply.ProbeVerdict.TIMEOUT_MILLIS;
import static io.vpclab.topology.apply.ProbeVerdict.met;
import static io.vpclab.topology.apply.ProbeVerdict.observed;

import io.vpclab.client.ApiClient;
import io.vpclab.client.ApiException;
import io.vpclab.client.api.DiagnosticsApi;
import io.vpclab.client.api.EipsApi;
import io.vpclab.client.api.NatGatewaysApi;
import io.vpclab.client.api.NetworkInsightsApi;
import io.vpclab.client.api.SubnetsApi;
import io.vpclab.client.api.WhitelistsApi;
import io.vpclab.client.model.EffectiveRoute;
import io.vpclab.client.model.EffectiveRoutes;
import io.vpclab.client.model.EgressPolicy;
import io.vpclab.client.model.Eip;
import io.vpclab.client.model.ExpectationResult;
import io.vpclab.client.model.IngressPolicy;
import io.vpclab.client.model.Instance;
import io.vpclab.client.model.InstanceKind;
import io.vpclab.client.model.NatGateway;
import io.vpclab.client.model.NetworkPathAnalysis;
import io.vpclab.client.model.NetworkPathEndpoint;
import io.vpclab.client.model.NetworkPathHop;
import io.vpclab.client.model.NetworkPathRequest;
import io.vpclab.client.model.PingRequest;
import io.vpclab.client.model.PortProbeRequest;
import io.vpclab.client.model.ProbeResult;
import io.vpclab.client.model.RouteState;
import io.vpclab.client.model.RouteTargetType;
import io.vpclab.client.model.Whitelist;
import io.vpclab.client.model.WhitelistRule;
import io.vpclab.topology.Topology.Expectation;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Runs an expectation as a real probe from its source instance or internet host (the diagnostics
 * API: ICMP echo, TCP SYN, UDP request through the agents) and explains the outcome with the drop
 * reasons the source host counted and the source subnet's effective route toward the target. The
 * reachability analyzer answers the same flow from the tables, without a packet: when it disagrees
 * with the packets, the expectation is not met, whatever the file expected.
 */
final class ExpectationRunner {

    private final DiagnosticsApi diagnostics;
    private final SubnetsApi subnets;
    private final NatGatewaysApi natGateways;
    private final EipsApi eips;
    private final WhitelistsApi whitelists;
    private final NetworkInsightsApi insights;
    private final Applied applied;
    /** Source subnet ID -> its effective routes; probes of one wave read it at once. */
    private final Map<String, EffectiveRoutes> routes = new ConcurrentHashMap<>();

    private final DecidingRuleCheck deciding;

    ExpectationRunner(ApiClient api, Applied applied) {
        this.deciding = new DecidingRuleCheck(api, applied);
        this.diagnostics = new DiagnosticsApi(api);
        this.subnets = new SubnetsApi(api);
        this.natGateways = new NatGatewaysApi(api);
        this.eips = new EipsApi(api);
        this.whitelists = new WhitelistsApi(api);
        this.insights = new NetworkInsightsApi(api);
        this.applied = applied;
    }

    ExpectationResult run(String step, Expectation expectation) throws ApiException, InterruptedException {
        Instance from = applied.instances.get(expectation.from());
        if (from == null && applied.internetHosts.containsKey(expectation.from())) {
            return runFromInternet(step, expectation);
        }
        if (from == null && applied.siteHosts.containsKey(expectation.from())) {
            return SiteProbes.run(
                    step, expectation, targetIp(expectation.to()), applied.siteHosts.get(expectation.from()));
        }
        String target = targetIp(expectation.to());
        ExpectationResult result = ProbeVerdict.heading(step, expectation, target)
                .expectedDecidedBy(
                        expectation.decidedBy() == null
                                ? null
                                : expectation.decidedBy().describe());
        if (target == null) {
            return ProbeVerdict.unknownTarget(result, expectation);
        }
        EffectiveRoute subnetRoute = route(from, target);
        // the deciding rule of the last try, which the verdict needs as much as the packets
        DecidingRuleCheck.Decision[] lastDecision = {null};
        ProbeResult probe = ProbeVerdict.untilMet(
                () -> {
                    DecidingRuleCheck.Counters before = deciding.before(expectation);
                    ProbeResult sent = probe(from, expectation, target);
                    lastDecision[0] = deciding.after(expectation, before, sent, subnetRoute);
                    return sent;
                },
                sent -> met(expectation, observed(expectation, sent), sent)
                        && (lastDecision[0] == null || lastDecision[0].met()));
        DecidingRuleCheck.Decision decision = lastDecision[0];
        EffectiveRoute route = subnetRoute;
        String observed = observed(expectation, probe);
        String elasticIp = leavesThroughElasticIp(expectation.from(), route);
        if (elasticIp != null) {
            route = null; // no subnet route decides: the instance's own elastic IP does
        }
        result.observed(observed)
                .met(met(expectation, observed, probe) && (decision == null || decision.met()))
                .decidedBy(decision == null ? null : decision.text())
                .dropReasons(probe.getDropReasons())
                .route(
                        elasticIp != null
                                ? elasticIp
                                : route == null
                                        ? "no route to " + target + " in subnet " + from.getSubnetId()
                                        : describe(route));
        String whitelist = whitelistBehind(expectation, route);
        String detail = probe.getError() == null
                ? whitelist
                : whitelist == null ? probe.getError() : probe.getError() + "; " + whitelist;
        String listener = nothingListens(expectation, observed);
        if (listener != null) {
            detail = detail == null ? listener : listener + "; " + detail;
        }
        if (applied.siteHosts.containsKey(expectation.to())) {
            // the analyzer stops where the tunnel starts: the packets are the only evidence beyond it
            return result.detail(detail);
        }
        return compareWithAnalyzer(result.detail(detail), expectation, observed);
    }

    /** An expectation from an internet host: the probe leaves its port on the public network. */
    private ExpectationResult runFromInternet(String step, Expectation expectation)
            throws ApiException, InterruptedException {
        String target = targetIp(expectation.to());
        ExpectationResult result = ProbeVerdict.heading(step, expectation, target);
        if (target == null) {
            return ProbeVerdict.unknownTarget(result, expectation);
        }
        ProbeResult probe = ProbeVerdict.untilMet(expectation, () -> probeFromInternet(expectation, target));
        String observed = observed(expectation, probe);
        result.observed(observed)
                .met(met(expectation, observed, probe))
                .dropReasons(probe.getDropReasons())
                .route("the internet (public network)");
        String whitelist = whitelistBehind(expectation, null);
        String detail = probe.getError() == null
                ? whitelist
                : whitelist == null ? probe.getError() : probe.getError() + "; " + whitelist;
        return compareWithAnalyzer(result.detail(detail), expectation, observed);
    }

    private ProbeResult probeFromInternet(Expectation expectation, String target) throws ApiException {
        return expectation.probe().equals("ping")
                ? diagnostics.pingFromInternetHost(expectation.from(), ping(target))
                : diagnostics.probePortFromInternetHost(expectation.from(), portProbe(expectation, target));
    }

    /** The ping an expectation sends, from an instance or an internet host. */
    private static PingRequest ping(String target) {
        return new PingRequest().target(target).count(PING_COUNT).timeoutMillis(TIMEOUT_MILLIS);
    }

    /** The TCP or UDP probe an expectation sends, from an instance or an internet host. */
    private static PortProbeRequest portProbe(Expectation expectation, String target) {
        return new PortProbeRequest()
                .target(target)
                .protocol(PortProbeRequest.ProtocolEnum.fromValue(expectation.probe()))
                .port(expectation.port())
                .timeoutMillis(TIMEOUT_MILLIS);
    }

    /**
     * Asks the analyzer about the same flow and compares: a ping is reachable when answered; a TCP
     * port when it answers at all (open or closed); a UDP port only says so when it answers (silence
     * may be a server that does not reply), so a filtered UDP port is not compared, nor a path the
     * analyzer follows only up to an appliance instance (its own stack decides). A disagreement
     * fails the expectation; a blocked path names the analyzer's deciding component and rule.
     */
    private ExpectationResult compareWithAnalyzer(ExpectationResult result, Expectation expectation, String observed) {
        NetworkPathAnalysis path;
        try {
            path = insights.analyzeNetworkPath(new NetworkPathRequest()
                    .source(endpoint(expectation.from()))
                    .destination(endpoint(expectation.to()))
                    .protocol(NetworkPathRequest.ProtocolEnum.fromValue(
                            expectation.probe().equals("ping") ? "icmp" : expectation.probe()))
                    .port(expectation.port()));
        } catch (ApiException e) {
            return result.detail(append(result.getDetail(), "the analyzer could not answer: HTTP " + e.getCode()));
        }
        boolean analyzed = Boolean.TRUE.equals(path.getReachable());
        Boolean packets = switch (observed) {
            case "reachable", "open", "closed" -> true;
            case "unreachable" -> false;
            case "filtered" -> expectation.probe().equals("udp") ? null : false;
            default -> null;
        };
        NetworkPathHop why = path.getExplanation();
        if (!analyzed && why != null && why.getComponent() == NetworkPathHop.ComponentEnum.APPLIANCE) {
            // the tables end at the appliance; whether it forwards is its own stack's business (a
            // netns appliance with ip_forward on does), so only the packets can tell
            packets = null;
        }
        String analyzer = analyzed
                ? "the analyzer finds it reachable"
                : "the analyzer finds it blocked by "
                        + (why == null
                                ? "an unknown step"
                                : why.getComponent().getValue()
                                        + (why.getComponentId() == null ? "" : " " + why.getComponentId())
                                        + (why.getRuleId() == null ? "" : " rule " + why.getRuleId()) + ": "
                                        + why.getDetail());
        if (packets != null && packets != analyzed) {
            return result.met(false)
                    .detail(append(
                            result.getDetail(), "DISAGREEMENT: the packets say " + observed + " but " + analyzer));
        }
        return analyzed ? result : result.detail(append(result.getDetail(), analyzer));
    }

    private static String append(String detail, String more) {
        return detail == null ? more : detail + "; " + more;
    }

    /** A file's name for an end, as the analyzer reads it. */
    private NetworkPathEndpoint endpoint(String name) {
        if (name.startsWith("eip:")) {
            String allocationId = applied.allocationIds.get(name.substring(4));
            return allocationId != null
                    ? new NetworkPathEndpoint().elasticIp(allocationId)
                    : new NetworkPathEndpoint().ip(targetIp(name));
        }
        Instance instance = applied.instances.get(name);
        if (instance != null) {
            return new NetworkPathEndpoint().instance(instance.getInstanceId());
        }
        if (applied.internetHosts.containsKey(name)) {
            return new NetworkPathEndpoint().internetHost(name);
        }
        return new NetworkPathEndpoint().ip(name);
    }

    /**
     * The whitelist that decides the flow, with its rules' hit counters and its drop counter (as
     * the agents last reported them): the NAT gateway's egress whitelist when the route leaves
     * through a gateway under WHITELIST, or the target elastic IP's ingress whitelist.
     */
    private String whitelistBehind(Expectation expectation, EffectiveRoute route) throws ApiException {
        String whitelistId = null;
        String role = null;
        if (route != null && route.getTargetType() == RouteTargetType.NAT_GATEWAY && route.getTargetId() != null) {
            NatGateway gateway = natGateways.getNatGateway(route.getTargetId());
            if (gateway.getEgressPolicy() == EgressPolicy.WHITELIST) {
                whitelistId = gateway.getWhitelistId();
                role = "egress whitelist of " + gateway.getNatGatewayId();
            }
        }
        String allocationId = expectation.to().startsWith("eip:")
                ? applied.allocationIds.get(expectation.to().substring(4))
                : null;
        if (whitelistId == null && allocationId != null) {
            Eip eip = eips.getEip(allocationId);
            if (eip.getIngressPolicy() == IngressPolicy.WHITELIST) {
                whitelistId = eip.getWhitelistId();
                role = "ingress whitelist of " + eip.getPublicIp();
            } else {
                return "ingress policy of " + eip.getPublicIp() + ": "
                        + eip.getIngressPolicy().getValue();
            }
        }
        if (whitelistId == null) {
            return null;
        }
        Whitelist whitelist = whitelists.getWhitelist(whitelistId);
        StringBuilder text = new StringBuilder(role + " " + whitelist.getName() + ": ");
        for (WhitelistRule rule : whitelist.getRules()) {
            text.append(rule.getProtocol().getValue()).append(' ').append(rule.getCidrBlock());
            if (rule.getFromPort() != null) {
                text.append(' ').append(rule.getFromPort()).append('-').append(rule.getToPort());
            }
            text.append(" (hits ").append(rule.getHitCount()).append("), ");
        }
        return text.append("drops ").append(whitelist.getDropCount()).toString();
    }

    /**
     * A netns instance is a real Linux stack: a port answers only where a program listens, so an
     * expected open port found closed there is most likely a server nobody started, and says so.
     */
    private String nothingListens(Expectation expectation, String observed) {
        Instance to = applied.instances.get(expectation.to());
        if (to == null
                || to.getKind() != InstanceKind.NETNS
                || expectation.probe().equals("ping")
                || !"open".equals(expectation.outcome())
                || !"closed".equals(observed)) {
            return null;
        }
        return "nothing listens on " + expectation.probe() + " port " + expectation.port() + " in netns instance "
                + expectation.to() + " (a real Linux stack answers only where a program listens: start a server in"
                + " its namespace)";
    }

    private ProbeResult probe(Instance from, Expectation expectation, String target) throws ApiException {
        return expectation.probe().equals("ping")
                ? diagnostics.pingFromInstance(from.getInstanceId(), ping(target))
                : diagnostics.probePortFromInstance(from.getInstanceId(), portProbe(expectation, target));
    }

    String targetIp(String to) {
        if (to.startsWith("eip:")) {
            return applied.publicIps.get(to.substring(4));
        }
        Instance instance = applied.instances.get(to);
        if (instance != null) {
            return instance.getPrivateIpAddress();
        }
        String internet = applied.internetHosts.get(to);
        if (internet != null) {
            return internet;
        }
        io.vpclab.dataplane.host.SimulatedHost siteHost = applied.siteHosts.get(to);
        return siteHost != null ? siteHost.ip().toString() : to;
    }

    /** The longest-prefix route of the source subnet that covers the target, or null when none does. */
    private EffectiveRoute route(Instance from, String target) throws ApiException {
        EffectiveRoutes table = routes.get(from.getSubnetId());
        if (table == null) {
            table = subnets.getSubnetRoutes(from.getSubnetId());
            routes.put(from.getSubnetId(), table);
        }
        long address = address(target);
        EffectiveRoute best = null;
        int bestPrefix = -1;
        for (EffectiveRoute route : table.getRoutes()) {
            String[] cidr = route.getDestinationCidrBlock().split("/");
            int prefix = Integer.parseInt(cidr[1]);
            long mask = prefix == 0 ? 0 : (0xFFFF_FFFFL << (32 - prefix)) & 0xFFFF_FFFFL;
            if ((address & mask) == (address(cidr[0]) & mask) && prefix > bestPrefix) {
                best = route;
                bestPrefix = prefix;
            }
        }
        return best;
    }

    private static String describe(EffectiveRoute route) {
        return route.getDestinationCidrBlock() + " -> " + route.getTargetType().getValue()
                + (route.getTargetId() == null ? "" : " " + route.getTargetId())
                + (route.getState() == RouteState.BLACKHOLE ? " (blackhole)" : "");
    }

    /**
     * An instance with an elastic IP leaves through it for what no VPC route, peering or appliance
     * route carries, before its subnet's NAT gateway (the data plane's order): the route then names
     * the elastic IP, a property of the instance, not of its subnet.
     */
    private String leavesThroughElasticIp(String from, EffectiveRoute route) {
        String allocationId = applied.allocationIds.get(from);
        if (allocationId == null) {
            return null;
        }
        boolean subnetWide = route == null || route.getTargetType() == RouteTargetType.NAT_GATEWAY;
        return subnetWide ? "elastic IP " + allocationId + " of " + from : null;
    }

    private static long address(String dotted) {
        long value = 0;
        for (String octet : dotted.split("\\.")) {
            value = value << 8 | Integer.parseInt(octet);
        }
        return value;
    }

    /** Routes change when a step moves things; read them again. */
    void forgetRoutes() {
        routes.clear();
    }
}
