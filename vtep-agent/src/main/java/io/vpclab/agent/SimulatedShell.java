package io.vpclab.agent;

import io.vpclab.client.model.ProbeResult;
import io.vpclab.dataplane.host.PingResult;
import io.vpclab.dataplane.host.ProbeReply;
import io.vpclab.dataplane.host.SimulatedHost;
import io.vpclab.dataplane.host.TracerouteProbe;
import io.vpclab.dataplane.host.TracerouteResult;
import io.vpclab.dataplane.table.LocalPort;
import io.vpclab.net.Ipv4Address;
import io.vpclab.net.Ipv4Prefix;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutionException;

/**
 * The commands a simulated instance answers through exec, from its own small stack, printed the
 * way their Linux namesakes print: {@code ping [-c N] [-s SIZE] [-M do] TARGET}, {@code traceroute TARGET},
 * {@code tcp TARGET PORT}, {@code udp TARGET PORT}, {@code ip addr}, {@code ip route},
 * {@code hostname}. Anything else exits 127, as a shell's "command not found".
 */
final class SimulatedShell {

    static final int NOT_FOUND = 127;
    static final String KNOWN =
            "ping [-c N] [-s SIZE] [-M do] TARGET, traceroute TARGET, tcp TARGET PORT, udp TARGET PORT,"
                    + " ip addr, ip route, hostname";

    /** The wait for each probe's answer, as ping -W 1. */
    private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(1);

    private static final int MAX_HOPS = 16;
    /** The interface name the views show: a simulated host has one NIC. */
    private static final String NIC = "eth0";

    private final SimulatedHost host;
    private final LocalPort port;

    SimulatedShell(SimulatedHost host, LocalPort port) {
        this.host = host;
        this.port = port;
    }

    /** Runs {@code command} within about {@code timeout}; exit code and output as a Linux host would give them. */
    ProbeResult run(List<String> command, Duration timeout) throws ExecutionException, InterruptedException {
        String program = command.isEmpty() ? "" : command.get(0);
        List<String> args = command.subList(Math.min(1, command.size()), command.size());
        try {
            return switch (program) {
                case "ping" -> ping(args, timeout);
                case "traceroute" -> traceroute(args);
                case "tcp", "udp" -> portProbe(program, args);
                case "ip" -> ip(args);
                case "hostname" -> done(0, port.name() + "\n", "");
                default ->
                    done(NOT_FOUND, "", program + ": command not found (a simulated instance runs " + KNOWN + ")\n");
            };
        } catch (IllegalArgumentException | IndexOutOfBoundsException e) {
            return done(2, "", program + ": " + (e.getMessage() == null ? "bad arguments" : e.getMessage()) + "\n");
        }
    }

    private ProbeResult ping(List<String> args, Duration timeout) throws ExecutionException, InterruptedException {
        int count = 3;
        int size = SimulatedHost.ECHO_DATA;
        boolean dontFragment = false;
        String target = null;
        for (int i = 0; i < args.size(); i++) {
            if (args.get(i).equals("-c")) {
                count = Integer.parseInt(args.get(++i));
            } else if (args.get(i).equals("-s")) {
                size = Integer.parseInt(args.get(++i));
            } else if (args.get(i).equals("-M")) {
                dontFragment = switch (args.get(++i)) {
                    case "do" -> true;
                    case "dont" -> false;
                    default -> throw new IllegalArgumentException("-M takes do or dont");
                };
            } else {
                target = args.get(i);
            }
        }
        if (target == null || count < 1) {
            throw new IllegalArgumentException("usage: ping [-c N] [-s SIZE] [-M do] TARGET");
        }
        // the whole run stays within the exec's timeout
        count = (int) Math.min(count, Math.max(1, timeout.toMillis() / PROBE_TIMEOUT.toMillis()));
        Ipv4Address address = Ipv4Address.parse(target);
        PingResult result =
                host.ping(address, count, PROBE_TIMEOUT, size, dontFragment).get();
        StringBuilder out = new StringBuilder(
                "PING " + address + " from " + host.ip() + " " + size + "(" + (size + 28) + ") bytes of data.\n");
        int sequence = 1;
        for (ProbeReply reply : result.probes()) {
            if (reply.kind() == ProbeReply.Kind.FRAGMENTATION_NEEDED) {
                out.append(String.format(
                        Locale.ROOT,
                        "From %s icmp_seq=%d Frag needed and DF set (mtu = %d)%n",
                        reply.from(),
                        sequence,
                        reply.nextHopMtu()));
            } else if (reply.answered()) {
                out.append(String.format(
                        Locale.ROOT,
                        "%d bytes from %s: icmp_seq=%d ttl=%d time=%.3f ms%n",
                        size + 8,
                        reply.from(),
                        sequence,
                        reply.ttl(),
                        reply.rtt().toNanos() / 1e6));
            } else {
                out.append("no answer: icmp_seq=").append(sequence).append('\n');
            }
            sequence++;
        }
        out.append(String.format(
                "--- %s ping statistics ---%n%d packets transmitted, %d received%n",
                address, result.probes().size(), result.received()));
        return done(result.received() > 0 ? 0 : 1, out.toString(), "");
    }

