package io.vpclab.dataplane.wireguard;

import java.time.Duration;

/** A clock the test advances; monotonic and wall time move together. */
final class FakeClock implements WireGuardClock {

    private long nanos = 1_000_000_000L;
    private long epochNanos = 1_796_000_000_000_000_000L;

    @Override
    public long nanos() {
        return nanos;
    }

    @Override
    public long epochNanos() {
        return epochNanos;
    }

    void advance(Duration duration) {
        nanos += duration.toNanos();
        epochNanos += duration.toNanos();
    }
}
