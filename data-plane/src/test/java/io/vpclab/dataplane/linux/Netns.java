package io.vpclab.dataplane.linux;

import com.sun.jna.LastErrorException;
import com.sun.jna.Library;
import com.sun.jna.Native;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Commands, devices and sockets for the root-only tests that put the Linux kernel on the other
 * side (TAP devices, veth pairs, vxlan devices in network namespaces the tests create and
 * delete). A failed command carries its output.
 */
public final class Netns {

    private static final int CLONE_NEWNET = 0x40000000;

    /** setns(2) moves only the calling thread, so a socket created on it lives in the namespace. */
    private interface LibC extends Library {
        int open(String path, int flags) throws LastErrorException;

        int setns(int fd, int nstype) throws LastErrorException;

        int close(int fd) throws LastErrorException;
    }

    private Netns() {}

    public static boolean isRoot() {
        try {
            return "0".equals(run("id", "-u").strip());
        } catch (IllegalStateException e) {
            return false;
        }
    }

    /** Creates {@code socket} on a fresh thread moved into {@code namespace}; the socket stays there. */
    public static <T> T createIn(String namespace, Callable<T> socket) throws Exception {
        CompletableFuture<T> created = new CompletableFuture<>();
        Thread inNamespace = new Thread(
                () -> {
                    try {
                        LibC libc = Native.load("c", LibC.class);
                        int fd = libc.open("/var/run/netns/" + namespace, 0);
                        try {
                            libc.setns(fd, CLONE_NEWNET);
                        } finally {
                            libc.close(fd);
                        }
                        created.complete(socket.call());
                    } catch (Exception e) {
                        created.completeExceptionally(e);
                    }
                },
                "setns-" + namespace);
        inNamespace.start();
        return created.get(10, TimeUnit.SECONDS);
    }

    public static String run(String... command) {
        try {
            Process process =
                    new ProcessBuilder(command).redirectErrorStream(true).start();
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException("timed out: " + String.join(" ", command));
            }
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (process.exitValue() != 0) {
                throw new IllegalStateException(
                        String.join(" ", command) + " exited " + process.exitValue() + ": " + output.strip());
            }
            return output;
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + String.join(" ", command), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted: " + String.join(" ", command), e);
        }
    }

    /** For clean-up: a command that fails changes nothing worth reporting. */
    public static void runQuietly(String... command) {
        try {
            run(command);
        } catch (IllegalStateException ignored) {
            // best-effort cleanup
        }
    }

    /**
     * Moves {@code device} (a TAP this process opened, whose fd stays attached) into
     * {@code namespace}, gives it {@code mac} when not null and {@code cidr}, and brings it up.
     */
    public static void moveInto(String namespace, String device, String mac, String cidr) {
        run("ip", "link", "set", device, "netns", namespace);
        if (mac != null) {
            run("ip", "-n", namespace, "link", "set", device, "address", mac);
        }
        run("ip", "-n", namespace, "addr", "add", cidr, "dev", device);
        run("ip", "-n", namespace, "link", "set", device, "up");
    }

    /** A veth pair between namespaces {@code a} and {@code b}, each end named after its namespace and addressed. */
    public static void vethBetween(String a, String cidrA, String b, String cidrB) {
        run("ip", "link", "add", a, "type", "veth", "peer", "name", b);
        moveInto(a, a, null, cidrA);
        moveInto(b, b, null, cidrB);
    }

    /** A permanent ARP entry, so the kernel sends to {@code ip} without asking who has it. */
    public static void permanentNeighbour(String namespace, String ip, String mac, String device) {
        run("ip", "-n", namespace, "neigh", "replace", ip, "lladdr", mac, "dev", device, "nud", "permanent");
    }
}
