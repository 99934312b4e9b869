package io.vpclab.dataplane.wireguard;

/**
 * Time for the protocol: a monotonic clock for timers and key ages, and the wall clock for
 * TAI64N timestamps. Tests pass a clock they advance.
 */
public interface WireGuardClock {

    /** Monotonic nanoseconds (as {@link System#nanoTime()}). */
    long nanos();

    /** Nanoseconds since the Unix epoch. */
    long epochNanos();

    static WireGuardClock system() {
        return new WireGuardClock() {
            @Override
            public long nanos() {
                return System.nanoTime();
            }

            @Override
            public long epochNanos() {
                java.time.Instant now = java.time.Instant.now();
                return now.getEpochSecond() * 1_000_000_000L + now.getNano();
            }
        };
    }
}
