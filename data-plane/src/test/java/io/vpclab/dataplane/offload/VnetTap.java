package io.vpclab.dataplane.offload;

import com.sun.jna.LastErrorException;
import com.sun.jna.Library;
import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.NativeLong;
import com.sun.jna.Pointer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.Predicate;

/**
 * A minimal TAP with a 12-byte virtio-net header and checksum + TSO4 offloads (or the flags given), for tests only (the
 * data plane's own TAP is the I/O side's business): blocking fd, one reader thread that waits in
 * poll(2) and queues the reads that {@code keep} accepts, header included.
 */
final class VnetTap implements AutoCloseable {

    private static final int O_RDWR = 0x2;
    private static final int O_CLOEXEC = 0x80000;
    private static final long TUNSETIFF = 0x400454caL;
    private static final long TUNSETOFFLOAD = 0x400454d0L;
    private static final long TUNSETVNETHDRSZ = 0x400454d8L;
    private static final short IFF_TAP = 0x0002;
    private static final short IFF_NO_PI = 0x1000;
    private static final short IFF_VNET_HDR = 0x4000;
    private static final int TUN_F_CSUM = 0x01;
    private static final int TUN_F_TSO4 = 0x02;
    private static final short POLLIN = 0x1;

    private interface LibC extends Library {
        int open(String path, int flags) throws LastErrorException;

        int ioctl(int fd, NativeLong request, Pointer arg) throws LastErrorException;

        int ioctl(int fd, NativeLong request, NativeLong arg) throws LastErrorException;

        int poll(Pointer fds, int count, int timeoutMillis) throws LastErrorException;

        int read(int fd, byte[] buffer, NativeLong count) throws LastErrorException;

        int write(int fd, byte[] buffer, NativeLong count) throws LastErrorException;

        int close(int fd) throws LastErrorException;
    }

    private static final LibC LIBC = Native.load("c", LibC.class);

    private final int fd;
    private final BlockingQueue<byte[]> reads = new LinkedBlockingQueue<>();
    private final Thread reader;
    private volatile boolean open = true;

    VnetTap(String name, Predicate<byte[]> keep) {
        this(name, TUN_F_CSUM | TUN_F_TSO4, keep);
    }

    /** @param tunFlags the TUN_F_* flags for TUNSETOFFLOAD (refused ones throw: the kernel lacks them) */
    VnetTap(String name, int tunFlags, Predicate<byte[]> keep) {
        fd = LIBC.open("/dev/net/tun", O_RDWR | O_CLOEXEC);
        try (Memory ifr = new Memory(40);
                Memory headerSize = new Memory(4)) {
            ifr.clear();
            ifr.write(0, name.getBytes(StandardCharsets.US_ASCII), 0, name.length());
            ifr.setShort(16, (short) (IFF_TAP | IFF_NO_PI | IFF_VNET_HDR));
            LIBC.ioctl(fd, new NativeLong(TUNSETIFF), ifr);
            headerSize.setInt(0, VirtioNetHeader.LENGTH_V1);
            LIBC.ioctl(fd, new NativeLong(TUNSETVNETHDRSZ), headerSize);
            LIBC.ioctl(fd, new NativeLong(TUNSETOFFLOAD), new NativeLong(tunFlags));
        } catch (LastErrorException e) {
            LIBC.close(fd);
            throw e;
        }
        reader = new Thread(() -> readUntilClosed(keep), "vnet-tap-" + name);
        reader.setDaemon(true);
        reader.start();
    }

    private void readUntilClosed(Predicate<byte[]> keep) {
        byte[] buffer = new byte[VirtioNetHeader.LENGTH_V1 + 65536 + 18];
        try (Memory pollfd = new Memory(8)) {
            while (open) {
                pollfd.setInt(0, fd);
                pollfd.setShort(4, POLLIN);
                pollfd.setShort(6, (short) 0);
                if (LIBC.poll(pollfd, 1, 100) > 0 && open) {
                    int length = LIBC.read(fd, buffer, new NativeLong(buffer.length));
                    byte[] read = Arrays.copyOf(buffer, length);
                    if (keep.test(read)) {
                        reads.add(read);
                    }
                }
            }
        } catch (LastErrorException e) {
            if (open) {
                throw e;
            }
        }
    }

    /** Writes one header + frame in one write(2), as the data plane does; returns the bytes written. */
    int write(byte[] headerAndFrame) {
        return LIBC.write(fd, headerAndFrame, new NativeLong(headerAndFrame.length));
    }

    BlockingQueue<byte[]> reads() {
        return reads;
    }

    @Override
    public void close() throws InterruptedException {
        open = false;
        reader.join(2000);
        LIBC.close(fd);
    }
}
