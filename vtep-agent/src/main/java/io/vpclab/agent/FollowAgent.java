package io.vpclab.agent;

import io.vpclab.agent.capture.AgentCaptures;
import io.vpclab.agent.capture.CaptureUplink;
import io.vpclab.agent.port.PortProvisioner;
import io.vpclab.agent.southbound.ControlPlaneEndpoint;
import io.vpclab.agent.southbound.FlowLogReporter;
import io.vpclab.agent.southbound.HostIdentity;
import io.vpclab.agent.southbound.HostRegistrar;
import io.vpclab.agent.southbound.StatsReporter;
import io.vpclab.agent.southbound.TableStreamFollower;
import io.vpclab.agent.southbound.TokenRefusedException;
import io.vpclab.agent.stats.ConnectionStatsSection;
import io.vpclab.agent.stats.IoStatsSection;
import io.vpclab.agent.stats.LoopStatsSection;
import io.vpclab.agent.stats.NatGatewayStatsSection;
import io.vpclab.agent.stats.SecurityPolicyStatsSection;
import io.vpclab.agent.stats.StatsSection;
import io.vpclab.agent.stats.TrafficStatsSection;
import io.vpclab.agent.stats.VpnTunnelStatsSection;
import io.vpclab.agent.stats.WhitelistStatsSection;
import io.vpclab.agent.table.TableRefusedException;
import io.vpclab.agent.table.TableTranslator;
import io.vpclab.client.ApiException;
import io.vpclab.client.document.DocumentProblem;
import io.vpclab.client.model.ForwardingTable;
import io.vpclab.client.model.InstanceKind;
import io.vpclab.client.model.ProbeRequest;
import io.vpclab.client.model.ProbeResult;
import io.vpclab.dataplane.table.ForwardingState;
import io.vpclab.dataplane.table.TableHost;
import io.vpclab.dataplane.tap.TapDevice;
import io.vpclab.dataplane.underlay.netty.NettyUdpUnderlay;
import io.vpclab.net.Ipv4Address;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.ObjectMapper;

/**
 * The control-plane mode, and the agent's public entry point for embedding (the all-in-one
 * demo starts its agents through {@link #start}): register as a host, bind the underlay, and
 * forward by whatever table the control plane streams. Until the first snapshot arrives the
 * VTEP's table is empty, so a restarted agent forwards nothing it was not told to.
 */
public final class FollowAgent implements RunningAgent {

    private static final Logger log = LoggerFactory.getLogger(FollowAgent.class);
    /** How long a start waits for the control plane's first answer on the table stream (a refused token stops the start). */
    static final Duration FIRST_ANSWER_WAIT = Duration.ofSeconds(10);

    /**
     * @param token        bootstrap or admin token; used only when the state file holds no identity
     * @param stateFile    where the host token issued at registration is kept (mode 0600)
     * @param capabilities instance kinds this host can run
     * @param statsInterval how often counters are posted to the control plane; zero turns reports off
     * @param otherControlPlanes replicas of the same control plane, tried in order after {@code controlPlane} fails
     */
    public record Options(
            URI controlPlane,
            String token,
            String name,
            String underlayIp,
            int udpPort,
            int underlayMtu,
            Path stateFile,
            List<InstanceKind> capabilities,
            Duration statsInterval,
            OffloadChoice offloads,
            EventLoopChoice eventLoops,
            List<URI> otherControlPlanes) {

        public static final Duration DEFAULT_STATS_INTERVAL = Duration.ofSeconds(1);

        public Options {
            Objects.requireNonNull(controlPlane, "controlPlane");
            Objects.requireNonNull(token, "token");
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(underlayIp, "underlayIp");
            Objects.requireNonNull(stateFile, "stateFile");
            Objects.requireNonNull(statsInterval, "statsInterval");
            Objects.requireNonNull(offloads, "offloads");
            Objects.requireNonNull(eventLoops, "eventLoops");
            capabilities = List.copyOf(capabilities);
            otherControlPlanes = List.copyOf(otherControlPlanes);
        }

        /** Every replica, {@code controlPlane} first. */
        public List<URI> controlPlanes() {
            List<URI> all = new java.util.ArrayList<>();
            all.add(controlPlane);
            all.addAll(otherControlPlanes);
            return all;
        }

        /**
         * Options for host {@code name} on {@code underlayIp:udpPort}, keeping its identity in
         * {@code stateFile}; the rest starts at the defaults of {@link Builder}.
         */
        public static Builder builder(
                URI controlPlane, String token, String name, String underlayIp, int udpPort, Path stateFile) {
            return new Builder(controlPlane, token, name, underlayIp, udpPort, stateFile);
        }
    }

