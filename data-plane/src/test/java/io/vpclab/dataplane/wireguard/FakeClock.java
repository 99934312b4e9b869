package io.vpclab.dataplane.wireguard;

import java.time.Duration;

/**
 * A clock the test advances; monotonic and wall time move together. Volatile: the test thread
 * advances it while event loops (a port's, an endpoint's) read it.
 */
final class FakeClock implements WireGuardClock {

    private volatile long nanos = 1_000_000_000L;
    private volatile long epochNanos = 1_796_000_000_000_000_000L;

    @Override
    public long nanos() {
        return nanos;
    }

    @Override
    public long epochNanos() {
        return epochNanos;
    }

    /** Only one thread advances it, so the read-then-write below loses nothing. */
    void advance(Duration duration) {
        nanos += duration.toNanos();
        epochNanos += duration.toNanos();
    }
}
