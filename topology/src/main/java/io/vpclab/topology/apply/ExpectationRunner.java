package io.vpclab.topology.apply;

import io.vpclab.client.ApiClient;
import io.vpclab.client.ApiException;
import io.vpclab.client.api.DiagnosticsApi;
import io.vpclab.client.api.SubnetsApi;
import io.vpclab.client.model.EffectiveRoute;
import io.vpclab.client.model.EffectiveRoutes;
import io.vpclab.client.model.ExpectationResult;
import io.vpclab.client.model.Instance;
import io.vpclab.client.model.PingRequest;
import io.vpclab.client.model.PortProbeRequest;
import io.vpclab.client.model.ProbeResult;
import io.vpclab.topology.Topology.Expectation;
import java.util.HashMap;
import java.util.Map;

/**
 * Runs an expectation as a real probe from its source instance (the diagnostics API: ICMP echo,
 * TCP SYN, UDP request through the agents) and explains the outcome with the drop reasons the
 * source host counted and the source subnet's effective route toward the target.
 */
final class ExpectationRunner {

    /** A first packet may race ARP or conntrack warm-up; a stable mismatch survives three tries. */
    static final int ATTEMPTS = 3;
    private static final int PING_COUNT = 2;
    private static final int TIMEOUT_MILLIS = 700;

    private final DiagnosticsApi diagnostics;
    private final SubnetsApi subnets;
    private final Applied applied;
    private final Map<String, EffectiveRoutes> routes = new HashMap<>();

    ExpectationRunner(ApiClient api, Applied applied) {
        this.diagnostics = new DiagnosticsApi(api);
        this.subnets = new SubnetsApi(api);
        this.applied = applied;
    }

    ExpectationResult run(String step, Expectation expectation) throws ApiException {
        Instance from = applied.instances.get(expectation.from());
        String target = targetIp(expectation.to());
        ExpectationResult result = new ExpectationResult().step(step).from(expectation.from()).to(expectation.to())
                .targetIp(target).probe(ExpectationResult.ProbeEnum.fromValue(expectation.probe())).port(expectation.port())
                .expected(expectation.outcome()).expectedDropReason(expectation.dropReason());
        if (target == null) {
            return result.observed("unknown target").met(false).detail(expectation.to() + " has no address (yet)");
        }
        ProbeResult probe = null;
        for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
            probe = probe(from, expectation, target);
            if (met(expectation, observed(expectation, probe), probe)) {
                break;
            }
        }
        String observed = observed(expectation, probe);
        result.observed(observed).met(met(expectation, observed, probe)).dropReasons(probe.getDropReasons())
                .route(route(from, target));
        if (probe.getError() != null) {
            result.detail(probe.getError());
        }
        return result;
    }

    private ProbeResult probe(Instance from, Expectation expectation, String target) throws ApiException {
        if (expectation.probe().equals("ping")) {
            return diagnostics.pingFromInstance(from.getInstanceId(),
                    new PingRequest().target(target).count(PING_COUNT).timeoutMillis(TIMEOUT_MILLIS));
        }
        return diagnostics.probePortFromInstance(from.getInstanceId(), new PortProbeRequest().target(target)
                .protocol(PortProbeRequest.ProtocolEnum.fromValue(expectation.probe())).port(expectation.port())
                .timeoutMillis(TIMEOUT_MILLIS));
    }

    private static String observed(Expectation expectation, ProbeResult probe) {
        if (expectation.probe().equals("ping")) {
            return probe.getReceived() != null && probe.getReceived() > 0 ? "reachable" : "unreachable";
        }
        return probe.getOutcome() == null ? "no outcome" : probe.getOutcome();
    }

    private static boolean met(Expectation expectation, String observed, ProbeResult probe) {
        if (!expectation.outcome().equals(observed)) {
            return false;
        }
        return expectation.dropReason() == null
                || (probe.getDropReasons() != null && probe.getDropReasons().containsKey(expectation.dropReason()));
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
        return internet != null ? internet : to;
    }

    /** The longest-prefix route of the source subnet that covers the target, or why none does. */
    private String route(Instance from, String target) throws ApiException {
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
        if (best == null) {
            return "no route to " + target + " in subnet " + from.getSubnetId();
        }
        return best.getDestinationCidrBlock() + " -> " + best.getTargetType().getValue()
                + (best.getTargetId() == null ? "" : " " + best.getTargetId());
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
