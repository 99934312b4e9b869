package io.vpclab.agent;

import io.vpclab.agent.port.NetnsExec;
import io.vpclab.agent.port.NetnsProbes;
import io.vpclab.agent.southbound.ProbeRunner;
import io.vpclab.client.model.ProbeReply;
import io.vpclab.client.model.ProbeRequest;
import io.vpclab.client.model.ProbeResult;
import io.vpclab.client.model.ProbeType;
import io.vpclab.dataplane.host.PingResult;
import io.vpclab.dataplane.host.PortState;
import io.vpclab.dataplane.host.SimulatedHost;
import io.vpclab.dataplane.host.TracerouteProbe;
import io.vpclab.dataplane.host.TracerouteResult;
import io.vpclab.dataplane.port.FrameDevice;
import io.vpclab.dataplane.stats.DropReason;
import io.vpclab.dataplane.table.LocalPort;
import io.vpclab.dataplane.table.PortKind;
import io.vpclab.net.Ipv4Address;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;

/**
 * Runs the control plane's probes from this agent's ports: simulated hosts send through their
 * own small stack, netns ports through the namespace's Linux stack. When a probe goes
 * unanswered, the drops the data plane counted at the probing port meanwhile say why.
 */
final class AgentProbes implements ProbeRunner {

    private final PortedVtep ported;

    AgentProbes(PortedVtep ported) {
        this.ported = ported;
    }

    @Override
    public ProbeResult run(ProbeRequest request) {
        return run(request, null);
    }

