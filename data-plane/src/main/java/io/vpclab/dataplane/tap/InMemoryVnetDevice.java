package io.vpclab.dataplane.tap;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.EventLoop;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A TAP with a virtio-net header, in memory, for tests without root (as
 * {@link io.vpclab.dataplane.port.InMemoryFrameDevice} is for plain frames): reads are injected
 * (one burst per call), writes are kept as bytes.
 */
public final class InMemoryVnetDevice implements VnetFrameDevice {

    private final String name;
    private final TapOffloads offloads;
    private final BlockingQueue<byte[]> written = new LinkedBlockingQueue<>();
    private EventLoop loop;
    private volatile boolean passesVlanTags;
    private VnetFrameSink sink;
    private Runnable batchEnd = () -> {};

    public InMemoryVnetDevice(String name, TapOffloads offloads) {
        this.name = name;
        this.offloads = offloads;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public boolean passesVlanTags() {
        return passesVlanTags;
    }

    /** Makes this device a trunk, as {@link TapDevice#passVlanTags}. */
    public InMemoryVnetDevice passVlanTags() {
        passesVlanTags = true;
        return this;
    }

    @Override
    public TapOffloads offloads() {
        return offloads;
    }

    @Override
    public void onBatchEnd(Runnable action) {
        batchEnd = action;
    }

    @Override
    public void startVnet(EventLoop loop, VnetFrameSink sink) {
        this.loop = loop;
        this.sink = sink;
    }

    /** Each argument is one read (virtio-net header + frame), all in one burst, lent in one reused buffer as the TAP does. */
    public void inject(byte[]... headerAndFrames) {
        loop.execute(() -> {
            ByteBuf buffer = Unpooled.directBuffer(70_000);
            try {
                for (byte[] read : headerAndFrames) {
                    buffer.clear().writeBytes(read);
                    sink.accept(buffer);
                }
            } finally {
                buffer.release();
            }
            batchEnd.run();
        });
    }

    @Override
    public void writeVnet(ByteBuf headerAndFrame) {
        written.add(ByteBufUtil.getBytes(headerAndFrame));
    }

    @Override
    public void write(ByteBuf frame) {
        try {
            byte[] bytes = new byte[TapOffloads.VNET_HEADER_BYTES + frame.readableBytes()];
            frame.getBytes(frame.readerIndex(), bytes, TapOffloads.VNET_HEADER_BYTES, frame.readableBytes());
            written.add(bytes);
        } finally {
            frame.release();
        }
    }

    /** The next write (header + frame), or null after {@code timeout}. */
    public byte[] take(Duration timeout) throws InterruptedException {
        return written.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    public int pending() {
        return written.size();
    }

    @Override
    public void close() {}
}
