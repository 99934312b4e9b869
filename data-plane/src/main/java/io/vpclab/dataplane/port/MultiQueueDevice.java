package io.vpclab.dataplane.port;

import java.util.List;

/**
 * One port with one device per event loop of its VTEP: the queues of a multi-queue TAP
 * ({@code IFF_MULTI_QUEUE}), all on the same device name. The kernel steers each flow the
 * instance sends to one queue, and each loop reads and writes only its own queue, so no frame
 * is handed between threads. {@link io.vpclab.dataplane.Vtep#attachPort} starts queue {@code i}
 * on loop {@code i}; the holder itself is never started.
 */
public final class MultiQueueDevice implements FrameDevice {

    private final String name;
    private final List<FrameDevice> queues;

    public MultiQueueDevice(String name, List<? extends FrameDevice> queues) {
        if (queues.isEmpty()) {
            throw new IllegalArgumentException("a multi-queue device needs at least one queue");
        }
        this.name = name;
        this.queues = List.copyOf(queues);
    }

    /** The queues, one per event loop, in loop order. */
    public List<FrameDevice> queues() {
        return queues;
    }

    @Override
    public String name() {
        return name;
    }

    /** Every queue of one TAP is a trunk or none is. */
    @Override
    public boolean passesVlanTags() {
        return queues.get(0).passesVlanTags();
    }

    @Override
    public void start(io.netty.channel.EventLoop loop, FrameSink sink) {
        throw new UnsupportedOperationException(
                "multi-queue device " + name + ": attach it to a VTEP, which starts each queue on its own loop");
    }

    @Override
    public void write(io.netty.buffer.ByteBuf frame) {
        frame.release();
        throw new UnsupportedOperationException("multi-queue device " + name + ": write to one of its queues");
    }

    /** Closes every queue. */
    @Override
    public void close() {
        RuntimeException first = null;
        for (FrameDevice queue : queues) {
            try {
                queue.close();
            } catch (RuntimeException e) {
                if (first == null) {
                    first = e;
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }
}
