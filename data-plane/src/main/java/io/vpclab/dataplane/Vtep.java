package io.vpclab.dataplane;

import io.netty.channel.EventLoop;
import io.vpclab.dataplane.capture.Capture;
import io.vpclab.dataplane.pipeline.CoarseNanoClock;
import io.vpclab.dataplane.pipeline.ConnectionCensus;
import io.vpclab.dataplane.pipeline.Pipeline;
import io.vpclab.dataplane.pipeline.SharedFlowState;
import io.vpclab.dataplane.port.BurstPort;
import io.vpclab.dataplane.port.FrameDevice;
import io.vpclab.dataplane.port.LoopHandoff;
import io.vpclab.dataplane.port.MultiQueueDevice;
import io.vpclab.dataplane.stats.ConnectionSnapshot;
import io.vpclab.dataplane.stats.CountersSnapshot;
import io.vpclab.dataplane.stats.DropReason;
import io.vpclab.dataplane.stats.FlowCount;
import io.vpclab.dataplane.stats.FlowCounts;
import io.vpclab.dataplane.stats.NatGatewaySnapshot;
import io.vpclab.dataplane.stats.SecurityPolicySnapshot;
import io.vpclab.dataplane.stats.WhitelistSnapshot;
import io.vpclab.dataplane.table.ForwardingState;
import io.vpclab.dataplane.table.TableHost;
import io.vpclab.dataplane.underlay.Underlay;
import io.vpclab.net.Ipv4Address;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.IntFunction;
import java.util.function.LongSupplier;

/**
 * A userspace VXLAN tunnel endpoint: the facade the agent (and tests) use.
 *
 * <p>The data plane of a VTEP runs on its underlays' event loops (one by default; several with
 * {@link #Vtep(List, LongSupplier, int)}): ports, pipelines, captures and counters. Every method
 * here is thread-safe: called from another thread it hops onto the loops and waits (at most
 * {@link #CALL_TIMEOUT_SECONDS}) for the result; called on a loop it runs inline there.
 *
 * <p>Typical use:
 * <pre>{@code
 * Vtep vtep = new Vtep(underlay);                    // starts receiving; drops everything until a table arrives
 * vtep.apply(ForwardingState.builder()...build());   // atomic swap, never half-applied
 * vtep.attachPort("i-1", new SimulatedHost(...));    // the port's MAC/IP/segment come from the table by id
 * PingResult r = host.ping(target, 3, Duration.ofSeconds(1)).get();  // from any thread: hops onto the loop
 * vtep.counters();                                   // immutable snapshot, readable from any thread
 * }</pre>
 * A {@link io.vpclab.dataplane.host.SimulatedHost}'s ping, traceroute and TCP probe may be
 * called from any thread once the host is attached: each call submits itself to the loop and
 * returns a {@code CompletableFuture} completed on the loop.
 */
public final class Vtep implements AutoCloseable {

    /** Capture point name for the underlay (outer headers, VNI visible). */
    public static final String UNDERLAY = Pipeline.UNDERLAY;

    /** Sessions each NAT gateway can hold by default: 64 Ki, about 6 MiB of tables per gateway. */
    public static final int NAT_SESSION_CAPACITY = 1 << 16;

    /** How long a call from another thread waits for the loop before failing. */
    public static final long CALL_TIMEOUT_SECONDS = 10;

    private final List<Underlay> underlays;
    private final EventLoop[] loops;
    private final Pipeline[] pipelines;
    private final SharedFlowState shared;
    /** The device attached per port, as given (a multi-queue device whole). */
    private final Map<String, FrameDevice> devices = new java.util.concurrent.ConcurrentHashMap<>();

    private volatile ForwardingState state;
    private final ConnectionCensus census;
    private volatile boolean closed;

    /** Starts a VTEP on {@code underlay} with an empty table (everything dropped and counted). */
    public Vtep(Underlay underlay) {
        this(underlay, CoarseNanoClock.get(), NAT_SESSION_CAPACITY);
    }

    /**
     * A VTEP whose NAT sessions idle by {@code nanoClock} (tests advance their own clock) and hold
     * at most {@code natSessionCapacity} sessions per NAT gateway.
     */
    public Vtep(Underlay underlay, LongSupplier nanoClock, int natSessionCapacity) {
        this(List.of(underlay), nanoClock, natSessionCapacity);
    }

