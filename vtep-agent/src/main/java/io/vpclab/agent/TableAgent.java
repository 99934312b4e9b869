package io.vpclab.agent;

import io.vpclab.agent.port.PortProvisioner;
import io.vpclab.agent.port.ProvisionedPort;
import io.vpclab.agent.table.TableFile;
import io.vpclab.agent.table.TableTranslator;
import io.vpclab.dataplane.Vtep;
import io.vpclab.dataplane.stats.CountersSnapshot;
import io.vpclab.dataplane.stats.TrafficSnapshot;
import io.vpclab.dataplane.table.ForwardingState;
import io.vpclab.dataplane.table.LocalPort;
import io.vpclab.dataplane.table.TableHost;
import io.vpclab.dataplane.underlay.netty.NettyUdpUnderlay;
import io.vpclab.dataplane.underlay.netty.UnderlayOptions;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code --table FILE} mode: a static forwarding table on the data plane's {@link Vtep},
 * with the table's ports created here (TAP, namespace, simulated host) and removed on exit.
 *
 * <p>SIGHUP reloads the file. The new table is read, validated and translated completely before
 * anything changes; new ports are created before the swap and changed or removed ones retired
 * after it. On any error the running table and ports stay as they were.
 */
final class TableAgent implements RunningAgent {

    private static final Logger log = LoggerFactory.getLogger(TableAgent.class);

    private final Path file;
    private final Vtep vtep;
    private final PortProvisioner provisioner;
    private final Map<String, ProvisionedPort> ports = new LinkedHashMap<>();
    private ForwardingState state;

    private TableAgent(Path file, Vtep vtep, PortProvisioner provisioner) {
        this.file = file;
        this.vtep = vtep;
        this.provisioner = provisioner;
    }

    static TableAgent start(Path file) {
        ForwardingState state = load(file);
        TableHost host = state.host();
        NettyUdpUnderlay underlay = NettyUdpUnderlay.bind(
                new InetSocketAddress(host.underlayIp().toInetAddress(), host.udpPort()),
                UnderlayOptions.forUnderlayMtu(host.underlayMtu()));
        Vtep vtep = new Vtep(underlay);
        TableAgent agent = new TableAgent(file, vtep,
                new PortProvisioner(SimulatedPorts::create, state.maxInnerFrameLength() + 4));
        try {
            agent.install(state);
        } catch (RuntimeException e) {
            agent.close();
            throw e;
        }
        log.info("table {} applied: {}", file, state);
        return agent;
    }

    private static ForwardingState load(Path file) {
        return TableTranslator.translate(file.toString(), TableFile.read(file));
    }

    @Override
    public synchronized void reload() {
        ForwardingState next = load(file);
        if (!next.host().equals(state.host())) {
            throw new IllegalStateException("host (underlayIp, udpPort, underlayMtu) changed from " + state.host()
                    + " to " + next.host() + "; restart the agent to rebind the underlay");
        }
        install(next);
        log.info("table {} reloaded: {}", file, next);
    }

    /** New ports first (undone on failure), then the atomic swap, then retire what left. */
    private void install(ForwardingState next) {
        Map<String, LocalPort> wanted = new LinkedHashMap<>();
        next.ports().forEach(p -> wanted.put(p.id(), p));
        List<String> retired = new ArrayList<>();
        if (state != null) {
            for (LocalPort old : state.ports()) {
                if (!old.equals(wanted.get(old.id()))) {
                    retired.add(old.id());
                }
            }
        }
        // a changed port is recreated, so its old device must go before the new one takes its name
        for (String id : retired) {
            if (wanted.containsKey(id)) {
                retire(id);
            }
        }
        List<ProvisionedPort> created = new ArrayList<>();
        try {
            for (LocalPort port : wanted.values()) {
                if (!ports.containsKey(port.id())) {
                    created.add(provisioner.provision(port));
                }
            }
        } catch (RuntimeException e) {
            created.forEach(ProvisionedPort::close);
            throw e;
        }
        vtep.apply(next);
        for (ProvisionedPort port : created) {
            ports.put(port.portId(), port);
            vtep.attachPort(port.portId(), port.device());
        }
        for (String id : retired) {
            if (!wanted.containsKey(id)) {
                retire(id);
            }
        }
        state = next;
    }

    /** The instance side of a port (a simulated host, a TAP), or null; for tests and diagnostics. */
    synchronized io.vpclab.dataplane.port.FrameDevice device(String portId) {
        ProvisionedPort port = ports.get(portId);
        return port == null ? null : port.device();
    }

    ForwardingState state() {
        return vtep.state();
    }

    private void retire(String portId) {
        ProvisionedPort port = ports.remove(portId);
        if (port != null) {
            // the VTEP closes the device it owned; what is left is the namespace
            if (!vtep.detachPort(portId)) {
                port.close();
            }
            port.removeCreated();
        }
    }

    @Override
    public Map<String, Map<String, Long>> counterGroups() {
        CountersSnapshot counters = vtep.counters();
        Map<String, Map<String, Long>> groups = new LinkedHashMap<>();
        groups.put("host", flat(counters.host()));
        counters.segments().entrySet().stream().sorted(Map.Entry.comparingByKey())
                .forEach(e -> groups.put("segment/" + e.getKey(), flat(e.getValue())));
        counters.ports().entrySet().stream().sorted(Map.Entry.comparingByKey())
                .forEach(e -> groups.put("port/" + e.getKey(), flat(e.getValue())));
        return groups;
    }

    private static Map<String, Long> flat(TrafficSnapshot s) {
        Map<String, Long> values = new LinkedHashMap<>();
        values.put("packetsIn", s.packetsIn());
        values.put("bytesIn", s.bytesIn());
        values.put("packetsOut", s.packetsOut());
        values.put("bytesOut", s.bytesOut());
        values.put("floods", s.floods());
        values.put("arpRepliesSuppressed", s.arpRepliesSuppressed());
        s.drops().forEach((reason, count) -> values.put("drop" + camel(reason.name()), count));
        return values;
    }

    private static String camel(String upperSnake) {
        StringBuilder out = new StringBuilder();
        for (String part : upperSnake.toLowerCase().split("_")) {
            if (!part.isEmpty()) {
                out.append(Character.toUpperCase(part.charAt(0))).append(part.substring(1));
            }
        }
        return out.toString();
    }

    @Override
    public synchronized void close() {
        try {
            vtep.close();
        } finally {
            // the VTEP closed the devices; remove namespaces and the rest
            ports.values().forEach(ProvisionedPort::removeCreated);
            ports.clear();
        }
    }
}
