package io.vpclab.dataplane.port;

import io.netty.buffer.ByteBuf;
import io.netty.channel.EventLoop;
import java.util.concurrent.RejectedExecutionException;

/**
 * Another event loop's view of a device that lives on one loop only (a simulated host, a TAP
 * with one queue): writes and flushes are handed to the owner loop as tasks. It serves the
 * devices that cannot be spread over loops; frames of multi-queue TAPs never take this path.
 * Never started: the device reads on its own loop.
 */
public final class LoopHandoff implements FrameDevice {

    private final FrameDevice device;
    private final EventLoop owner;
    private final Runnable flushTask;

    public LoopHandoff(FrameDevice device, EventLoop owner) {
        this.device = device;
        this.owner = owner;
        this.flushTask = device::flush;
    }

    @Override
    public String name() {
        return device.name();
    }

    @Override
    public void start(EventLoop loop, FrameSink sink) {
        throw new UnsupportedOperationException("device " + device.name() + " reads on its own loop");
    }

    /** Hands {@code frame} to the owner loop (ownership with it); a loop shutting down drops it. */
    @Override
    public void write(ByteBuf frame) {
        try {
            owner.execute(() -> device.write(frame));
        } catch (RejectedExecutionException shuttingDown) {
            frame.release();
        }
    }

    @Override
    public void flush() {
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
