package io.vpclab.dataplane.port;

import io.netty.buffer.ByteBuf;
import io.netty.channel.EventLoop;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Another event loop's view of a device that lives on one loop only (a simulated host, a TAP
 * with one queue, a VPN gateway's socket): writes and flushes are handed to the owner loop as
 * tasks. It serves the devices that cannot be spread over loops; frames of multi-queue TAPs never
 * take this path. Never started: the device reads on its own loop.
 *
 * <p>At most {@link #MAX_PENDING_FRAMES} frames wait for the owner loop; beyond that a frame is
 * dropped and counted. Without the bound a flood faster than the device (64-byte UDP from one
 * loop into the VPN gateway's encryption on another) queued every frame: memory grew without
 * end and every other packet, a TCP control connection's too, waited behind seconds of backlog.
 * A flush is handed over only when a frame was handed over since the last one. One view serves
 * one writing loop (the VTEP makes one per loop), so its bookkeeping outside the counter of
 * pending frames is that loop's alone.
 */
public final class LoopHandoff implements FrameDevice {

    /** Frames in flight to the owner loop: a few read batches, as wireguard-go queues 1024 per peer. */
    public static final int MAX_PENDING_FRAMES = 1024;

    private final FrameDevice device;
    private final EventLoop owner;
    private final Runnable dropped;
    private final AtomicInteger pending = new AtomicInteger();
    private final Runnable flushTask;
    /** Written by the writing loop only. */
    private boolean writtenSinceFlush;

    /** {@code dropped} runs on the writing loop for each frame the bound refuses. */
    public LoopHandoff(FrameDevice device, EventLoop owner, Runnable dropped) {
        this.device = device;
        this.owner = owner;
        this.dropped = dropped;
        this.flushTask = device::flush;
    }

    public LoopHandoff(FrameDevice device, EventLoop owner) {
        this(device, owner, () -> {});
    }

    @Override
    public String name() {
        return device.name();
    }

    @Override
    public void start(EventLoop loop, FrameSink sink) {
        throw new UnsupportedOperationException("device " + device.name() + " reads on its own loop");
    }

    /** Hands {@code frame} to the owner loop (ownership with it); a full hand-off or a loop shutting down drops it. */
    @Override
    public void write(ByteBuf frame) {
        if (pending.incrementAndGet() > MAX_PENDING_FRAMES) {
            pending.decrementAndGet();
            frame.release();
            dropped.run();
            return;
        }
        try {
            owner.execute(() -> {
                pending.decrementAndGet();
                device.write(frame);
            });
            writtenSinceFlush = true;
        } catch (RejectedExecutionException shuttingDown) {
            pending.decrementAndGet();
            frame.release();
        }
    }

    @Override
    public void flush() {
        if (!writtenSinceFlush) {
            return; // what was handed over is flushed already; dropped frames need no flush
        }
        writtenSinceFlush = false;
        try {
            owner.execute(flushTask);
        } catch (RejectedExecutionException shuttingDown) {
            // nothing left to flush into
        }
    }

    /** The device stays its owner's: closing the view closes nothing. */
    @Override
    public void close() {}
}