    /** A netns exec that streams tells {@code partials} each piece of output as it is read. */
    @Override
    public ProbeResult run(ProbeRequest request, java.util.function.Consumer<ProbeResult> partials) {
        LocalPort port = ported.state() == null
                ? null
                : ported.state().ports().stream()
                        .filter(p -> p.id().equals(request.getPortId()))
                        .findFirst()
                        .orElse(null);
        FrameDevice device = ported.device(request.getPortId()).orElse(null);
        if (port == null || device == null) {
            return failed(request, "port " + request.getPortId() + " is not on this host (yet)");
        }
        if (request.getType() == ProbeType.EXEC) {
            return exec(port, device, request, Boolean.TRUE.equals(request.getStream()) ? partials : null)
                    .requestId(request.getRequestId())
                    .type(request.getType())
                    .target(request.getTarget());
        }
        // the probing port's own drops: the host's would mix in whatever else runs meanwhile
        Map<DropReason, Long> before = ported.vtep().counters().port(port.id()).drops();
        ProbeResult result;
        try {
            if (device instanceof SimulatedHost host) {
                result = simulated(host, request);
            } else if (port.kind() == PortKind.NETNS) {
                result = netns(port, request);
            } else {
                return failed(request, "a " + port.kind() + " port cannot run probes");
            }
        } catch (ExecutionException e) {
            return failed(request, e.getCause().toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return failed(request, "interrupted");
        }
        if (result.getReceived() < result.getSent() || "filtered".equals(result.getOutcome())) {
            result.dropReasons(
                    increase(before, ported.vtep().counters().port(port.id()).drops()));
        }
        return result.requestId(request.getRequestId()).type(request.getType()).target(request.getTarget());
    }

    /** An exec request: a command in a netns instance's namespace, or one a simulated instance knows. */
    private static ProbeResult exec(
            LocalPort port,
            FrameDevice device,
            ProbeRequest request,
            java.util.function.Consumer<ProbeResult> partials) {
        if (request.getCommand() == null || request.getCommand().isEmpty()) {
            return new ProbeResult().sent(0).received(0).error("exec needs a command");
        }
        try {
            if (device instanceof SimulatedHost host) {
                ProbeResult result = new SimulatedShell(host, port)
                        .run(request.getCommand(), Duration.ofMillis(request.getTimeoutMillis()));
                return capped(result, request.getMaxOutputBytes());
            }
            if (port.kind() == PortKind.NETNS) {
                return NetnsExec.run(
                        port,
                        request,
                        partials == null ? null : (stream, text) -> partials.accept(piece(request, stream, text)));
            }
        } catch (ExecutionException e) {
            return new ProbeResult().sent(0).received(0).error(e.getCause().toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new ProbeResult().sent(0).received(0).error("interrupted");
        }
        return new ProbeResult().sent(0).received(0).error("a " + port.kind() + " port cannot run commands");
    }

    /** One piece of a streamed exec's output: the new text in stdout or stderr. */
    private static ProbeResult piece(ProbeRequest request, String stream, String text) {
        ProbeResult piece = new ProbeResult()
                .requestId(request.getRequestId())
                .type(request.getType())
                .sent(0)
                .received(0)
                .partial(true);
        return "stderr".equals(stream) ? piece.stderr(text) : piece.stdout(text);
    }

    /** Cuts a simulated command's outputs at the request's limit, as {@link NetnsExec} cuts a real one's. */
    private static ProbeResult capped(ProbeResult result, Integer maxOutputBytes) {
        if (maxOutputBytes == null) {
            return result;
        }
        byte[] out = result.getStdout().getBytes(StandardCharsets.UTF_8);
        byte[] err = result.getStderr().getBytes(StandardCharsets.UTF_8);
        if (out.length <= maxOutputBytes && err.length <= maxOutputBytes) {
            return result;
        }
        return result.stdout(new String(out, 0, Math.min(out.length, maxOutputBytes), StandardCharsets.UTF_8))
                .stderr(new String(err, 0, Math.min(err.length, maxOutputBytes), StandardCharsets.UTF_8))
                .outputTruncated(true);
    }

    private static ProbeResult simulated(SimulatedHost host, ProbeRequest request)
            throws ExecutionException, InterruptedException {
        Ipv4Address target = Ipv4Address.parse(request.getTarget());
        Duration timeout = Duration.ofMillis(request.getTimeoutMillis());
        return switch (request.getType()) {
            case PING -> {
                PingResult ping = request.getSize() == null && !Boolean.TRUE.equals(request.getDontFragment())
                        ? host.ping(target, request.getCount(), timeout).get()
                        : host.ping(
                                        target,
                                        request.getCount(),
                                        timeout,
                                        request.getSize() == null ? SimulatedHost.ECHO_DATA : request.getSize(),
                                        Boolean.TRUE.equals(request.getDontFragment()))
                                .get();
                // received counts echo replies: a fragmentation needed answers the probe but is no reply
                yield counted(replies(ping.probes())).received((int) ping.received());
            }
            case ARP_BURST -> {
                int sent = host.arpBurst(target, request.getCount()).get();
                yield new ProbeResult().sent(sent).received(0).probes(List.of());
            }
            case TRACEROUTE -> {
                TracerouteResult trace = host.traceroute(
                                target, request.getMaxHops(), TracerouteProbe.ICMP_ECHO, timeout)
                        .get();
                yield counted(replies(trace.hops()));
            }
            case TCP -> {
                PortState state =
                        host.probeTcp(target, request.getPort(), timeout).get();
                yield counted(List.of(new ProbeReply()
                                .sequence(1)
                                .replied(state != PortState.FILTERED)
                                .from(request.getTarget())))
                        .outcome(state.name().toLowerCase());
            }
            case UDP -> {
                var reply = host.udpRequest(
                                target, request.getPort(), "vpclab-probe".getBytes(StandardCharsets.US_ASCII), timeout)
                        .get();
                String outcome = switch (reply.kind()) {
                    case UDP_REPLY -> "open";
                    case UNREACHABLE -> "closed";
                    default -> "filtered";
                };
                yield counted(replies(List.of(reply))).outcome(outcome);
            }
            case EXEC -> throw new IllegalStateException("exec is not a probe");
        };
    }

    private static ProbeResult netns(LocalPort port, ProbeRequest request) {
        return switch (request.getType()) {
            case PING -> NetnsProbes.ping(port, request);
            case TRACEROUTE -> NetnsProbes.traceroute(port, request);
            case TCP -> NetnsProbes.tcp(port, request);
            case UDP -> NetnsProbes.udp(port, request);
            case ARP_BURST -> NetnsProbes.arpBurst(port, request);
            case EXEC -> throw new IllegalStateException("exec is not a probe");
        };
    }

    private static List<ProbeReply> replies(List<io.vpclab.dataplane.host.ProbeReply> probes) {
        List<ProbeReply> out = new ArrayList<>();
        int sequence = 1;
        for (var probe : probes) {
            ProbeReply reply = new ProbeReply().sequence(sequence++).replied(probe.answered());
            if (probe.answered()) {
                reply.from(probe.from().toString())
                        .ttl(probe.ttl())
                        .rttMillis(probe.rtt().toNanos() / 1e6)
                        .kind(probe.kind()
                                .name()
                                .toLowerCase(java.util.Locale.ROOT)
                                .replace('_', '-'));
                if (probe.nextHopMtu() > 0) {
                    reply.nextHopMtu(probe.nextHopMtu());
                }
            }
            out.add(reply);
        }
        return out;
    }

    private static ProbeResult counted(List<ProbeReply> probes) {
        int received = (int) probes.stream().filter(ProbeReply::getReplied).count();
        return new ProbeResult().sent(probes.size()).received(received).probes(probes);
    }

    private static Map<String, Long> increase(Map<DropReason, Long> before, Map<DropReason, Long> after) {
        Map<String, Long> grown = new LinkedHashMap<>();
        after.forEach((reason, count) -> {
            long delta = count - before.getOrDefault(reason, 0L);
            if (delta > 0) {
                grown.put(reason.name(), delta);
            }
        });
        return grown;
    }

    private static ProbeResult failed(ProbeRequest request, String why) {
        return new ProbeResult()
                .requestId(request.getRequestId())
                .type(request.getType())
                .target(request.getTarget())
                .sent(0)
                .received(0)
                .error(why);
    }
}
