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
 * (one process per probe, so each probe has its own result and TTL; sized and DF pings as
 * {@code ping -s N -M do}), bash's /dev/tcp for TCP ports, a connected python3 UDP socket for UDP
 * ports, and a broadcast ARP burst written by python3 on a packet socket. Nothing here needs
 * packages beyond iputils-ping, bash and python3.
 */
public final class NetnsProbes {

    private static final Pattern REPLY = Pattern.compile("from ([0-9.]+): icmp_seq=\\d+ ttl=(\\d+) time=([0-9.]+) ms");
    private static final Pattern EXCEEDED = Pattern.compile("From ([0-9.]+) icmp_seq=\\d+ Time to live exceeded");
    /** An ICMP fragmentation needed (RFC 1191) that came back for a DF ping. */
    private static final Pattern FRAGMENTATION_NEEDED =
            Pattern.compile("From ([0-9.]+) icmp_seq=\\d+ Frag needed and DF set \\(mtu = (\\d+)\\)");
    /** A DF ping larger than the namespace's own device MTU: its stack refuses it (EMSGSIZE), nothing is sent. */
    private static final Pattern MESSAGE_TOO_LONG = Pattern.compile("local error: message too long, mtu=(\\d+)");

    /** What answered a ping that the instance's own stack refused to send: no packet left it. */
    private static final String MESSAGE_TOO_LONG_KIND = "message-too-long";

    /**
     * Writes argv[5] broadcast ARP requests (who has argv[4]? tell argv[3] at MAC argv[2]) on
     * device argv[1] back to back, as the simulated instance's burst does, and prints how many.
     */
    private static final String ARP_BURST_SCRIPT = """
            import socket, sys
            device, mac, ip, target, count = sys.argv[1], bytes.fromhex(sys.argv[2]), \\
                socket.inet_aton(sys.argv[3]), socket.inet_aton(sys.argv[4]), int(sys.argv[5])
            # Ethernet: broadcast, source, ARP; ARP: Ethernet/IPv4, request, sender, unknown target
            frame = b"\\xff" * 6 + mac + b"\\x08\\x06" + b"\\x00\\x01\\x08\\x00\\x06\\x04\\x00\\x01" \\
                + mac + ip + b"\\x00" * 6 + target
            s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
            s.bind((device, 0))
            sent = sum(1 for _ in range(count) if s.send(frame) == len(frame))
            print(sent)
            """;

    /**
     * Sends one datagram to argv[1]:argv[2] on a connected socket and prints what came back
     * within argv[3] seconds: a datagram (open), an ICMP port unreachable, which the kernel
     * reports to a connected socket as ECONNREFUSED (closed), or nothing (filtered).
     */
    private static final String UDP_REQUEST_SCRIPT = """
            import socket, sys
            s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            s.settimeout(float(sys.argv[3]))
            s.connect((sys.argv[1], int(sys.argv[2])))
            try:
                s.send(b"vpclab-probe")
                s.recv(65535)
                print("open")
            except ConnectionRefusedError:
                print("closed")
            except OSError:
                print("filtered")
            """;

    private NetnsProbes() {}

    public static ProbeResult ping(LocalPort port, ProbeRequest request) {
        List<ProbeReply> probes = new ArrayList<>();
        for (int sequence = 1; sequence <= request.getCount(); sequence++) {
            probes.add(echo(port, request, 64, sequence));
        }
        // received counts echo replies: a fragmentation needed answers the probe but is no reply
        return result(request, probes).received((int)
                probes.stream().filter(p -> ECHO_REPLY.equals(p.getKind())).count());
    }

