package io.vpclab.agent;

import io.vpclab.agent.stats.CounterFormat;
import io.vpclab.agent.stats.StatsServer;
import io.vpclab.client.ApiException;
import io.vpclab.client.model.InstanceKind;
import io.vpclab.net.Vni;
import io.vpclab.net.VxlanSpec;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import sun.misc.Signal;

/**
 * The VTEP agent's command line. With a control plane: {@code --control-plane URL --token T
 * --underlay-ip A} registers this machine as a host and forwards by the tables it streams.
 * Standalone modes, for tunnels without a control plane: {@code --tap NAME --vni N --local IP
 * --remote IP} (one point-to-point tunnel on an existing TAP) or {@code --table FILE} (a static
 * forwarding table). Counters are printed on SIGTERM and on SIGUSR2, and served by
 * {@code --stats-port}.
 */
@Command(
        name = "vpclab-agent",
        mixinStandardHelpOptions = true,
        version = "vpclab-agent 0.1",
        description = "VPC Lab VTEP agent: VXLAN (RFC 7348) between TAP devices, network namespaces and remote VTEPs.")
public final class AgentMain implements Callable<Integer> {

    private static final Logger log = LoggerFactory.getLogger(AgentMain.class);

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--tap", paramLabel = "NAME", description = "Existing TAP device for a point-to-point tunnel.")
    String tap;

    @Option(names = "--vni", paramLabel = "N", description = "VNI of the point-to-point tunnel, " + Vni.RANGE + ".")
    Integer vni;

    @Option(names = "--local", paramLabel = "IP", description = "Underlay IPv4 address to bind and send from.")
    InetAddress local;

    @Option(names = "--remote", paramLabel = "IP", description = "Underlay IPv4 address of the remote VTEP.")
    InetAddress remote;

    @Option(
            names = "--port",
            paramLabel = "PORT",
            defaultValue = "" + VxlanSpec.UDP_PORT,
            description = "VXLAN UDP port (default ${DEFAULT-VALUE}, RFC 7348; the Linux default is 8472).")
    int port;

    @Option(
            names = "--mtu",
            paramLabel = "BYTES",
            defaultValue = "1500",
            description = "Underlay MTU (default ${DEFAULT-VALUE}); inner frames up to MTU - 50 + 14 bytes pass.")
    int mtu;

    @Option(
            names = "--offloads",
            paramLabel = "LIST",
            defaultValue = "all",
            description = "all (default), none, or a list of csum,tso,uso,udp-gso,udp-gro. Each is probed at start-up "
                    + "and used only where the kernel has it; none is the plain path. csum, tso and uso apply to every "
                    + "TAP (point-to-point, and the netns/tap ports of --table and --control-plane); udp-gso and "
                    + "udp-gro to the underlay socket of every mode.")
    String offloads;

    @Option(
            names = "--event-loops",
            paramLabel = "N|auto",
            defaultValue = "auto",
            description = "Event loops of the data plane: a number, or auto (default) = min(cores, 4); in every "
                    + "mode. One underlay socket each (SO_REUSEPORT on one port) and one queue each of every TAP "
                    + "(multi-queue), so each flow stays on one loop. A --tap device made elsewhere must be "
                    + "multi_queue to get more than one loop.")
    String eventLoops;

    @Option(
            names = "--table",
            paramLabel = "FILE",
            description = "Static forwarding table (YAML or JSON, schema ForwardingTable).")
    Path table;

    @Option(
            names = "--control-plane",
            paramLabel = "URL[,URL...]",
            split = ",",
            description = "Follow this control plane (e.g. http://10.0.0.1:8080): register, then forward by its tables."
                    + " Several URLs are replicas of one control plane: the agent uses the first and moves to the"
                    + " next when the current one fails, forwarding all along.")
    List<URI> controlPlane;

    @Option(
            names = "--token",
            paramLabel = "TOKEN",
            defaultValue = "${env:VPCLAB_TOKEN}",
            description = "Bootstrap (or admin) token for the first registration (default: $VPCLAB_TOKEN).")
    String token;