    private ProbeResult traceroute(List<String> args) throws ExecutionException, InterruptedException {
        Ipv4Address target = Ipv4Address.parse(args.get(0));
        TracerouteResult trace = host.traceroute(target, MAX_HOPS, TracerouteProbe.ICMP_ECHO, PROBE_TIMEOUT)
                .get();
        StringBuilder out = new StringBuilder("traceroute to " + target + ", " + MAX_HOPS + " hops max\n");
        int hop = 1;
        for (ProbeReply reply : trace.hops()) {
            out.append(String.format(Locale.ROOT, "%2d  ", hop++));
            out.append(
                    reply.answered()
                            ? String.format(
                                    Locale.ROOT,
                                    "%s  %.3f ms%n",
                                    reply.from(),
                                    reply.rtt().toNanos() / 1e6)
                            : "*\n");
        }
        return done(0, out.toString(), "");
    }

    private ProbeResult portProbe(String protocol, List<String> args) throws ExecutionException, InterruptedException {
        Ipv4Address target = Ipv4Address.parse(args.get(0));
        int number = Integer.parseInt(args.get(1));
        String outcome;
        if (protocol.equals("tcp")) {
            outcome = host.probeTcp(target, number, PROBE_TIMEOUT).get().name().toLowerCase(Locale.ROOT);
        } else {
            ProbeReply reply = host.udpRequest(
                            target, number, "vpclab-probe".getBytes(StandardCharsets.US_ASCII), PROBE_TIMEOUT)
                    .get();
            outcome = switch (reply.kind()) {
                case UDP_REPLY -> "open";
                case UNREACHABLE -> "closed";
                default -> "filtered";
            };
        }
        return done(outcome.equals("open") ? 0 : 1, target + " " + protocol + " " + number + ": " + outcome + "\n", "");
    }

    private ProbeResult ip(List<String> args) {
        String object = args.isEmpty() ? "" : args.get(0);
        if ("addr".startsWith(object) && !object.isEmpty() || object.equals("address")) {
            return done(0, addresses(), "");
        }
        if ("route".startsWith(object) && !object.isEmpty()) {
            return done(0, routes(), "");
        }
        return done(1, "", "ip: a simulated instance shows 'ip addr' and 'ip route'\n");
    }

    private String addresses() {
        StringBuilder out = new StringBuilder()
                .append("1: lo: <LOOPBACK,UP,LOWER_UP> mtu 65536\n")
                .append("    inet 127.0.0.1/8 scope host lo\n")
                .append("2: " + NIC + ": <BROADCAST,MULTICAST,UP,LOWER_UP> mtu ")
                .append(port.mtu())
                .append('\n')
                .append("    link/ether ")
                .append(port.mac())
                .append(" brd ff:ff:ff:ff:ff:ff\n");
        if (port.ipAddress() != null) {
            out.append("    inet ")
                    .append(port.ipAddress())
                    .append('/')
                    .append(port.prefixLength())
                    .append(" scope global " + NIC + "\n");
        }
        return out.toString();
    }

    private String routes() {
        StringBuilder out = new StringBuilder();
        if (port.gatewayIp() != null) {
            out.append("default via ").append(port.gatewayIp()).append(" dev " + NIC + "\n");
        }
        if (port.ipAddress() != null) {
            Ipv4Prefix subnet = new Ipv4Prefix(port.ipAddress().bits(), port.prefixLength());
            out.append(subnet)
                    .append(" dev " + NIC + " proto kernel scope link src ")
                    .append(port.ipAddress())
                    .append('\n');
        }
        return out.toString();
    }

    private static ProbeResult done(int exitCode, String stdout, String stderr) {
        return new ProbeResult()
                .sent(0)
                .received(0)
                .exitCode(exitCode)
                .stdout(stdout)
                .stderr(stderr)
                .timedOut(false)
                .outputTruncated(false);
    }
}