    /**
     * A VTEP with one event loop per underlay: {@code underlays} share one address (sockets with
     * {@code SO_REUSEPORT}, see {@code NettyUdpUnderlay.bindGroup}), the kernel steers each
     * underlay 4-tuple to one of them, and each loop runs its own pipeline over its own socket and
     * its own queue of every multi-queue port, so no frame is handed between threads. The loops
     * share the table, NAT sessions and tracked connections ({@link SharedFlowState}) and
     * captures; counters are kept per loop and summed on read. Loop 0 also serves the devices
     * that cannot be spread (simulated hosts, single-queue TAPs: see {@link #attachPort}).
     */
    public Vtep(List<? extends Underlay> underlays, LongSupplier nanoClock, int natSessionCapacity) {
        if (underlays.isEmpty()) {
            throw new IllegalArgumentException("a VTEP needs at least one underlay");
        }
        this.underlays = List.copyOf(underlays);
        InetSocketAddress local = this.underlays.get(0).localAddress();
        this.state = ForwardingState.empty(new TableHost(
                new Ipv4Address(Ipv4Address.bitsOf(local.getAddress())),
                local.getPort() == 0 ? io.vpclab.dataplane.packet.Vxlan.PORT : local.getPort(),
                TableHost.DEFAULT_UNDERLAY_MTU));
        SharedFlowState shared = new SharedFlowState(nanoClock, natSessionCapacity);
        this.shared = shared;
        this.census = new ConnectionCensus(shared);
        int count = this.underlays.size();
        this.loops = new EventLoop[count];
        this.pipelines = new Pipeline[count];
        for (int i = 0; i < count; i++) {
            Underlay underlay = this.underlays.get(i);
            loops[i] = underlay.loop();
            pipelines[i] = onLoop(i, () -> new Pipeline(underlay, local, state, shared));
        }
        for (int i = 0; i < count; i++) {
            underlays.get(i).start(pipelines[i]::fromUnderlay);
        }
    }

    /** Loop 0: the loop of simulated hosts and of every call made here. */
    public EventLoop loop() {
        return loops[0];
    }

    /** How many event loops (and underlay sockets, and queues per multi-queue port) this VTEP runs. */
    public int loopCount() {
        return loops.length;
    }

    public InetSocketAddress localAddress() {
        return underlays.get(0).localAddress();
    }

    /** The table in force (readable from any thread). */
    public ForwardingState state() {
        return state;
    }

    /**
     * Installs {@code next} as one atomic swap on every loop (all loops are asked at once; each
     * swaps between two frames and this returns once all run it). The snapshot was validated when
     * it was built, so this cannot fail half way; frames in flight finish with the table they
     * started with.
     */
    public void apply(ForwardingState next) {
        if (next == null) {
            throw new IllegalArgumentException("forwarding state is null");
        }
        onEveryLoop(i -> {
            pipelines[i].install(next);
            return null;
        });
        state = next;
    }

    /**
     * Connects {@code device} as the local port {@code portId}: its MAC, IP, segment and MTU come
     * from the table by id (a port not in the table yet has its frames dropped as UNKNOWN_PORT
     * until a table names it). The VTEP owns the device from now on and closes it on
     * {@link #detachPort} or {@link #close}.
     *
     * <p>A {@link MultiQueueDevice} must have one queue per loop: queue {@code i} runs on loop
     * {@code i}. Any other device runs on loop 0; the other loops hand the frames they deliver to
     * it over to loop 0 ({@link LoopHandoff}).
     */
    public void attachPort(String portId, FrameDevice device) {
        if (portId == null || device == null) {
            throw new IllegalArgumentException("portId and device are required");
        }
        if (device instanceof MultiQueueDevice queued && queued.queues().size() != loops.length) {
            throw new IllegalArgumentException("port " + portId + ": "
                    + queued.queues().size() + " device queues for " + loops.length + " event loops");
        }
        if (devices.putIfAbsent(portId, device) != null) {
            throw new IllegalStateException("port " + portId + " already has a device attached");
        }
        try {
            onEveryLoop(i -> {
                FrameDevice own = device instanceof MultiQueueDevice queued
                        ? queued.queues().get(i)
                        : device;
                if (device instanceof MultiQueueDevice || i == 0) {
                    start(pipelines[i], loops[i], portId, own);
                } else {
                    Pipeline writer = pipelines[i];
                    writer.attach(
                            portId,
                            new LoopHandoff(device, loops[0], () -> writer.countHostDrop(DropReason.PORT_QUEUE_FULL)));
                }
                return null;
            });
        } catch (RuntimeException e) {
            detachEverywhere(portId); // the caller keeps the device it could not attach
            throw e;
        }
    }

    private static void start(Pipeline pipeline, EventLoop loop, String portId, FrameDevice device) {
        Pipeline.Attachment attachment = pipeline.attach(portId, device);
        if (device instanceof BurstPort burstPort) {
            burstPort.start(
                    loop,
                    frame -> pipeline.fromPort(attachment, frame),
                    burst -> pipeline.fromPortBurst(attachment, burst));
        } else {
            device.start(loop, frame -> pipeline.fromPort(attachment, frame));
        }
    }

    /** Disconnects and closes the device of {@code portId}; false when none was attached. */
    public boolean detachPort(String portId) {
        FrameDevice device = detachEverywhere(portId);
        if (device == null) {
            return false;
        }
        device.close();
        return true;
    }

    /** Detaches {@code portId} on every loop; the device as attached (null when none). */
    private FrameDevice detachEverywhere(String portId) {
        onEveryLoop(i -> pipelines[i].detach(portId));
        return devices.remove(portId);
    }

