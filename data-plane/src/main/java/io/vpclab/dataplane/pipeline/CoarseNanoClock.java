package io.vpclab.dataplane.pipeline;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongSupplier;

/**
 * The clock that tracked flows and NAT sessions idle by, read for every packet of a filtered or
 * translated flow: {@link System#nanoTime} sampled by one daemon thread every millisecond and
 * published in a volatile field, so a packet pays a memory load instead of a clock read (on this
 * project's VMs the vDSO clock read was 15 % of a security-group packet's cost in
 * {@code SecurityGroupBenchmark}). Idle timeouts and flow-log times are kept in seconds, so a
 * reading a few milliseconds old changes nothing. Monotonic, like the clock it samples.
 */
public final class CoarseNanoClock implements LongSupplier {

    /** How often the time is sampled. */
    public static final long TICK_NANOS = TimeUnit.MILLISECONDS.toNanos(1);

    private static final CoarseNanoClock INSTANCE = new CoarseNanoClock();

    private volatile long now = System.nanoTime();

    private CoarseNanoClock() {
        Thread ticker = new Thread(this::tick, "coarse-nano-clock");
        ticker.setDaemon(true);
        ticker.start();
    }

    /** The one clock of this JVM (one sampling thread, however many VTEPs run). */
    public static CoarseNanoClock get() {
        return INSTANCE;
    }

    @Override
    public long getAsLong() {
        return now;
    }

    private void tick() {
        while (true) {
            LockSupport.parkNanos(TICK_NANOS);
            now = System.nanoTime();
        }
    }
}
