package io.vpclab.agent.port;

import static io.vpclab.agent.port.IpCommand.ip;
import static io.vpclab.agent.port.IpCommand.ipQuietly;

import io.netty.buffer.PooledByteBufAllocator;
import io.vpclab.dataplane.port.FrameDevice;
import io.vpclab.dataplane.port.MultiQueueDevice;
import io.vpclab.dataplane.table.LocalPort;
import io.vpclab.dataplane.tap.SegmentingTapPort;
import io.vpclab.dataplane.tap.TapDevice;
import io.vpclab.dataplane.tap.TapException;
import io.vpclab.dataplane.tap.TapIoTotals;
import io.vpclab.net.Ipv4Address;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates the instance side of a port by kind, with iproute2 (the agent runs as root):
 * <ul>
 *   <li>{@code simulated}: an in-process host from the given factory;</li>
 *   <li>{@code tap}: a TAP named {@code device} (or derived from the id), up, for a VM or container;</li>
 *   <li>{@code netns}: a namespace ({@code namespace}, or derived) holding a TAP created here and
 *       moved in (the fd stays attached), with the port's MAC, address/prefix, MTU, default route
 *       via its gateway, and {@code lo} up: a real Linux host for ping, curl and iperf3.</li>
 * </ul>
 * TAPs are opened with the virtio-net header and the offloads asked for when the kernel grants
 * them ({@link SegmentingTapPort}), else plain. A step that fails undoes the steps before it and
 * reports the command's stderr. Used by the
 * static table mode now and by the southbound when the control plane pushes ports.
 */
public final class PortProvisioner {

    private static final Logger log = LoggerFactory.getLogger(PortProvisioner.class);

    /** How long processes left in a removed namespace get to end on SIGTERM before SIGKILL. */
    static final Duration PROCESS_GRACE = Duration.ofSeconds(2);

    /** How long a new netns port waits for another agent of this machine to remove its namespace (a move). */
    static final Duration NAMESPACE_HANDOVER = Duration.ofSeconds(15);

    private static final Duration HANDOVER_POLL = Duration.ofMillis(50);
    private static final Path NETNS_DIR = Path.of("/run/netns");

    /** Ethernet header and an 802.1Q tag: what a frame may carry beyond its MTU. */
    private static final int ETHERNET_AND_TAG = 18;

    private final Function<LocalPort, FrameDevice> simulatedHosts;
    private final int maxFrameBytes;
    private final int tapOffloadFlags;
    private final int tapQueues;
    private final TapIoTotals tapIo = new TapIoTotals();
    private Duration namespaceHandover = NAMESPACE_HANDOVER;

    /** Plain TAPs: one frame per read, no virtio-net header. */
    public PortProvisioner(Function<LocalPort, FrameDevice> simulatedHosts, int maxFrameBytes) {
        this(simulatedHosts, maxFrameBytes, 0);
    }

    /**
     * @param simulatedHosts  creates the in-process host of a {@code simulated} port
     * @param maxFrameBytes   largest frame a TAP reads at least (the underlay's inner frame limit);
     *                        more when the port's MTU allows more (see {@link #readLimit})
     * @param tapOffloadFlags the {@code TUN_F_*} offloads to ask each TAP for (probed, see
     *                        {@link TapDevice#openWithOffloads}); 0 opens plain TAPs
     */
    public PortProvisioner(Function<LocalPort, FrameDevice> simulatedHosts, int maxFrameBytes, int tapOffloadFlags) {
        this(simulatedHosts, maxFrameBytes, tapOffloadFlags, 1);
    }

    /**
     * As above, with TAPs of {@code tapQueues} queues ({@code IFF_MULTI_QUEUE}): one per event
     * loop of the VTEP the ports are attached to.
     */
    public PortProvisioner(
            Function<LocalPort, FrameDevice> simulatedHosts, int maxFrameBytes, int tapOffloadFlags, int tapQueues) {
        if (tapQueues < 1) {
            throw new IllegalArgumentException("tapQueues must be >= 1, got " + tapQueues);
        }
        this.simulatedHosts = Objects.requireNonNull(simulatedHosts, "simulatedHosts");
        this.maxFrameBytes = maxFrameBytes;
        this.tapOffloadFlags = tapOffloadFlags;
        this.tapQueues = tapQueues;
    }

    /** How long a netns port waits for a namespace of its name to go before it is refused (tests shorten it). */
    void namespaceHandover(Duration wait) {
        this.namespaceHandover = wait;
    }

