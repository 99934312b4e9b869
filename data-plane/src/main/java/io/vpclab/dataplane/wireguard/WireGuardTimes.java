package io.vpclab.dataplane.wireguard;

import java.util.concurrent.TimeUnit;

/** The protocol's limits and timers (whitepaper s6, wireguard-go device/constants.go). */
public final class WireGuardTimes {

    public static final long REKEY_AFTER_MESSAGES = 1L << 60;
    /** 2^64 - 2^13 - 1, compared unsigned. */
    public static final long REJECT_AFTER_MESSAGES = -(1L << 13) - 1;

    public static final long REKEY_AFTER_TIME = TimeUnit.SECONDS.toNanos(120);
    public static final long REKEY_ATTEMPT_TIME = TimeUnit.SECONDS.toNanos(90);
    public static final long REKEY_TIMEOUT = TimeUnit.SECONDS.toNanos(5);
    public static final int MAX_TIMER_HANDSHAKES = (int) (REKEY_ATTEMPT_TIME / REKEY_TIMEOUT);
    public static final long REKEY_TIMEOUT_JITTER_MAX = TimeUnit.MILLISECONDS.toNanos(334);
    public static final long REJECT_AFTER_TIME = TimeUnit.SECONDS.toNanos(180);
    public static final long KEEPALIVE_TIMEOUT = TimeUnit.SECONDS.toNanos(10);
    public static final long COOKIE_REFRESH_TIME = TimeUnit.SECONDS.toNanos(120);
    /** At most 50 initiations a second are consumed from one peer. */
    public static final long HANDSHAKE_INITIATION_RATE = TimeUnit.SECONDS.toNanos(1) / 50;
    /** Transport plaintext is zero-padded to a multiple of 16 bytes. */
    public static final int PADDING_MULTIPLE = 16;

    private WireGuardTimes() {}
}
