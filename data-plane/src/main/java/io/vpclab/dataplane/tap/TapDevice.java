package io.vpclab.dataplane.tap;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.EventLoop;
import io.netty.channel.IoEvent;
import io.netty.channel.IoEventLoop;
import io.netty.channel.IoRegistration;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoEvent;
import io.netty.channel.epoll.EpollIoHandle;
import io.netty.channel.epoll.EpollIoOps;
import io.netty.channel.unix.FileDescriptor;
import io.vpclab.dataplane.offload.VirtioNetHeader;
import io.vpclab.dataplane.port.FrameDevice;
import io.vpclab.dataplane.port.FrameSink;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Linux TAP device ({@code IFF_TAP | IFF_NO_PI}) whose file descriptor is read and written on
 * the data plane's Netty <b>epoll</b> event loop, next to the UDP underlay. It does not work on
 * the NIO transport: {@link #start} refuses a loop that cannot register an {@link EpollIoHandle}.
 *
 * <p>Each frame is read into its own pooled direct buffer at readerIndex {@link #HEADROOM}, so
 * encapsulation writes the VXLAN header in place; ownership passes to the sink. Reads drain the
 * fd in bursts of {@link #READ_BURST} frames (the fd is level-triggered, so a busy TAP cannot
 * starve the socket). Writes never block: when the TAP queue is full (EAGAIN) the frame is
 * dropped and counted, like a full NIC ring.
 *
 * <p>Opened with {@link #openWithOffloads}, the fd carries a 12-byte virtio-net header before
 * every frame ({@code IFF_VNET_HDR}) and, with the offloads the kernel accepted (see
 * {@link TapOffloads}), reads may be TCP bursts of up to 64 KB with partial checksums. Such a
 * device is started with {@link #startVnet} and reads into one reused buffer lent to the sink.
 */
public final class TapDevice implements FrameDevice, VnetFrameDevice {

    /** Frames read per wake-up before yielding the loop to the socket. */
    static final int READ_BURST = 64;
    /** A jumbo frame (9216 MTU) with Ethernet, 802.1Q and FCS room. */
    public static final int DEFAULT_MAX_FRAME = 9216 + 14 + 4 + 4;
    /** The largest TSO burst: a 65535-byte IP packet behind Ethernet and an 802.1Q tag. */
    public static final int MAX_GSO_FRAME = 65535 + 14 + 4;

    private static final Logger log = LoggerFactory.getLogger(TapDevice.class);

    private final String name;
    private final FileDescriptor fd;
    private final int maxFrameBytes;
    private final ByteBufAllocator allocator;
    private final TapOffloads offloads;
    private final TapCounters counters = new TapCounters();
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile IoRegistration registration;
    private volatile EventLoop loop;
    private volatile boolean passesVlanTags;
    private FrameSink sink;
    private VnetFrameSink vnetSink;
    private Runnable batchEnd = () -> {};
    private ByteBuf scratch;
    /** Vnet mode: the one buffer every read lands in (the sink copies what it keeps). */
    private ByteBuf vnetReadBuffer;

    private TapDevice(String name, int fd, int maxFrameBytes, ByteBufAllocator allocator, TapOffloads offloads) {
        this.name = name;
        this.fd = new FileDescriptor(fd);
        this.maxFrameBytes = maxFrameBytes;
        this.allocator = allocator;
        this.offloads = offloads;
    }

    /**
     * Creates TAP {@code name}, or attaches to an existing persistent one (as the bench's
     * {@code ip tuntap add} devices are). A TAP created here disappears when it is closed.
     */
    public static TapDevice open(String name) {
        return open(name, DEFAULT_MAX_FRAME);
    }

    /** As {@link #open(String)}, with frames up to {@code maxFrameBytes} (longer ones are dropped). */
    public static TapDevice open(String name, int maxFrameBytes) {
        return open(name, maxFrameBytes, (short) 0);
    }

    /**
     * Opens {@code count} queues of TAP {@code name} ({@code IFF_MULTI_QUEUE}), each as
     * {@link #openWithOffloads} opens a TAP (or plain as {@link #open} when {@code wantedTunFlags}
     * is 0). The kernel steers each flow the instance sends to one queue; a frame written to any
     * queue reaches the instance. One queue is an ordinary TAP. A TAP created here disappears
     * when its last queue is closed; an existing TAP must have been created multi-queue
     * ({@code ip tuntap add NAME mode tap multi_queue}).
     */
    public static List<TapDevice> openQueues(String name, int maxFrameBytes, int wantedTunFlags, int count) {
        if (count < 1) {
            throw new IllegalArgumentException("count must be >= 1, got " + count);
        }
        short flags = count == 1 ? 0 : LinuxTun.IFF_MULTI_QUEUE;
        List<TapDevice> queues = new ArrayList<>(count);
        try {
            for (int i = 0; i < count; i++) {
                queues.add(
                        wantedTunFlags == 0
                                ? open(name, maxFrameBytes, flags)
                                : openWithOffloads(name, maxFrameBytes, wantedTunFlags, flags));
            }
        } catch (RuntimeException e) {
            queues.forEach(TapDevice::close);
            throw e;
        }
        return List.copyOf(queues);
    }

    private static TapDevice open(String name, int maxFrameBytes, short extraFlags) {
        if (maxFrameBytes < 60 || maxFrameBytes > 65535) {
            throw new IllegalArgumentException("maxFrameBytes must be 60..65535, got " + maxFrameBytes);
        }
        // the fd is read and closed through Netty's native library: load it before owning an fd
        if (!Epoll.isAvailable()) {
            throw new TapException(
                    "TAP " + name + " needs Netty's epoll transport, unavailable here: " + Epoll.unavailabilityCause());
        }
        return new TapDevice(
                name,
                LinuxTun.openTap(name, extraFlags),
                maxFrameBytes,
                PooledByteBufAllocator.DEFAULT,
                TapOffloads.NONE);
    }

    /**
     * Opens TAP {@code name} with a virtio-net header and as many of {@code wantedTunFlags}
     * ({@link TapOffloads#TUN_F_CSUM} etc.) as the kernel accepts, probing each: see
     * {@link #offloads()} for the result. A kernel that refuses the header itself gives a plain
     * device ({@link TapOffloads#NONE}), which {@link #startVnet} still serves (with a zero header).
     */
    public static TapDevice openWithOffloads(String name, int maxFrameBytes, int wantedTunFlags) {
        return openWithOffloads(name, maxFrameBytes, wantedTunFlags, (short) 0);
    }

    private static TapDevice openWithOffloads(String name, int maxFrameBytes, int wantedTunFlags, short extraFlags) {
        if (maxFrameBytes < 60 || maxFrameBytes > 65535) {
            throw new IllegalArgumentException("maxFrameBytes must be 60..65535, got " + maxFrameBytes);
        }
        if (!Epoll.isAvailable()) {
            throw new TapException(
                    "TAP " + name + " needs Netty's epoll transport, unavailable here: " + Epoll.unavailabilityCause());
        }
        int fd;
        try {
            fd = LinuxTun.openTap(name, (short) (LinuxTun.IFF_VNET_HDR | extraFlags));
        } catch (TapException refused) {
            if (extraFlags != 0) {
                throw refused; // the queue flag, not the header, may be what was refused: the caller decides
            }
            log.info("TAP {}: IFF_VNET_HDR refused ({}), plain frames", name, refused.getMessage());
            return open(name, maxFrameBytes, extraFlags);
        }
        FileDescriptor owned = new FileDescriptor(fd);
        int errno = LinuxTun.setVnetHeaderSize(fd, TapOffloads.VNET_HEADER_BYTES);
        if (errno != 0) {
            closeQuietly(owned);
            log.info("TAP {}: TUNSETVNETHDRSZ 12 refused (errno {}), plain frames", name, errno);
            return open(name, maxFrameBytes, extraFlags);
        }
        // first what the kernel can do (for the report), then what the data plane asked for
        int kernelFlags = TapOffloads.negotiate(TapOffloads.ALL, f -> LinuxTun.setOffload(fd, f) == 0);
        int flags = TapOffloads.negotiate(wantedTunFlags & kernelFlags, f -> LinuxTun.setOffload(fd, f) == 0);
        if (flags == 0) {
            // a persistent TAP may keep offloads from an earlier owner: state ours
            LinuxTun.setOffload(fd, 0);
        }
        TapOffloads offloads = new TapOffloads(true, flags, kernelFlags);
        int largest = (flags & (TapOffloads.TUN_F_TSO4 | TapOffloads.TUN_F_TSO6 | TapOffloads.TUN_F_USO4)) != 0
                ? MAX_GSO_FRAME
                : maxFrameBytes;
        return new TapDevice(name, fd, largest, PooledByteBufAllocator.DEFAULT, offloads);
    }

    private static void closeQuietly(FileDescriptor fd) {
        try {
            fd.close();
        } catch (IOException ignored) {
            // nothing left to free
        }
    }

    @Override
    public boolean passesVlanTags() {
        return passesVlanTags;
    }

    /** Makes this TAP a trunk ({@link FrameDevice#passesVlanTags}); before it is attached. */
    public TapDevice passVlanTags() {
        passesVlanTags = true;
        return this;
    }

    /** What this device runs with: a plain TAP, or the virtio-net header and the accepted offloads. */
    @Override
    public TapOffloads offloads() {
        return offloads;
    }

    /** True when /dev/net/tun can be opened here (Linux, root or CAP_NET_ADMIN). */
    public static boolean isSupported() {
        return LinuxTun.available();
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public void copied(int bytes) {
        counters.bytesCopied += bytes;
    }

    /** True once {@link #close} ran: its counters are final. */
    public boolean isClosed() {
        return closed.get();
    }

    /** Live counters of this device. */
    public TapCounters counters() {
        return counters;
    }

    /**
     * Runs {@code action} on the loop after each burst of frames handed to the sink, so the
     * pipeline can flush the underlay once per burst (sendmmsg) instead of once per frame.
     * Call before {@link #start}.
     */
    @Override
    public void onBatchEnd(Runnable action) {
        this.batchEnd = Objects.requireNonNull(action, "action");
    }

    /**
     * Registers the fd on {@code loop}, which must be an epoll event loop (see the class doc),
     * and starts reading. Blocks until registered unless called on the loop itself.
     */
    @Override
    public void start(EventLoop loop, FrameSink sink) {
        Objects.requireNonNull(sink, "sink");
        if (offloads.vnetHeader()) {
            throw new TapException("TAP " + name + " has a virtio-net header: start it with startVnet");
        }
        this.sink = sink;
        register(loop);
    }

    /**
     * Starts a device from {@link #openWithOffloads}: every read reaches {@code sink} with a
     * 12-byte virtio-net header in front (all zero on a plain device), in a lent buffer.
     */
    @Override
    public void startVnet(EventLoop loop, VnetFrameSink sink) {
        Objects.requireNonNull(sink, "sink");
        this.vnetSink = sink;
        register(loop);
    }

    private void register(EventLoop loop) {
        if (!(loop instanceof IoEventLoop ioLoop) || !ioLoop.isCompatible(Handle.class)) {
            throw new TapException("TAP " + name + " needs Netty's epoll transport; the event loop " + loop
                    + " cannot register a file descriptor (NIO fallback has no TAP support)");
        }
        if (closed.get()) {
            throw new TapException("TAP " + name + " is closed");
        }
        this.loop = loop;
        var registered = ioLoop.register(new Handle());
        if (!loop.inEventLoop()) {
            registered.syncUninterruptibly();
        }
        registered.addListener(f -> {
            if (f.isSuccess()) {
                IoRegistration reg = (IoRegistration) f.getNow();
                registration = reg;
                // interest changes belong on the loop; the listener may run on the caller's thread
                loop.execute(() -> {
                    if (!closed.get()) {
                        reg.submit(EpollIoOps.EPOLLIN);
                    }
                });
            } else {
                log.error("TAP {} could not join the event loop", name, f.cause());
            }
        });
    }

    /**
     * Writes one frame (from readerIndex to writerIndex) to the TAP and releases it. Call on the
     * loop. A full TAP queue (EAGAIN) or an error drops the frame and counts it.
     */
    @Override
    public void write(ByteBuf frame) {
        if (offloads.vnetHeader()) {
            writeWithZeroHeader(frame);
            return;
        }
        writeRaw(frame, 0);
    }

    /**
     * Writes a virtio-net header and the frame behind it (readerIndex to writerIndex) in one
     * write. The buffer stays the caller's (a coalescer's scratch, reused for the next frame):
     * it is neither released nor moved. On a plain device the header is left out. Call on the loop.
     */
    @Override
    public void writeVnet(ByteBuf headerAndFrame) {
        int header = offloads.vnetHeader() ? TapOffloads.VNET_HEADER_BYTES : 0;
        int skip = TapOffloads.VNET_HEADER_BYTES - header;
        writeRange(headerAndFrame, headerAndFrame.readerIndex() + skip, headerAndFrame.writerIndex(), header);
    }

    /** A plain frame on a vnet device: an all-zero header (no GSO, checksum complete) goes first. */
    private void writeWithZeroHeader(ByteBuf frame) {
        int header = TapOffloads.VNET_HEADER_BYTES;
        if (frame.readerIndex() >= header && frame.hasMemoryAddress()) {
            frame.readerIndex(frame.readerIndex() - header);
            frame.setZero(frame.readerIndex(), header);
            writeRaw(frame, header);
            return;
        }
        ByteBuf withHeader = allocator.directBuffer(header + frame.readableBytes());
        counters.bytesCopied += frame.readableBytes();
        withHeader.writeZero(header).writeBytes(frame);
        frame.release();
        writeRaw(withHeader, header);
    }

    /** Writes readerIndex..writerIndex in one write and releases the buffer. */
    private void writeRaw(ByteBuf frame, int header) {
        try {
            writeRange(frame, frame.readerIndex(), frame.writerIndex(), header);
        } finally {
            frame.release();
        }
    }

    /** Writes {@code from..to} of {@code buf} in one write; {@code header} bytes of it are not counted as frame. */
    private void writeRange(ByteBuf buf, int from, int to, int header) {
        int length = to - from;
        if (closed.get()) {
            counters.writeErrors.incrementAndGet();
            return;
        }
        try {
            int written;
            if (buf.hasMemoryAddress()) {
                written = fd.writeAddress(buf.memoryAddress(), from, to);
            } else {
                // heap or composite buffer: one copy into a reused direct buffer
                ByteBuf direct = scratch(length);
                direct.clear().writeBytes(buf, from, length);
                counters.bytesCopied += length;
                written = fd.writeAddress(direct.memoryAddress(), 0, length);
            }
            counters.writeCalls++;
            if (written == length) {
                counters.framesWritten.incrementAndGet();
                counters.bytesWritten.addAndGet(length - header);
                counters.wireFramesWritten += header == 0 ? 1 : wireFrames(buf, from, length);
            } else {
                counters.writeDrops.incrementAndGet();
            }
        } catch (IOException e) {
            counters.writeErrors.incrementAndGet();
            log.debug("write to TAP {} failed: {}", name, e.toString());
        }
    }

    private ByteBuf scratch(int length) {
        if (scratch == null || scratch.capacity() < length) {
            if (scratch != null) {
                scratch.release();
            }
            scratch = allocator.directBuffer(Math.max(length, 2048));
        }
        return scratch;
    }

    /** Unregisters from the loop and closes the fd (a TAP created by {@link #open} then disappears). */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        EventLoop current = loop;
        if (current != null && !current.isShuttingDown() && !current.inEventLoop()) {
            current.submit(this::releaseOnLoop).awaitUninterruptibly(2, TimeUnit.SECONDS);
        } else {
            releaseOnLoop();
        }
        closeFd();
    }

    private void releaseOnLoop() {
        IoRegistration reg = registration;
        if (reg != null) {
            reg.cancel();
        }
        if (scratch != null) {
            scratch.release();
            scratch = null;
        }
        if (vnetReadBuffer != null) {
            vnetReadBuffer.release();
            vnetReadBuffer = null;
        }
    }

    private void closeFd() {
        try {
            fd.close();
        } catch (IOException e) {
            log.debug("closing TAP {}: {}", name, e.toString());
        }
    }

    private void readVnetBurst() {
        int header = TapOffloads.VNET_HEADER_BYTES;
        int plain = offloads.vnetHeader() ? 0 : header;
        // one spare byte tells a frame longer than maxFrameBytes from one that fits exactly
        int limit = header + maxFrameBytes + 1;
        if (vnetReadBuffer == null) {
            vnetReadBuffer = allocator.directBuffer(limit, limit);
            if (!vnetReadBuffer.hasMemoryAddress()) {
                throw new TapException("TAP " + name + ": no direct memory addresses (sun.misc.Unsafe unavailable)");
            }
        }
        ByteBuf buffer = vnetReadBuffer;
        for (int i = 0; i < READ_BURST; i++) {
            int n;
            try {
                // a plain device gets a zero header written in front, so the sink sees one layout
                n = fd.readAddress(buffer.memoryAddress(), plain, limit);
                counters.readCalls++;
            } catch (IOException e) {
                counters.readErrors.incrementAndGet();
                log.debug("read from TAP {} failed: {}", name, e.toString());
                break;
            }
            if (n <= 0) {
                break;
            }
            int frameBytes = n - (header - plain);
            if (frameBytes > maxFrameBytes) {
                counters.oversizeDrops.incrementAndGet();
                continue;
            }
            if (plain != 0) {
                buffer.setZero(0, header);
            }
            buffer.setIndex(0, header + frameBytes);
            counters.framesRead.incrementAndGet();
            counters.bytesRead.addAndGet(frameBytes);
            counters.wireFramesRead += wireFrames(buffer, 0, header + frameBytes);
            vnetSink.accept(buffer);
        }
        batchEnd.run();
    }

    /**
     * The wire frames in a virtio-net header and the frame behind it at {@code offset}: one, or
     * the segments of a TSO/USO burst (payload past the headers over the segment size, rounded up).
     */
    static int wireFrames(ByteBuf buf, int offset, int length) {
        if (VirtioNetHeader.gsoProtocol(buf, offset) == VirtioNetHeader.GSO_NONE) {
            return 1;
        }
        int segmentSize = VirtioNetHeader.gsoSize(buf, offset);
        int payload = length - TapOffloads.VNET_HEADER_BYTES - VirtioNetHeader.hdrLen(buf, offset);
        return segmentSize <= 0 || payload <= 0 ? 1 : (payload + segmentSize - 1) / segmentSize;
    }

    private void readBurst() {
        for (int i = 0; i < READ_BURST; i++) {
            // one spare byte tells a frame longer than maxFrameBytes from one that fits exactly
            int limit = HEADROOM + maxFrameBytes + 1;
            ByteBuf frame = allocator.directBuffer(limit);
            int n;
            try {
                n = frame.hasMemoryAddress()
                        ? fd.readAddress(frame.memoryAddress(), HEADROOM, limit)
                        : fd.read(frame.internalNioBuffer(0, limit), HEADROOM, limit);
                counters.readCalls++;
            } catch (IOException e) {
                frame.release();
                counters.readErrors.incrementAndGet();
                log.debug("read from TAP {} failed: {}", name, e.toString());
                break;
            }
            if (n <= 0) {
                // 0 = EAGAIN (drained), -1 = EOF (device gone)
                frame.release();
                break;
            }
            if (n > maxFrameBytes) {
                frame.release();
                counters.oversizeDrops.incrementAndGet();
                continue;
            }
            frame.setIndex(HEADROOM, HEADROOM + n);
            counters.framesRead.incrementAndGet();
            counters.bytesRead.addAndGet(n);
            counters.wireFramesRead++;
            sink.accept(frame);
        }
        batchEnd.run();
    }

    private final class Handle implements EpollIoHandle {

        @Override
        public FileDescriptor fd() {
            return fd;
        }

        @Override
        public void handle(IoRegistration reg, IoEvent event) {
            if (closed.get()) {
                return;
            }
            if (((EpollIoEvent) event).ops().contains(EpollIoOps.EPOLLIN)) {
                counters.wakeups++;
                if (vnetSink != null) {
                    readVnetBurst();
                } else {
                    readBurst();
                }
            }
        }

        @Override
        public void close() {
            // the loop is shutting down with us still registered
            if (closed.compareAndSet(false, true)) {
                releaseOnLoop();
                closeFd();
            }
        }
    }
}
