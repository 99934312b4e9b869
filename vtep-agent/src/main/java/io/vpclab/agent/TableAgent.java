package io.vpclab.agent;

import io.vpclab.agent.port.PortProvisioner;
import io.vpclab.agent.table.TableFile;
import io.vpclab.agent.table.TableTranslator;
import io.vpclab.dataplane.port.FrameDevice;
import io.vpclab.dataplane.table.ForwardingState;
import io.vpclab.dataplane.table.TableHost;
import io.vpclab.dataplane.underlay.netty.NettyUdpUnderlay;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code --table FILE} mode: a static forwarding table on the data plane's {@link io.vpclab.dataplane.Vtep},
 * with the table's ports created here (TAP, namespace, simulated host) and removed on exit.
 *
 * <p>SIGHUP reloads the file. The new table is read, validated and translated completely before
 * anything changes; new ports are created before the swap and changed or removed ones retired
 * after it. On any error the running table and ports stay as they were.
 */
final class TableAgent implements RunningAgent {

    private static final Logger log = LoggerFactory.getLogger(TableAgent.class);

    private final Path file;
    private final PortedVtep ported;

    private TableAgent(Path file, PortedVtep ported) {
        this.file = file;
        this.ported = ported;
    }

    /** With every offload the kernel offers on the ports' TAPs (as {@code --offloads all}). */
    static TableAgent start(Path file) {
        return start(file, OffloadChoice.ALL);
    }

    static TableAgent start(Path file, OffloadChoice offloads) {
        return start(file, offloads, EventLoopChoice.ONE);
    }

    static TableAgent start(Path file, OffloadChoice offloads, EventLoopChoice loops) {
        ForwardingState state = load(file);
        TableHost host = state.host();
        List<NettyUdpUnderlay> underlays = loops.bindUnderlays(
                new InetSocketAddress(host.underlayIp().toInetAddress(), host.udpPort()),
                offloads.underlayOptions(host.underlayMtu()));
        TableAgent agent = new TableAgent(
                file,
                new PortedVtep(
                        EventLoopChoice.vtepOn(underlays),
                        new PortProvisioner(
                                SimulatedPorts::create,
                                state.maxInnerFrameLength() + 4,
                                offloads.tunFlags(),
                                underlays.size())));
        try {
            agent.ported.install(state);
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
        ForwardingState running = ported.state();
        if (!next.host().equals(running.host())) {
            throw new IllegalStateException("host (underlayIp, udpPort, underlayMtu) changed from " + running.host()
                    + " to " + next.host() + "; restart the agent to rebind the underlay");
        }
        ported.install(next);
        log.info("table {} reloaded: {}", file, next);
    }

    /** The instance side of a port (a simulated host, a TAP), or null; for tests and diagnostics. */
    FrameDevice device(String portId) {
        return ported.device(portId).orElse(null);
    }

    ForwardingState state() {
        return ported.vtep().state();
    }

    @Override
    public Map<String, Map<String, Long>> counterGroups() {
        return ported.counterGroups();
    }

    @Override
    public void close() {
        ported.close();
    }
}