    @Option(
            names = "--underlay-ip",
            paramLabel = "IP",
            description = "This host's underlay IPv4 address, registered with the control plane and bound for VXLAN.")
    InetAddress underlayIp;

    @Option(
            names = "--name",
            paramLabel = "NAME",
            description = "Host name to register (default: this machine's hostname).")
    String name;

    @Option(
            names = "--state-file",
            paramLabel = "FILE",
            description =
                    "Where the host token issued at registration is kept (default: vpclab-agent-NAME.properties).")
    Path stateFile;

    @Option(
            names = "--capabilities",
            paramLabel = "KIND",
            split = ",",
            description = "Instance kinds this host runs: simulated, netns, tap (default: all three as root with "
                    + "/dev/net/tun, else simulated).")
    List<String> capabilities;

    @Option(
            names = "--stats-port",
            paramLabel = "PORT",
            description =
                    "Serve /counters (JSON), /metrics (Prometheus) and /table (the applied table) on 127.0.0.1:PORT.")
    Integer statsPort;

    @Option(
            names = "--stats-interval",
            paramLabel = "SECONDS",
            defaultValue = "1",
            description = "With --control-plane: post counters to it every SECONDS (default ${DEFAULT-VALUE}; "
                    + "fractions allowed; 0 = never).")
    double statsIntervalSeconds;

    private final PrintStream out;

    AgentMain(PrintStream out) {
        this.out = out;
    }

    public static void main(String[] args) {
        // leak sampling records a stack trace per sampled buffer: a cost per packet the data
        // plane does not pay in production; -Dio.netty.leakDetection.level=paranoid turns it on
        if (System.getProperty("io.netty.leakDetection.level") == null
                && System.getProperty("io.netty.leakDetectionLevel") == null) {
            System.setProperty("io.netty.leakDetection.level", "disabled");
        }
        CommandLine commandLine = commandLine(System.out);
        System.exit(commandLine.execute(args));
    }

    /** The command line with its error handling: an expected failure is one clear line, no stack trace. */
    static CommandLine commandLine(PrintStream out) {
        CommandLine commandLine = new CommandLine(new AgentMain(out));
        commandLine.setExecutionExceptionHandler((e, cmd, parseResult) -> {
            cmd.getErr().println("vpclab-agent: " + e.getMessage());
            log.debug("failure", e);
            return 1;
        });
        return commandLine;
    }

    @Override
    public Integer call() throws InterruptedException, ApiException {
        RunningAgent agent = startMode();
        StatsServer stats = statsPort == null ? null : StatsServer.start(statsPort, agent, agent::appliedTableJson);
        CountDownLatch stopped = new CountDownLatch(1);
        AtomicBoolean closing = new AtomicBoolean();
        AtomicReference<String> failure = new AtomicReference<>();
        agent.failure().thenAccept(message -> {
            failure.set(message);
            stopped.countDown();
        });
        Signal.handle(new Signal("USR2"), signal -> printCounters(agent));
        Signal.handle(new Signal("HUP"), signal -> {
            try {
                agent.reload();
            } catch (RuntimeException e) {
                log.error("reload refused, the running table stays: {}", e.getMessage());
            }
        });
        Runnable shutdown = () -> {
            if (closing.compareAndSet(false, true)) {
                printCounters(agent);
                if (stats != null) {
                    stats.close();
                }
                agent.close();
                out.println("stopped");
                out.flush();
            }
        };
        // SIGTERM and SIGINT end the wait below, so the agent exits 0 after a clean stop; the
        // hook covers every other way the JVM ends (System.exit elsewhere, SIGHUP without handler)
        Signal.handle(new Signal("TERM"), signal -> stopped.countDown());
        Signal.handle(new Signal("INT"), signal -> stopped.countDown());
        Runtime.getRuntime().addShutdownHook(new Thread(shutdown, "agent-shutdown"));
        out.println("ready" + (stats == null ? "" : " stats-port=" + stats.port()));
        out.flush();
        stopped.await();
        shutdown.run();
        if (failure.get() != null) {
            spec.commandLine().getErr().println("vpclab-agent: " + failure.get());
            return 1;
        }
        return 0;
    }

