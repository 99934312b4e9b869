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

    // The I/O edge, for the reactor's figures: plain longs, written on the device's event loop
    // only (no fence per frame); another thread reads a value at most one report behind.
    /** EPOLLIN events handled: one per wake-up that had this fd ready. */
    long wakeups;
    /** read(2) calls, including the one that finds the queue empty (EAGAIN) and ends a burst. */
    long readCalls;
    /** Frames as on the wire behind the reads: a TSO or USO burst counts its segments. */
    long wireFramesRead;
    /** write(2) calls. */
    long writeCalls;
    /** Frames as on the wire behind the writes: a coalesced burst counts its segments. */
    long wireFramesWritten;
    /** Bytes copied between buffers on the way to or from the fd (not the kernel's copy). */
    long bytesCopied;

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

    public long wakeups() {
        return wakeups;
    }

    public long readCalls() {
        return readCalls;
    }

    public long wireFramesRead() {
        return wireFramesRead;
    }

    public long writeCalls() {
        return writeCalls;
    }

    public long wireFramesWritten() {
        return wireFramesWritten;
    }

    public long bytesCopied() {
        return bytesCopied;
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
        values.put("wakeups", wakeups());
        values.put("readCalls", readCalls());
        values.put("wireFramesRead", wireFramesRead());
        values.put("writeCalls", writeCalls());
        values.put("wireFramesWritten", wireFramesWritten());
        values.put("bytesCopied", bytesCopied());
        return values;
    }
}