    public ProvisionedPort provision(LocalPort port) {
        return switch (port.kind()) {
            case SIMULATED -> new Created(port.id(), simulatedHosts.apply(port), () -> {});
            case TAP -> tap(port);
            case NETNS -> netns(port);
            case NAT_GATEWAY ->
                throw new IllegalArgumentException("port " + port.id()
                        + ": a nat-gateway port is served by the data plane and has no device to provision");
            case VPN_GATEWAY ->
                throw new IllegalArgumentException(
                        "port " + port.id() + ": a vpn-gateway port's device comes from its table (VpnGatewayPorts)");
        };
    }

    private ProvisionedPort tap(LocalPort port) {
        String device = PortNames.device(port);
        FrameDevice tap = openTap(port, device);
        try {
            ip("link", "set", "dev", device, "mtu", Integer.toString(port.mtu()), "up");
        } catch (PortSetupException e) {
            tap.close();
            throw new PortSetupException("port " + port.id() + ": " + e.getMessage(), e);
        }
        log.info("port {}: TAP {} up", port.id(), device);
        return new Created(port.id(), tap, () -> {});
    }

    private ProvisionedPort netns(LocalPort port) {
        String device = PortNames.device(port);
        String namespace = PortNames.namespace(port);
        if (!awaitNamespaceGone(namespace, namespaceHandover)) {
            throw new PortSetupException("port " + port.id() + ": namespace " + namespace
                    + " already exists; the agent only uses namespaces it creates (delete it or name another)");
        }
        ip("netns", "add", namespace);
        Object identity = identity(namespace);
        FrameDevice tap = null;
        try {
            tap = openTap(port, device);
            ip("link", "set", "dev", device, "netns", namespace);
            ip("-n", namespace, "link", "set", "lo", "up");
            ip(
                    "-n",
                    namespace,
                    "link",
                    "set",
                    "dev",
                    device,
                    "address",
                    port.mac().toString(),
                    "mtu",
                    Integer.toString(port.mtu()));
            if (port.ipAddress() != null) {
                ip("-n", namespace, "addr", "add", port.ipAddress() + "/" + port.prefixLength(), "dev", device);
            }
            ip("-n", namespace, "link", "set", "dev", device, "up");
            Ipv4Address gateway = port.gatewayIp();
            if (gateway != null) {
                ip("-n", namespace, "route", "add", "default", "via", gateway.toString(), "dev", device);
            }
        } catch (RuntimeException e) {
            if (tap != null) {
                tap.close();
            }
            ipQuietly("netns", "del", namespace);
            throw new PortSetupException("port " + port.id() + ": " + e.getMessage(), e);
        }
        log.info(
                "port {}: namespace {} with {} {}/{} via {}",
                port.id(),
                namespace,
                device,
                port.ipAddress(),
                port.prefixLength(),
                port.gatewayIp());
        return new Created(port.id(), tap, () -> removeNamespace(namespace, identity));
    }

