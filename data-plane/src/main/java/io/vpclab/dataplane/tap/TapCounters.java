package io.vpclab.dataplane.tap;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/** Counters of one {@link TapDevice}, written on its event loop and readable from any thread. */
public final class TapCounters {

    final AtomicLong framesRead = new AtomicLong();
    final AtomicLong bytesRead = new AtomicLong();
    final AtomicLong framesWritten = new AtomicLong();
    final AtomicLong bytesWritten = new AtomicLong();
    /** The TAP queue was full (EAGAIN): the instance is not reading fast enough. */
    final AtomicLong writeDrops = new AtomicLong();

    final AtomicLong writeErrors = new AtomicLong();
    final AtomicLong readErrors = new AtomicLong();
    /** Frames longer than the device's maximum frame size. */
    final AtomicLong oversizeDrops = new AtomicLong();

    public long framesRead() {
        return framesRead.get();
    }

    public long bytesRead() {
        return bytesRead.get();
    }

    public long framesWritten() {
        return framesWritten.get();
    }

    public long bytesWritten() {
        return bytesWritten.get();
    }

    public long writeDrops() {
        return writeDrops.get();
    }

    public long writeErrors() {
        return writeErrors.get();
    }

    public long readErrors() {
        return readErrors.get();
    }

    public long oversizeDrops() {
        return oversizeDrops.get();
    }

    /** A snapshot by name, in a stable order, for printing and metrics. */
    public Map<String, Long> snapshot() {
        Map<String, Long> values = new LinkedHashMap<>();
        values.put("framesRead", framesRead());
        values.put("bytesRead", bytesRead());
        values.put("framesWritten", framesWritten());
        values.put("bytesWritten", bytesWritten());
        values.put("writeDrops", writeDrops());
        values.put("writeErrors", writeErrors());
        values.put("readErrors", readErrors());
        values.put("oversizeDrops", oversizeDrops());
        return values;
    }
}