    /** Every counter, summed over the loops, as an immutable snapshot. */
    public CountersSnapshot counters() {
        CountersSnapshot total = null;
        for (CountersSnapshot loopCounters : countersPerLoop()) {
            total = total == null ? loopCounters : total.plus(loopCounters);
        }
        return total;
    }

    /** The counters of each loop, in loop order (their sum is {@link #counters()}). */
    public List<CountersSnapshot> countersPerLoop() {
        return onEveryLoop(i -> pipelines[i].counters());
    }

    /** Rule hits and drops of the installed whitelists, by whitelist id, summed over the loops. */
    public Map<String, WhitelistSnapshot> whitelistCounters() {
        Map<String, WhitelistSnapshot> total = new LinkedHashMap<>();
        for (Map<String, WhitelistSnapshot> loopCounters : onEveryLoop(i -> pipelines[i].whitelistCounters())) {
            loopCounters.forEach((id, snapshot) -> total.merge(id, snapshot, WhitelistSnapshot::plus));
        }
        return total;
    }

    /** Security group rule and network ACL entry hits of every loop, summed. */
    public SecurityPolicySnapshot securityPolicyCounters() {
        SecurityPolicySnapshot total = SecurityPolicySnapshot.EMPTY;
        for (SecurityPolicySnapshot loopCounters : onEveryLoop(i -> pipelines[i].securityPolicyCounters())) {
            total = total.plus(loopCounters);
        }
        return total;
    }

    /**
     * Flow-log counts of the local ports {@code due} accepts (by {@link FlowCount#localKey}) since
     * their last drain, which restarts them; thread-safe, a scan of the bounded flow tables.
     */
    public FlowCounts drainFlowCounts(java.util.function.LongPredicate due) {
        return shared.drainFlowCounts(due);
    }

    /**
     * Connections per instance, elastic IP and NAT gateway served here, from the connection
     * tracking (a scan per call: call it once per report, not per packet).
     */
    public List<ConnectionSnapshot> connections() {
        return census.take(state);
    }

    /**
     * The figures of each NAT gateway served here with at most {@code listedSessions} of its
     * sessions (newest first); the sessions are shared by every loop.
     */
    public List<NatGatewaySnapshot> natGateways(int listedSessions) {
        return onLoop(0, () -> pipelines[0].natGateways(listedSessions));
    }

    /**
     * Starts writing pcap to {@code file} at {@code point}: a port id (frames as the instance
     * sees them) or {@link #UNDERLAY} (VXLAN datagrams with synthesized outer headers). Every loop
     * writes to the same file.
     */
    public Capture startCapture(String point, Path file) {
        Capture capture = onLoop(0, () -> pipelines[0].startCapture(point, file));
        onEveryLoop(i -> {
            if (i > 0) {
                pipelines[i].shareCapture(capture);
            }
            return null;
        });
        return capture;
    }

    /** Stops {@code capture} and closes its file (complete and readable when this returns). */
    public void stopCapture(Capture capture) {
        onEveryLoop(i -> {
            pipelines[i].stopCapture(capture);
            return null;
        });
    }

    /** Stops captures, closes every attached device and the underlays. Idempotent. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            for (String portId : List.copyOf(devices.keySet())) {
                FrameDevice device = detachEverywhere(portId);
                if (device != null) {
                    device.close();
                }
            }
            onEveryLoop(i -> {
                pipelines[i].closeCaptures();
                return null;
            });
        } catch (java.util.concurrent.RejectedExecutionException | IllegalStateException loopAlreadyGone) {
            // a loop was shut down under us: devices and captures died with it; still close the sockets
        } finally {
            underlays.forEach(Underlay::close);
        }
    }

    /** Runs {@code call} for every loop on that loop, all at once; the results in loop order. */
    private <T> List<T> onEveryLoop(IntFunction<T> call) {
        if (loops.length == 1) {
            return java.util.Collections.singletonList(onLoop(0, () -> call.apply(0)));
        }
        List<Future<T>> pending = new ArrayList<>(loops.length);
        for (int i = 0; i < loops.length; i++) {
            int index = i;
            pending.add(loops[i].inEventLoop() ? null : loops[i].submit(() -> call.apply(index)));
        }
        List<T> results = new ArrayList<>(loops.length);
        for (int i = 0; i < loops.length; i++) {
            int index = i;
            Future<T> future = pending.get(i);
            results.add(future == null ? call.apply(index) : await(future));
        }
        return results;
    }

    private <T> T onLoop(int index, Callable<T> call) {
        EventLoop loop = loops[index];
        if (loop.inEventLoop()) {
            try {
                return call.call();
            } catch (RuntimeException e) {
                throw e;
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
        return await(loop.submit(call));
    }

    private static <T> T await(Future<T> future) {
        try {
            return future.get(CALL_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the VTEP's event loop", e);
        } catch (TimeoutException e) {
            throw new IllegalStateException(
                    "the VTEP's event loop did not answer within " + CALL_TIMEOUT_SECONDS + " s", e);
        }
    }
}
