package io.vpclab.dataplane.tap;

import com.sun.jna.LastErrorException;
import com.sun.jna.Library;
import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.NativeLong;
import com.sun.jna.Pointer;
import java.nio.charset.StandardCharsets;

/**
 * Opens a TAP file descriptor through {@code /dev/net/tun} (Linux {@code drivers/net/tun.c},
 * {@code Documentation/networking/tuntap.rst}).
 */
final class LinuxTun {

    /** Linux IFNAMSIZ: names have at most 15 characters plus the NUL. */
    static final int IFNAMSIZ = 16;

    private static final String TUN_DEVICE = "/dev/net/tun";
    private static final int O_RDWR = 0x2;
    private static final int O_NONBLOCK = 0x800;
    private static final int O_CLOEXEC = 0x80000;
    /** _IOW('T', 202, int). */
    private static final long TUNSETIFF = 0x400454caL;
    /** _IOR('T', 207, unsigned int). */
    private static final long TUNGETFEATURES = 0x800454cfL;
    /** _IOW('T', 208, unsigned int): the argument is the flag word itself, not a pointer. */
    private static final long TUNSETOFFLOAD = 0x400454d0L;
    /** _IOW('T', 216, int). */
    private static final long TUNSETVNETHDRSZ = 0x400454d8L;

    private static final short IFF_TAP = 0x0002;
    private static final short IFF_NO_PI = 0x1000;
    /** Every read and write carries a struct virtio_net_hdr in front of the frame. */
    static final short IFF_VNET_HDR = 0x4000;
    /** One queue of a multi-queue TAP: every fd opened with this flag on one name is another queue. */
    static final short IFF_MULTI_QUEUE = 0x0100;
    /** struct ifreq: char ifr_name[16]; union { short ifr_flags; ... } (24 bytes). */
    private static final int SIZEOF_IFREQ = 40;

    private interface LibC extends Library {
        int open(String path, int flags) throws LastErrorException;

        int ioctl(int fd, NativeLong request, Pointer arg) throws LastErrorException;

        int ioctl(int fd, NativeLong request, NativeLong arg) throws LastErrorException;

        int close(int fd) throws LastErrorException;
    }

    private static final class Holder {
        static final LibC LIBC = Native.load("c", LibC.class);
    }

    private LinuxTun() {}

    /**
     * Returns a non-blocking fd attached to TAP {@code name}: created if absent (it then lives
     * as long as the fd), or attached to an existing persistent TAP with the same flags.
     */
    static int openTap(String name) {
        return openTap(name, (short) 0);
    }

    /** As {@link #openTap(String)}, with {@code extraFlags} (e.g. {@link #IFF_VNET_HDR}) in TUNSETIFF. */
    static int openTap(String name, short extraFlags) {
        checkName(name);
        LibC libc = Holder.LIBC;
        int fd;
        try {
            fd = libc.open(TUN_DEVICE, O_RDWR | O_NONBLOCK | O_CLOEXEC);
        } catch (LastErrorException e) {
            throw new TapException(
                    "cannot open " + TUN_DEVICE + " for TAP " + name + ": errno " + e.getErrorCode()
                            + " (root or CAP_NET_ADMIN needed)",
                    e);
        }
        try (Memory ifr = new Memory(SIZEOF_IFREQ)) {
            ifr.clear();
            ifr.write(0, name.getBytes(StandardCharsets.US_ASCII), 0, name.length());
            ifr.setShort(IFNAMSIZ, (short) (IFF_TAP | IFF_NO_PI | extraFlags));
            libc.ioctl(fd, new NativeLong(TUNSETIFF), ifr);
            return fd;
        } catch (LastErrorException e) {
            closeQuietly(fd);
            throw new TapException(
                    "TUNSETIFF failed for TAP " + name + ": errno " + e.getErrorCode() + explain(e.getErrorCode()), e);
        }
    }

    /** TUNGETFEATURES: the IFF_* flags this kernel's tun driver accepts. */
    static int features(int fd) {
        try (Memory value = new Memory(4)) {
            value.setInt(0, 0);
            Holder.LIBC.ioctl(fd, new NativeLong(TUNGETFEATURES), value);
            return value.getInt(0);
        } catch (LastErrorException e) {
            return 0;
        }
    }

    /** TUNSETVNETHDRSZ: 12 selects the virtio 1.x header with num_buffers. Returns the errno, 0 on success. */
    static int setVnetHeaderSize(int fd, int size) {
        try (Memory value = new Memory(4)) {
            value.setInt(0, size);
            Holder.LIBC.ioctl(fd, new NativeLong(TUNSETVNETHDRSZ), value);
            return 0;
        } catch (LastErrorException e) {
            return e.getErrorCode();
        }
    }

    /** TUNSETOFFLOAD with TUN_F_* {@code flags}. Returns the errno (EINVAL: a flag unknown here), 0 on success. */
    static int setOffload(int fd, int flags) {
        try {
            Holder.LIBC.ioctl(fd, new NativeLong(TUNSETOFFLOAD), new NativeLong(flags));
            return 0;
        } catch (LastErrorException e) {
            return e.getErrorCode();
        }
    }

    /** True when this process can open /dev/net/tun (Linux, root or CAP_NET_ADMIN). */
    static boolean available() {
        try {
            closeQuietly(Holder.LIBC.open(TUN_DEVICE, O_RDWR | O_CLOEXEC));
            return true;
        } catch (LastErrorException | UnsatisfiedLinkError | NoClassDefFoundError e) {
            return false;
        }
    }

    static void checkName(String name) {
        if (name == null || name.isEmpty() || name.length() >= IFNAMSIZ) {
            throw new IllegalArgumentException("TAP name must have 1.." + (IFNAMSIZ - 1) + " characters: " + name);
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c <= ' ' || c >= 127 || c == '/' || c == ':') {
                throw new IllegalArgumentException("TAP name has an invalid character '" + c + "': " + name);
            }
        }
    }

    private static String explain(int errno) {
        return switch (errno) {
            case 1 -> " (EPERM: not root, or the TAP belongs to another user)";
            case 16 -> " (EBUSY: the TAP is already attached, or exists as another kind)";
            case 22 -> " (EINVAL: flags differ from the existing device, e.g. multi_queue or vnet_hdr)";
            default -> "";
        };
    }

    private static void closeQuietly(int fd) {
        try {
            Holder.LIBC.close(fd);
        } catch (LastErrorException ignored) {
            // nothing left to free
        }
    }
}