    /**
     * The optional part of {@link Options}: an Ethernet underlay MTU of 1500, simulated instances
     * only, counters every {@link Options#DEFAULT_STATS_INTERVAL}, and every offload the kernel
     * offers on the instances' TAPs (as {@code --offloads all}), on one event loop.
     */
    public static final class Builder {
        private final URI controlPlane;
        private final String token;
        private final String name;
        private final String underlayIp;
        private final int udpPort;
        private final Path stateFile;
        private int underlayMtu = 1500;
        private List<InstanceKind> capabilities = List.of(InstanceKind.SIMULATED);
        private Duration statsInterval = Options.DEFAULT_STATS_INTERVAL;
        private OffloadChoice offloads = OffloadChoice.ALL;
        private EventLoopChoice eventLoops = EventLoopChoice.ONE;
        private List<URI> otherControlPlanes = List.of();

        private Builder(URI controlPlane, String token, String name, String underlayIp, int udpPort, Path stateFile) {
            this.controlPlane = controlPlane;
            this.token = token;
            this.name = name;
            this.underlayIp = underlayIp;
            this.udpPort = udpPort;
            this.stateFile = stateFile;
        }

        public Builder underlayMtu(int underlayMtu) {
            this.underlayMtu = underlayMtu;
            return this;
        }

        public Builder capabilities(List<InstanceKind> capabilities) {
            this.capabilities = capabilities;
            return this;
        }

        public Builder statsInterval(Duration statsInterval) {
            this.statsInterval = statsInterval;
            return this;
        }

        public Builder offloads(OffloadChoice offloads) {
            this.offloads = offloads;
            return this;
        }

        public Builder eventLoops(EventLoopChoice eventLoops) {
            this.eventLoops = eventLoops;
            return this;
        }

        /** Replicas of the same control plane (sharing its database), tried in order when the current one fails. */
        public Builder otherControlPlanes(List<URI> otherControlPlanes) {
            this.otherControlPlanes = otherControlPlanes;
            return this;
        }

        public Options build() {
            return new Options(
                    controlPlane,
                    token,
                    name,
                    underlayIp,
                    udpPort,
                    underlayMtu,
                    stateFile,
                    capabilities,
                    statsInterval,
                    offloads,
                    eventLoops,
                    otherControlPlanes);
        }
    }

    private final HostIdentity identity;
    private final PortedVtep ported;
    private final TableHost bound;
    private final TableStreamFollower follower;
    private final AgentProbes probes;
    private final AgentCaptures captures;
    private final StatsReporter stats;
    private final FlowLogReporter flowLogs;
    private final CompletableFuture<String> failure;
    private final ObjectMapper json;
    private final IoStatsSection io;
    private final ConnectionStatsSection connections;

    private FollowAgent(Options options, HostIdentity identity, PortedVtep ported, IoStatsSection io) {
        this.identity = identity;
        this.ported = ported;
        this.io = io;
        this.connections = new ConnectionStatsSection(
                ported.vtep()::connections, ported.vtep()::counters, ported.vtep()::natGateways);
        this.bound = new TableHost(Ipv4Address.parse(options.underlayIp()), options.udpPort(), options.underlayMtu());
        ControlPlaneEndpoint endpoint = new ControlPlaneEndpoint(options.controlPlanes(), identity.token());
        this.json = endpoint.apiClient().getObjectMapper();
        this.probes = new AgentProbes(ported);
        this.captures = new AgentCaptures(ported.vtep(), new CaptureUplink(endpoint, identity.hostId()));
        this.follower = new TableStreamFollower(endpoint, identity.hostId(), this::apply, probes, captures::handle);
        this.stats = new StatsReporter(endpoint, identity.hostId(), statsSections(ported, io, connections));
        this.flowLogs = new FlowLogReporter(
                endpoint,
                identity.hostId(),
                follower::appliedTable,
                ported.vtep()::drainFlowCounts,
                System::nanoTime,
                java.time.Clock.systemUTC());
        this.failure = follower.tokenRefused().thenApply(status -> refusedHostToken(options, identity, status));
    }

    private static String refusedHostToken(Options options, HostIdentity identity, int status) {
        return "the control plane at "
                + String.join(
                        ",", options.controlPlanes().stream().map(URI::toString).toList())
                + " refused the token of host " + identity.hostId()
                + " (HTTP " + status + "), saved in " + options.stateFile() + ": the host was deregistered or the"
                + " server's data was reset. Delete " + options.stateFile() + " and start again with --token to"
                + " register anew";
    }

