package io.vpclab.dataplane.port;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.EventLoop;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The in-memory twin of a TAP device (like wireguard-go's {@code tuntest.ChannelTUN}): a test
 * injects frames as if the instance sent them, and reads what the VTEP wrote toward the
 * instance. Thread-safe: {@link #inject} and {@link #take} may be called from any thread.
 */
public final class InMemoryFrameDevice implements FrameDevice {

    private final String name;
    private final BlockingQueue<ByteBuf> written = new LinkedBlockingQueue<>();
    private volatile EventLoop loop;
    private volatile FrameSink sink;
    private volatile boolean closed;

    public InMemoryFrameDevice(String name) {
        this.name = name;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public void start(EventLoop loop, FrameSink sink) {
        this.loop = loop;
        this.sink = sink;
    }

    /** Sends {@code frame} toward the VTEP, copied behind {@link #HEADROOM} bytes of headroom as a TAP read would be. */
    public void inject(byte[] frame) {
        ByteBuf buf = ByteBufAllocator.DEFAULT.directBuffer(HEADROOM + frame.length);
        buf.writerIndex(HEADROOM).readerIndex(HEADROOM);
        buf.writeBytes(frame);
        inject(buf);
    }

    /** Sends {@code frame} toward the VTEP; ownership passes to the VTEP. */
    public void inject(ByteBuf frame) {
        EventLoop target = loop;
        if (target == null || closed) {
            frame.release();
            throw new IllegalStateException("device " + name + " is not attached");
        }
        target.execute(() -> sink.accept(frame));
    }

    @Override
    public void write(ByteBuf frame) {
        if (closed) {
            frame.release();
            return;
        }
        written.add(frame);
    }

    /** The next frame the VTEP wrote, as bytes, or null after {@code timeout}. */
    public byte[] take(Duration timeout) throws InterruptedException {
        ByteBuf frame = written.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
        if (frame == null) {
            return null;
        }
        try {
            return ByteBufUtil.getBytes(frame);
        } finally {
            frame.release();
        }
    }

    /** Frames written and not yet taken. */
    public int pending() {
        return written.size();
    }

    @Override
    public void close() {
        closed = true;
        ByteBuf frame;
        while ((frame = written.poll()) != null) {
            frame.release();
        }
    }
}
