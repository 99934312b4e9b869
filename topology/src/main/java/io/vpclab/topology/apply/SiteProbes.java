package io.vpclab.topology.apply;

import io.vpclab.client.model.ExpectationResult;
import io.vpclab.client.model.ProbeResult;
import io.vpclab.dataplane.host.PingResult;
import io.vpclab.dataplane.host.PortState;
import io.vpclab.dataplane.host.ProbeReply;
import io.vpclab.dataplane.host.SimulatedHost;
import io.vpclab.net.Ipv4Address;
import io.vpclab.topology.Topology.Expectation;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.ExecutionException;

/**
 * An expectation from a host of a simulated on-premises site: the host sends the probe itself
 * (echo requests, a SYN, a UDP datagram), its site's router encrypts it into the tunnel, and the
 * answer must come back the same way. Nothing in the VPC is asked; the VPN gateway's host counts
 * what it drops in its own figures.
 */
final class SiteProbes {

    private static final Duration TIMEOUT = Duration.ofMillis(ProbeVerdict.TIMEOUT_MILLIS);

    private SiteProbes() {}

    static ExpectationResult run(String step, Expectation expectation, String target, SimulatedHost from)
            throws InterruptedException {
        ExpectationResult result = ProbeVerdict.heading(step, expectation, target);
        Ipv4Address address;
        try {
            address = Ipv4Address.parse(target);
        } catch (IllegalArgumentException e) {
            return ProbeVerdict.unknownTarget(result, expectation);
        }
        ProbeResult probe = ProbeVerdict.untilMet(expectation, () -> probe(from, expectation, address));
        String observed = ProbeVerdict.observed(expectation, probe);
        return result.observed(observed)
                .met(ProbeVerdict.met(expectation, observed, probe))
                .route("on premises: through the site's WireGuard tunnel")
                .detail(probe.getError());
    }

    private static ProbeResult probe(SimulatedHost from, Expectation expectation, Ipv4Address target)
            throws InterruptedException {
        try {
            return switch (expectation.probe()) {
                case "ping" -> {
                    PingResult ping =
                            from.ping(target, ProbeVerdict.PING_COUNT, TIMEOUT).get();
                    yield new ProbeResult().sent(ProbeVerdict.PING_COUNT).received((int) ping.received());
                }
                case "tcp" -> {
                    PortState state =
                            from.probeTcp(target, expectation.port(), TIMEOUT).get();
                    yield new ProbeResult().outcome(state.name().toLowerCase(java.util.Locale.ROOT));
                }
                default -> {
                    ProbeReply reply = from.udpRequest(
                                    target,
                                    expectation.port(),
                                    "vpclab-probe".getBytes(StandardCharsets.US_ASCII),
                                    TIMEOUT)
                            .get();
                    yield new ProbeResult()
                            .outcome(
                                    switch (reply.kind()) {
                                        case UDP_REPLY -> "open";
                                        case UNREACHABLE -> "closed";
                                        default -> "filtered";
                                    });
                }
            };
        } catch (ExecutionException e) {
            return new ProbeResult().sent(0).received(0).error("the site's probe failed: " + e.getCause());
        }
    }
}