    /** What the counters report is made of, in report order. */
    private static List<StatsSection> statsSections(
            PortedVtep ported, IoStatsSection io, ConnectionStatsSection connections) {
        return List.of(
                new TrafficStatsSection(ported.vtep()::counters),
                new WhitelistStatsSection(ported.vtep()::whitelistCounters),
                new SecurityPolicyStatsSection(ported.vtep()::securityPolicyCounters),
                new NatGatewayStatsSection(ported.vtep()::natGateways),
                new LoopStatsSection(ported.vtep()::countersPerLoop),
                new VpnTunnelStatsSection(ported::vpnGateways),
                io,
                connections);
    }

    /** Registers (or reuses the saved identity), binds the underlay and starts following. */
    public static FollowAgent start(Options options) throws ApiException {
        HostIdentity identity = new HostRegistrar(
                        new ControlPlaneEndpoint(options.controlPlanes(), options.token()), options.stateFile())
                .identity(
                        options.name(),
                        options.underlayIp(),
                        options.udpPort(),
                        options.underlayMtu(),
                        options.capabilities());
        List<NettyUdpUnderlay> underlays = options.eventLoops()
                .bindUnderlays(
                        new InetSocketAddress(options.underlayIp(), options.udpPort()),
                        options.offloads().underlayOptions(options.underlayMtu()));
        PortProvisioner provisioner = new PortProvisioner(
                SimulatedPorts::create,
                options.underlayMtu(),
                options.offloads().tunFlags(),
                underlays.size());
        PortedVtep ported = new PortedVtep(EventLoopChoice.vtepOn(underlays), provisioner);
        FollowAgent agent =
                new FollowAgent(options, identity, ported, new IoStatsSection(underlays, provisioner.tapIo()));
        agent.follower.start();
        try {
            // a refused token stops the start; a control plane that is down is retried with backoff
            agent.follower.awaitFirstAnswer(FIRST_ANSWER_WAIT);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        String refused = agent.failure.getNow(null);
        if (refused != null) {
            agent.close();
            throw new TokenRefusedException(refused);
        }
        agent.stats.start(options.statsInterval());
        agent.flowLogs.start();
        log.info(
                "agent {} is host {}, underlay {}:{}, following {}",
                options.name(),
                identity.hostId(),
                options.underlayIp(),
                options.udpPort(),
                options.controlPlanes());
        return agent;
    }

    /** True when this process can open TAP devices (Linux, root or CAP_NET_ADMIN): netns and tap instances. */
    public static boolean canOpenTaps() {
        return TapDevice.isSupported();
    }

    public String hostId() {
        return identity.hostId();
    }

    /** The generation of the last table applied whole, or -1 before the first snapshot. */
    public long appliedGeneration() {
        ForwardingTable table = follower.appliedTable();
        return table == null ? -1 : table.getGeneration();
    }

    /** The table applied last, or null before the first snapshot. */
    public ForwardingTable appliedTable() {
        return follower.appliedTable();
    }

    @Override
    public String appliedTableJson() {
        ForwardingTable table = follower.appliedTable();
        return table == null ? null : json.writeValueAsString(table);
    }

    /** Posts a counters report now (tests and shutdown use it; the reporter also posts on its own). */
    public void reportStats() throws ApiException {
        stats.report();
    }

    /** Drains and posts every covered port's flow-log records now, whatever their interval (tests use it). */
    public void reportFlowLogs() throws ApiException {
        flowLogs.flush();
    }

    public boolean isConnected() {
        return follower.isConnected();
    }

    /** Completes with a message when the agent cannot go on: the control plane refused its host token. */
    @Override
    public CompletionStage<String> failure() {
        return failure;
    }

    /** Runs a probe from one of this agent's ports directly, without the control plane. */
    public ProbeResult probe(ProbeRequest request) {
        return probes.run(request);
    }

    private void apply(ForwardingTable table) {
        String source = "generation " + table.getGeneration();
        ForwardingState next = TableTranslator.translate(source, table);
        if (!next.host().equals(bound)) {
            throw new TableRefusedException(
                    source,
                    List.of(DocumentProblem.at(
                            "/host",
                            "table is for underlay "
                                    + next.host() + " but this agent is bound to " + bound
                                    + "; re-register the host or restart the agent with matching options")));
        }
        try {
            ported.install(next);
        } catch (RuntimeException portFailure) {
            throw new IllegalArgumentException(portFailure.getMessage(), portFailure);
        }
    }

    @Override
    public Map<String, Map<String, Long>> counterGroups() {
        Map<String, Map<String, Long>> groups = ported.counterGroups();
        groups.put("io", io.counters());
        groups.putAll(connections.counterGroups());
        return groups;
    }

    @Override
    public void close() {
        try {
            stats.close();
            flowLogs.close();
            follower.close();
            captures.close();
        } finally {
            ported.close();
        }
    }
}
