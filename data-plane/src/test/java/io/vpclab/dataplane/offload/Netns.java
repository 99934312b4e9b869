package io.vpclab.dataplane.offload;

import com.sun.jna.LastErrorException;
import com.sun.jna.Library;
import com.sun.jna.Native;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** Commands and sockets for the root-only tests that put the kernel on the other side of the codec. */
final class Netns {

    private static final int CLONE_NEWNET = 0x40000000;

    /** setns(2) moves only the calling thread, so a socket created on it lives in the namespace. */
    private interface LibC extends Library {
        int open(String path, int flags) throws LastErrorException;

        int setns(int fd, int nstype) throws LastErrorException;

        int close(int fd) throws LastErrorException;
    }

    private Netns() {
    }

    static boolean isRoot() {
        try {
            return "0".equals(run("id", "-u").strip());
        } catch (IllegalStateException e) {
            return false;
        }
    }

    /** Creates {@code socket} on a fresh thread moved into {@code namespace}; the socket stays there. */
    static <T> T createIn(String namespace, Callable<T> socket) throws Exception {
        CompletableFuture<T> created = new CompletableFuture<>();
        Thread inNamespace = new Thread(() -> {
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
        }, "setns-" + namespace);
        inNamespace.start();
        return created.get(10, TimeUnit.SECONDS);
    }

    static String run(String... command) {
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException("timed out: " + String.join(" ", command));
            }
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (process.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", command) + " exited " + process.exitValue() + ": "
                    + output.strip());
            }
            return output;
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + String.join(" ", command), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted: " + String.join(" ", command), e);
        }
    }

    static void runQuietly(String... command) {
        try {
            run(command);
        } catch (IllegalStateException ignored) {
            // best-effort cleanup
        }
    }
}
