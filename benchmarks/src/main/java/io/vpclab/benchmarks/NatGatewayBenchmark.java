package io.vpclab.benchmarks;

import io.vpclab.dataplane.stats.NatGatewaySnapshot;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * NAT gateway throughput on one core, no I/O (see {@link NatGatewayFixture}):
 * <ul>
 * <li>{@code newConnection}: every packet starts a new flow (new instance/source port), so each
 *     operation is a session created, a public port allocated for its destination and the
 *     packet translated: new connections per second. The NAT's clock advances with every
 *     packet so that sessions idle out at the rate they are created and the table stays at
 *     about half its capacity (the steady state of a busy gateway, expiry included).</li>
 * <li>{@code establishedFlow}: every packet belongs to one existing flow: packets per second
 *     of an established session.</li>
 * </ul>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class NatGatewayBenchmark {

    static final int CAPACITY = 1 << 16;
    static final int UDP_IDLE_SECONDS = 30;
    /** Clock step per new flow: sessions live UDP_IDLE_SECONDS, i.e. CAPACITY / 2 flows. */
    static final long STEP_NANOS = TimeUnit.SECONDS.toNanos(UDP_IDLE_SECONDS) / (CAPACITY / 2);

    private NatGatewayFixture nat;
    private long now;
    private int flow;

    @Setup(Level.Trial)
    public void setUp() {
        nat = new NatGatewayFixture(() -> now, CAPACITY, UDP_IDLE_SECONDS);
    }

    @Benchmark
    public void newConnection() {
        now += STEP_NANOS;
        int f = flow++;
        // 200 instances x 64511 source ports x 64 destinations: a tuple repeats only after ~800 M flows
        nat.send((f >>> 16) % 200, 1024 + (f & 0xFFFF) % 64511, f % NatGatewayFixture.DESTINATIONS);
    }

    @Benchmark
    public void establishedFlow() {
        nat.send(0, 40000, 0);
    }

    @TearDown(Level.Trial)
    public void check() {
        NatGatewaySnapshot figures = nat.pipeline.natGateways(0).get(0);
        System.out.printf(
                "%nNAT figures: %d sessions created, %d active, %d packets out, drops %s%n",
                figures.sessionsCreated(), figures.activeSessions(), figures.packetsOut(), figures.drops());
        if (!figures.drops().isEmpty() || nat.pipeline.counters().host().totalDrops() != 0) {
            throw new IllegalStateException("the benchmark path dropped packets: " + figures.drops());
        }
        nat.close();
    }
}
