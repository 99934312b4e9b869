package io.vpclab.dataplane;

import io.netty.channel.EventLoop;
import io.vpclab.dataplane.capture.Capture;
import io.vpclab.dataplane.pipeline.Pipeline;
import io.vpclab.dataplane.port.BurstPort;
import io.vpclab.dataplane.port.FrameDevice;
import io.vpclab.dataplane.stats.CountersSnapshot;
import io.vpclab.dataplane.stats.NatGatewaySnapshot;
import io.vpclab.dataplane.stats.WhitelistSnapshot;
import io.vpclab.dataplane.table.ForwardingState;
import io.vpclab.dataplane.table.TableHost;
import io.vpclab.dataplane.underlay.Underlay;
import io.vpclab.net.Ipv4Address;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.LongSupplier;

/**
 * A userspace VXLAN tunnel endpoint: the facade the agent (and tests) use.
 *
 * <p>The whole data plane of a VTEP runs on the underlay's event loop: ports, the pipeline,
 * captures and counters. Every method here is thread-safe: called from another thread it hops
 * onto the loop and waits (at most {@link #CALL_TIMEOUT_SECONDS}) for the result; called on the
 * loop it runs inline.
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

    private final Underlay underlay;
    private final EventLoop loop;
    private final Pipeline pipeline;
    private volatile ForwardingState state;
    private volatile boolean closed;

    /** Starts a VTEP on {@code underlay} with an empty table (everything dropped and counted). */
    public Vtep(Underlay underlay) {
        this(underlay, System::nanoTime, NAT_SESSION_CAPACITY);
    }

    /**
     * A VTEP whose NAT sessions idle by {@code nanoClock} (tests advance their own clock) and hold
     * at most {@code natSessionCapacity} sessions per NAT gateway.
     */
    public Vtep(Underlay underlay, LongSupplier nanoClock, int natSessionCapacity) {
        this.underlay = underlay;
        this.loop = underlay.loop();
        InetSocketAddress local = underlay.localAddress();
        this.state = ForwardingState.empty(new TableHost(
                new Ipv4Address(Ipv4Address.bitsOf(local.getAddress())),
                local.getPort() == 0 ? io.vpclab.dataplane.packet.Vxlan.PORT : local.getPort(),
                TableHost.DEFAULT_UNDERLAY_MTU));
        this.pipeline = onLoop(() -> new Pipeline(underlay, local, state, nanoClock, natSessionCapacity));
        underlay.start(pipeline::fromUnderlay);
    }

    public EventLoop loop() {
        return loop;
    }

    public InetSocketAddress localAddress() {
        return underlay.localAddress();
    }

    /** The table in force (readable from any thread). */
    public ForwardingState state() {
        return state;
    }

    /**
     * Installs {@code next} as one atomic swap. The snapshot was validated when it was built, so
     * this cannot fail half way; frames in flight finish with the table they started with.
     */
    public void apply(ForwardingState next) {
        if (next == null) {
            throw new IllegalArgumentException("forwarding state is null");
        }
        onLoop(() -> {
            pipeline.install(next);
            state = next;
            return null;
        });
    }

    /**
     * Connects {@code device} as the local port {@code portId}: its MAC, IP, segment and MTU come
     * from the table by id (a port not in the table yet has its frames dropped as UNKNOWN_PORT
     * until a table names it). The VTEP owns the device from now on and closes it on
     * {@link #detachPort} or {@link #close}.
     */
    public void attachPort(String portId, FrameDevice device) {
        if (portId == null || device == null) {
            throw new IllegalArgumentException("portId and device are required");
        }
        onLoop(() -> {
            Pipeline.Attachment attachment = pipeline.attach(portId, device);
            if (device instanceof BurstPort burstPort) {
                burstPort.start(
                        loop,
                        frame -> pipeline.fromPort(attachment, frame),
                        burst -> pipeline.fromPortBurst(attachment, burst));
            } else {
                device.start(loop, frame -> pipeline.fromPort(attachment, frame));
            }
            return null;
        });
    }

    /** Disconnects and closes the device of {@code portId}; false when none was attached. */
    public boolean detachPort(String portId) {
        return onLoop(() -> {
            FrameDevice device = pipeline.detach(portId);
            if (device == null) {
                return false;
            }
            device.close();
            return true;
        });
    }

    /** Every counter, as an immutable snapshot taken on the loop. */
    public CountersSnapshot counters() {
        return onLoop(pipeline::counters);
    }

    /** Rule hits and drops of the installed whitelists, by whitelist id; readable from any thread. */
    public Map<String, WhitelistSnapshot> whitelistCounters() {
        return onLoop(pipeline::whitelistCounters);
    }

    /**
     * The figures of each NAT gateway served here with at most {@code listedSessions} of its
     * sessions (newest first), taken on the loop.
     */
    public List<NatGatewaySnapshot> natGateways(int listedSessions) {
        return onLoop(() -> pipeline.natGateways(listedSessions));
    }

    /**
     * Starts writing pcap to {@code file} at {@code point}: a port id (frames as the instance
     * sees them) or {@link #UNDERLAY} (VXLAN datagrams with synthesized outer headers).
     */
    public Capture startCapture(String point, Path file) {
        return onLoop(() -> pipeline.startCapture(point, file));
    }

    /** Stops {@code capture} and closes its file (complete and readable when this returns). */
    public void stopCapture(Capture capture) {
        onLoop(() -> {
            pipeline.stopCapture(capture);
            return null;
        });
    }

    /** Stops captures, closes every attached device and the underlay. Idempotent. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            onLoop(() -> {
                pipeline.closeCaptures();
                for (String portId : pipeline.attachments().keySet()) {
                    FrameDevice device = pipeline.detach(portId);
                    if (device != null) {
                        device.close();
                    }
                }
                return null;
            });
        } catch (java.util.concurrent.RejectedExecutionException loopAlreadyGone) {
            // the loop was shut down under us: devices and captures died with it; still close the socket
        } finally {
            underlay.close();
        }
    }

    private <T> T onLoop(Callable<T> call) {
        if (loop.inEventLoop()) {
            try {
                return call.call();
            } catch (RuntimeException e) {
                throw e;
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
        try {
            return loop.submit(call).get(CALL_TIMEOUT_SECONDS, TimeUnit.SECONDS);
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
