package io.vpclab.agent.port;

import io.vpclab.client.model.ProbeReply;
import io.vpclab.client.model.ProbeRequest;
import io.vpclab.client.model.ProbeResult;
import io.vpclab.dataplane.table.LocalPort;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Diagnostics from a {@code netns} port, run by the namespace's own Linux stack: iputils ping
 * (one process per probe, so each probe has its own result and TTL), and bash's /dev/tcp for
 * TCP ports. Nothing here needs packages beyond iputils-ping and bash.
 */
public final class NetnsProbes {

    private static final Pattern REPLY = Pattern.compile("from ([0-9.]+): icmp_seq=\\d+ ttl=(\\d+) time=([0-9.]+) ms");
    private static final Pattern EXCEEDED = Pattern.compile("From ([0-9.]+) icmp_seq=\\d+ Time to live exceeded");

    private NetnsProbes() {}

    public static ProbeResult ping(LocalPort port, ProbeRequest request) {
        List<ProbeReply> probes = new ArrayList<>();
        for (int sequence = 1; sequence <= request.getCount(); sequence++) {
            probes.add(echo(port, request, 64, sequence));
        }
        return result(request, probes);
    }

    /** Echo requests with TTL 1, 2, ... until the target answers: each hop that expires the TTL shows. */
    public static ProbeResult traceroute(LocalPort port, ProbeRequest request) {
        List<ProbeReply> hops = new ArrayList<>();
        for (int ttl = 1; ttl <= request.getMaxHops(); ttl++) {
            ProbeReply hop = echo(port, request, ttl, ttl);
            hops.add(hop);
            if (hop.getReplied() && request.getTarget().equals(hop.getFrom())) {
                break;
            }
        }
        return result(request, hops);
    }

    public static ProbeResult tcp(LocalPort port, ProbeRequest request) {
        double seconds = request.getTimeoutMillis() / 1000.0;
        String connect = "exec 3<>/dev/tcp/" + request.getTarget() + "/" + request.getPort();
        Run run = exec(
                port,
                request.getTimeoutMillis() + 2000L,
                "timeout",
                String.format("%.3f", seconds),
                "bash",
                "-c",
                connect);
        String outcome = run.exit == 0 ? "open" : run.err.contains("refused") ? "closed" : "filtered";
        ProbeReply reply = new ProbeReply()
                .sequence(1)
                .replied(!"filtered".equals(outcome))
                .from(request.getTarget());
        return result(request, List.of(reply)).outcome(outcome);
    }

    private static ProbeReply echo(LocalPort port, ProbeRequest request, int ttl, int sequence) {
        int waitSeconds = Math.max(1, (int) Math.ceil(request.getTimeoutMillis() / 1000.0));
        Run run = exec(
                port,
                waitSeconds * 1000L + 2000L,
                "ping",
                "-n",
                "-c",
                "1",
                "-W",
                Integer.toString(waitSeconds),
                "-t",
                Integer.toString(ttl),
                request.getTarget());
        ProbeReply reply = new ProbeReply().sequence(sequence).replied(false);
        Matcher answered = REPLY.matcher(run.out);
        if (answered.find()) {
            return reply.replied(true)
                    .from(answered.group(1))
                    .ttl(Integer.parseInt(answered.group(2)))
                    .rttMillis(Double.parseDouble(answered.group(3)));
        }
        Matcher exceeded = EXCEEDED.matcher(run.out);
        if (exceeded.find()) {
            return reply.replied(true).from(exceeded.group(1));
        }
        return reply;
    }

    private static ProbeResult result(ProbeRequest request, List<ProbeReply> probes) {
        int received = (int) probes.stream().filter(ProbeReply::getReplied).count();
        return new ProbeResult()
                .requestId(request.getRequestId())
                .type(request.getType())
                .target(request.getTarget())
                .sent(probes.size())
                .received(received)
                .probes(probes);
    }

    private record Run(int exit, String out, String err) {}

    private static Run exec(LocalPort port, long timeoutMillis, String... command) {
        List<String> line = new ArrayList<>(List.of("ip", "netns", "exec", PortNames.namespace(port)));
        line.addAll(List.of(command));
        try {
            Process process = new ProcessBuilder(line).start();
            process.getOutputStream().close();
            if (!process.waitFor(timeoutMillis, TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                return new Run(-1, "", "timed out");
            }
            return new Run(
                    process.exitValue(),
                    new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8),
                    new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new PortSetupException("cannot run " + String.join(" ", line) + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PortSetupException("interrupted: " + String.join(" ", line), e);
        }
    }
}