    /**
     * {@code request.count} broadcast ARP requests for {@code request.target} from the port's
     * device inside its namespace, sent by the namespace's own kernel (a broadcast storm).
     */
    public static ProbeResult arpBurst(LocalPort port, ProbeRequest request) {
        if (port.ipAddress() == null) {
            return result(request, List.of()).error("port " + port.id() + " has no address to ask from");
        }
        Run run = exec(
                port,
                10_000L + request.getCount(),
                "python3",
                "-c",
                ARP_BURST_SCRIPT,
                PortNames.device(port),
                port.mac().toString().replace(":", ""),
                port.ipAddress().toString(),
                request.getTarget(),
                Integer.toString(request.getCount()));
        if (run.exit != 0) {
            return result(request, List.of())
                    .error("broadcast burst in " + PortNames.namespace(port) + " failed: "
                            + (run.err.isBlank() ? "exit " + run.exit : run.err.strip()));
        }
        return result(request, List.of()).sent(Integer.parseInt(run.out.strip()));
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

    /** A UDP request from the namespace's stack: open (answered), closed (port unreachable) or filtered (silence). */
    public static ProbeResult udp(LocalPort port, ProbeRequest request) {
        Run run = exec(
                port,
                request.getTimeoutMillis() + 2000L,
                "python3",
                "-c",
                UDP_REQUEST_SCRIPT,
                request.getTarget(),
                Integer.toString(request.getPort()),
                String.format("%.3f", request.getTimeoutMillis() / 1000.0));
        String outcome = run.out.strip();
        if (run.exit != 0 || !List.of("open", "closed", "filtered").contains(outcome)) {
            return result(request, List.of())
                    .error("UDP probe in " + PortNames.namespace(port) + " failed: "
                            + (run.err.isBlank() ? "exit " + run.exit : run.err.strip()));
        }
        ProbeReply reply = new ProbeReply()
                .sequence(1)
                .replied(!"filtered".equals(outcome))
                .from(request.getTarget());
        return result(request, List.of(reply)).outcome(outcome);
    }

    private static final String ECHO_REPLY = "echo-reply";

    private static ProbeReply echo(LocalPort port, ProbeRequest request, int ttl, int sequence) {
        int waitSeconds = Math.max(1, (int) Math.ceil(request.getTimeoutMillis() / 1000.0));
        List<String> ping = new ArrayList<>(
                List.of("ping", "-n", "-c", "1", "-W", Integer.toString(waitSeconds), "-t", Integer.toString(ttl)));
        if (request.getSize() != null) {
            ping.addAll(List.of("-s", Integer.toString(request.getSize())));
        }
        if (Boolean.TRUE.equals(request.getDontFragment())) {
            ping.addAll(List.of("-M", "do"));
        }
        ping.add(request.getTarget());
        Run run = exec(port, waitSeconds * 1000L + 2000L, ping.toArray(String[]::new));
        ProbeReply reply = new ProbeReply().sequence(sequence).replied(false);
        Matcher answered = REPLY.matcher(run.out);
        if (answered.find()) {
            return reply.replied(true)
                    .from(answered.group(1))
                    .ttl(Integer.parseInt(answered.group(2)))
                    .rttMillis(Double.parseDouble(answered.group(3)))
                    .kind(ECHO_REPLY);
        }
        Matcher exceeded = EXCEEDED.matcher(run.out);
        if (exceeded.find()) {
            return reply.replied(true).from(exceeded.group(1)).kind("time-exceeded");
        }
        Matcher fragmentation = FRAGMENTATION_NEEDED.matcher(run.out);
        if (fragmentation.find()) {
            return reply.replied(true)
                    .from(fragmentation.group(1))
                    .kind("fragmentation-needed")
                    .nextHopMtu(Integer.parseInt(fragmentation.group(2)));
        }
        Matcher tooLong = MESSAGE_TOO_LONG.matcher(run.out + run.err);
        if (tooLong.find()) {
            // the namespace's own stack answered: its device's MTU is smaller than the packet
            return reply.replied(true)
                    .from(port.ipAddress() == null ? null : port.ipAddress().toString())
                    .kind(MESSAGE_TOO_LONG_KIND)
                    .nextHopMtu(Integer.parseInt(tooLong.group(1)));
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