    /**
     * Whether {@code namespace} is absent, or goes within {@code wait}: an instance that moves
     * between two agents of one machine (live migration in the demo) keeps its namespace name, and
     * the new host may apply its table before the old one has removed the old namespace.
     */
    static boolean awaitNamespaceGone(String namespace, Duration wait) {
        long deadline = System.nanoTime() + wait.toNanos();
        while (Files.exists(NETNS_DIR.resolve(namespace))) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            try {
                Thread.sleep(HANDOVER_POLL.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return true;
    }

    /** The inode of the namespace's name under /run/netns: another namespace of the same name has another. */
    static Object identity(String namespace) {
        try {
            return Files.getAttribute(NETNS_DIR.resolve(namespace), "unix:ino");
        } catch (IOException | UnsupportedOperationException e) {
            return null;
        }
    }

    /**
     * Ends the processes still in {@code namespace} (a shell, a server an exec left running), then
     * deletes it: {@code ip netns del} alone only unmounts the name, and the namespace with its
     * addresses would live on as long as they do. SIGTERM first, SIGKILL after
     * {@link #PROCESS_GRACE} to those that ignore it.
     */
    static void removeNamespace(String namespace, Object identity) {
        if (identity != null && !identity.equals(identity(namespace))) {
            // gone, or already another agent's: the instance moved to a host on this machine
            log.info("namespace {}: no longer the one this agent created, left alone", namespace);
            return;
        }
        List<ProcessHandle> left = new ArrayList<>();
        try {
            for (String pid : ip("netns", "pids", namespace).split("\\s+")) {
                if (!pid.isBlank()) {
                    ProcessHandle.of(Long.parseLong(pid)).ifPresent(left::add);
                }
            }
        } catch (PortSetupException | NumberFormatException e) {
            log.warn("namespace {}: cannot list its processes: {}", namespace, e.getMessage());
        }
        left.forEach(ProcessHandle::destroy);
        long deadline = System.nanoTime() + PROCESS_GRACE.toNanos();
        for (ProcessHandle process : left) {
            try {
                process.onExit().get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (TimeoutException | ExecutionException e) {
                process.destroyForcibly();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                process.destroyForcibly();
            }
        }
        if (!left.isEmpty()) {
            log.info("namespace {}: ended {} process(es) left in it", namespace, left.size());
        }
        ipQuietly("netns", "del", namespace);
    }

    /**
     * A TAP reads whatever its port's MTU lets the instance send, so a frame over the inner MTU
     * reaches the pipeline, which counts it as oversize and answers DF packets with ICMP
     * fragmentation needed; cut at the TAP, it would vanish uncounted and path MTU discovery
     * would stall.
     */
    int readLimit(LocalPort port) {
        return Math.max(maxFrameBytes, port.mtu() + ETHERNET_AND_TAG);
    }

    /**
     * A plain TAP, or one with the virtio-net header and the offloads the kernel grants, segmented
     * for the pipeline; a kernel that refuses the header gives the plain TAP (logged).
     */
    private FrameDevice openTap(LocalPort port, String device) {
        return forPipeline(openTapQueues("port " + port.id(), device, readLimit(port)), readLimit(port));
    }

    /**
     * Opens TAP {@code device} with one queue per event loop, each as {@link #openTap(String,
     * String, int)} opens a TAP. An existing TAP that was not created multi-queue takes one queue
     * (logged): loop 0 then reads it and the other loops hand it their frames.
     */
    public List<TapDevice> openTapQueues(String owner, String device, int readLimit) {
        if (tapQueues == 1) {
            return List.of(openTap(owner, device, readLimit));
        }
        List<TapDevice> queues;
        try {
            queues = TapDevice.openQueues(device, readLimit, tapOffloadFlags, tapQueues);
        } catch (TapException refused) {
            log.warn(
                    "{}: TAP {} refused {} queues ({}); one queue, read on event loop 0 (create it with"
                            + " 'ip tuntap add {} mode tap multi_queue' to spread it)",
                    owner,
                    device,
                    tapQueues,
                    refused.getMessage(),
                    device);
            return List.of(openTap(owner, device, readLimit));
        }
        queues.forEach(tapIo::track);
        log.info(
                "{}: TAP {} with {} queues, offloads: {}",
                owner,
                device,
                queues.size(),
                queues.get(0).offloads().describe());
        return queues;
    }

    /**
     * Opens (or creates) TAP {@code device} as every port's TAP is opened: plain without offloads,
     * else with the virtio-net header and the offloads asked for, as far as the kernel grants them
     * (logged for {@code owner}).
     */
    public TapDevice openTap(String owner, String device, int readLimit) {
        if (tapOffloadFlags == 0) {
            TapDevice tap = TapDevice.open(device, readLimit);
            tapIo.track(tap);
            return tap;
        }
        TapDevice tap = TapDevice.openWithOffloads(device, readLimit, tapOffloadFlags);
        tapIo.track(tap);
        log.info("{}: TAP {} offloads: {}", owner, device, tap.offloads().describe());
        return tap;
    }

    /** The I/O edge of every TAP opened here, summed (for the agent's report and metrics). */
    public TapIoTotals tapIo() {
        return tapIo;
    }

    /** The pipeline's side of the queues of one TAP: one device, or a {@link MultiQueueDevice} of several. */
    public static FrameDevice forPipeline(List<TapDevice> queues, int readLimit) {
        if (queues.size() == 1) {
            return forPipeline(queues.get(0), readLimit);
        }
        return new MultiQueueDevice(
                queues.get(0).name(),
                queues.stream().map(tap -> forPipeline(tap, readLimit)).toList());
    }

    /** The pipeline's side of an opened TAP: segmented ({@link SegmentingTapPort}) when it has the header. */
    public static FrameDevice forPipeline(TapDevice tap, int readLimit) {
        if (!tap.offloads().vnetHeader()) {
            return tap;
        }
        return new SegmentingTapPort(tap, readLimit, PooledByteBufAllocator.DEFAULT);
    }

    private static final class Created implements ProvisionedPort {
        private final String portId;
        private final FrameDevice device;
        private final Runnable removal;
        private final AtomicBoolean deviceClosed = new AtomicBoolean();
        private final AtomicBoolean removed = new AtomicBoolean();

        Created(String portId, FrameDevice device, Runnable removal) {
            this.portId = portId;
            this.device = device;
            this.removal = removal;
        }

        @Override
        public String portId() {
            return portId;
        }

        @Override
        public FrameDevice device() {
            return device;
        }

        @Override
        public void close() {
            try {
                if (deviceClosed.compareAndSet(false, true)) {
                    device.close();
                }
            } finally {
                removeCreated();
            }
        }

        @Override
        public void removeCreated() {
            deviceClosed.set(true);
            if (removed.compareAndSet(false, true)) {
                removal.run();
            }
        }
    }
}
