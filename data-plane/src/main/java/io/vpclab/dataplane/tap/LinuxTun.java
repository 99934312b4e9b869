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
    private static final short IFF_TAP = 0x0002;
    private static final short IFF_NO_PI = 0x1000;
    /** struct ifreq: char ifr_name[16]; union { short ifr_flags; ... } (24 bytes). */
    private static final int SIZEOF_IFREQ = 40;

    private interface LibC extends Library {
        int open(String path, int flags) throws LastErrorException;

        int ioctl(int fd, NativeLong request, Pointer arg) throws LastErrorException;

        int close(int fd) throws LastErrorException;
    }

    private static final class Holder {
        static final LibC LIBC = Native.load("c", LibC.class);
    }

    private LinuxTun() {
    }

    /**
     * Returns a non-blocking fd attached to TAP {@code name}: created if absent (it then lives
     * as long as the fd), or attached to an existing persistent TAP with the same flags.
     */
    static int openTap(String name) {
        checkName(name);
        LibC libc = Holder.LIBC;
        int fd;
        try {
            fd = libc.open(TUN_DEVICE, O_RDWR | O_NONBLOCK | O_CLOEXEC);
        } catch (LastErrorException e) {
            throw new TapException("cannot open " + TUN_DEVICE + " for TAP " + name
                    + ": errno " + e.getErrorCode() + " (root or CAP_NET_ADMIN needed)", e);
        }
        try (Memory ifr = new Memory(SIZEOF_IFREQ)) {
            ifr.clear();
            ifr.write(0, name.getBytes(StandardCharsets.US_ASCII), 0, name.length());
            ifr.setShort(IFNAMSIZ, (short) (IFF_TAP | IFF_NO_PI));
            libc.ioctl(fd, new NativeLong(TUNSETIFF), ifr);
            return fd;
        } catch (LastErrorException e) {
            closeQuietly(fd);
            throw new TapException("TUNSETIFF failed for TAP " + name + ": errno " + e.getErrorCode()
                    + explain(e.getErrorCode()), e);
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