    private RunningAgent startMode() throws ApiException {
        OffloadChoice choice;
        EventLoopChoice loops;
        try {
            choice = OffloadChoice.parse(offloads);
            loops = EventLoopChoice.parse(eventLoops);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
        boolean pointToPoint = tap != null || vni != null || local != null || remote != null;
        if (controlPlane != null) {
            if (table != null || pointToPoint) {
                throw new CommandLine.ParameterException(
                        spec.commandLine(),
                        "--control-plane cannot be combined with --table or --tap/--vni/--local/--remote");
            }
            for (URI replica : controlPlane) {
                if (replica.getHost() == null
                        || !("http".equals(replica.getScheme()) || "https".equals(replica.getScheme()))) {
                    throw new CommandLine.ParameterException(
                            spec.commandLine(),
                            "--control-plane: '" + replica + "' is not an http(s) URL such as http://10.0.0.1:8080");
                }
            }
            return followControlPlane(choice, loops);
        }
        if (table != null && pointToPoint) {
            throw new CommandLine.ParameterException(
                    spec.commandLine(), "--table cannot be combined with --tap/--vni/--local/--remote");
        }
        if (table != null) {
            return TableAgent.start(table, choice, loops);
        }
        if (tap == null || vni == null || local == null || remote == null) {
            throw new CommandLine.ParameterException(
                    spec.commandLine(), "give --table FILE, or all of --tap, --vni, --local and --remote");
        }
        if (!Vni.isValid(vni)) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--vni must be " + Vni.RANGE + ", got " + vni);
        }
        if (port < 1 || port > 65535) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--port must be 1..65535, got " + port);
        }
        if (mtu < 1280 || mtu > 65535) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--mtu must be 1280..65535, got " + mtu);
        }
        return PointToPointAgent.start(tap, vni, local, remote, port, mtu, choice, loops);
    }

    private RunningAgent followControlPlane(OffloadChoice offloads, EventLoopChoice loops) throws ApiException {
        if (underlayIp == null) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--control-plane needs --underlay-ip");
        }
        String hostName = name != null ? name : localHostName();
        Path state = stateFile != null ? stateFile : Path.of("vpclab-agent-" + hostName + ".properties");
        if (token == null && !Files.isRegularFile(state)) {
            throw new CommandLine.ParameterException(
                    spec.commandLine(),
                    "the first registration needs --token (or VPCLAB_TOKEN); later starts reuse " + state);
        }
        if (!(statsIntervalSeconds >= 0 && statsIntervalSeconds <= 86_400)) {
            throw new CommandLine.ParameterException(
                    spec.commandLine(), "--stats-interval must be 0..86400 seconds, got " + statsIntervalSeconds);
        }
        Duration statsInterval = Duration.ofNanos(Math.round(statsIntervalSeconds * 1e9));
        return FollowAgent.start(FollowAgent.Options.builder(
                        controlPlane.get(0),
                        token == null ? "" : token,
                        hostName,
                        underlayIp.getHostAddress(),
                        port,
                        state)
                .otherControlPlanes(controlPlane.subList(1, controlPlane.size()))
                .underlayMtu(mtu)
                .capabilities(kinds())
                .statsInterval(statsInterval)
                .offloads(offloads)
                .eventLoops(loops)
                .build());
    }

    private List<InstanceKind> kinds() {
        if (capabilities == null || capabilities.isEmpty()) {
            boolean root = new com.sun.security.auth.module.UnixSystem().getUid() == 0;
            return root && Files.exists(Path.of("/dev/net/tun"))
                    ? List.of(InstanceKind.SIMULATED, InstanceKind.NETNS, InstanceKind.TAP)
                    : List.of(InstanceKind.SIMULATED);
        }
        try {
            return capabilities.stream().map(InstanceKind::fromValue).toList();
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(
                    spec.commandLine(), "--capabilities takes simulated, netns and tap: " + e.getMessage());
        }
    }

    private static String localHostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (java.net.UnknownHostException e) {
            return "vpclab-agent";
        }
    }

    private void printCounters(RunningAgent agent) {
        out.println("counters " + CounterFormat.json(agent.counterGroups()));
        out.flush();
    }
}
