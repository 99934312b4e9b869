package io.vpclab.agent.linux;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * Namespaces, commands and background processes for the Linux tests. Everything created is
 * named with a random {@code vl} prefix and removed by {@link #close()}.
 */
public final class Lab implements AutoCloseable {

    public final String id = Integer.toHexString(ThreadLocalRandom.current().nextInt(0x10000, 0xFFFFF));
    private final List<String> namespaces = new ArrayList<>();
    private final List<Background> processes = new ArrayList<>();

    /** Skips the calling test unless it can really run here (CI runs it as root, where it must pass). */
    public static void assumeLinuxRootWith(String... tools) {
        assumeTrue(System.getProperty("os.name").toLowerCase().contains("linux"), "needs Linux network namespaces");
        assumeTrue("0".equals(tryRun("id", "-u").strip()), "needs root (network namespaces, TAP devices)");
        assumeTrue(Files.exists(Path.of("/dev/net/tun")), "needs /dev/net/tun");
        for (String tool : tools) {
            assumeTrue(
                    !tryRun("sh", "-c", "command -v " + tool).isBlank(),
                    "needs " + tool + " (apt-get install " + tool + ")");
        }
    }

    public String namespace(String role) {
        String name = "vl" + role + id;
        run("ip", "netns", "add", name);
        namespaces.add(name);
        run("ip", "-n", name, "link", "set", "lo", "up");
        return name;
    }

    /**
     * Joins two of this lab's namespaces by a veth pair named {@code vl<tag>a/b<id>}, with
     * {@code ipA}/24 and {@code ipB}/24 on its ends: the underlay between two agents.
     */
    public void joinByVeth(String hostA, String hostB, String tag, String ipA, String ipB) {
        String vethA = "vl" + tag + "a" + id;
        String vethB = "vl" + tag + "b" + id;
        run("ip", "link", "add", vethA, "netns", hostA, "type", "veth", "peer", "name", vethB, "netns", hostB);
        run("ip", "-n", hostA, "addr", "add", ipA + "/24", "dev", vethA);
        run("ip", "-n", hostB, "addr", "add", ipB + "/24", "dev", vethB);
        run("ip", "-n", hostA, "link", "set", vethA, "up");
        run("ip", "-n", hostB, "link", "set", vethB, "up");
    }

    /** Runs a command; throws with its output when it fails. */
    public static String run(String... command) {
        Result result = exec(command);
        if (result.exit != 0) {
            throw new IllegalStateException(
                    String.join(" ", command) + " exited " + result.exit + ": " + result.output.strip());
        }
        return result.output;
    }

    public static String tryRun(String... command) {
        Result result = exec(command);
        return result.exit == 0 ? result.output : "";
    }

    public static boolean succeeds(String... command) {
        return exec(command).exit == 0;
    }

    public record Result(int exit, String output) {}

    public static Result exec(String... command) {
        try {
            Process process =
                    new ProcessBuilder(command).redirectErrorStream(true).start();
            process.getOutputStream().close();
            byte[] out = process.getInputStream().readAllBytes();
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                return new Result(-1, "timed out");
            }
            return new Result(process.exitValue(), new String(out, StandardCharsets.UTF_8));
        } catch (IOException e) {
            return new Result(-1, e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Result(-1, "interrupted");
        }
    }

    /** Starts {@code command} in the background, output to a log file; stopped by {@link #close()} at the latest. */
    public Background start(String name, List<String> command) {
        try {
            Path log = Files.createTempFile("vl-" + name + "-", ".log");
            Process process = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile())
                    .start();
            Background background = new Background(name, process, log);
            processes.add(background);
            return background;
        } catch (IOException e) {
            throw new IllegalStateException("cannot start " + command, e);
        }
    }

    /**
     * The agent's main class in a separate JVM, with this test's classpath (no shaded jar needed),
     * in {@code namespace}'s network only: unlike {@code ip netns exec}, nsenter keeps the host's
     * mount namespace, so the instance namespaces the agent creates are visible outside it.
     */
    public static List<String> agentCommand(String namespace, String... args) {
        List<String> command = new ArrayList<>(List.of(
                "nsenter",
                "--net=/run/netns/" + namespace,
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:+UseSerialGC",
                "-Xmx128m",
                "-cp",
                System.getProperty("java.class.path"),
                "io.vpclab.agent.AgentMain"));
        command.addAll(List.of(args));
        return command;
    }

    @Override
    public void close() {
        for (Background process : processes) {
            process.stop();
            try {
                Files.deleteIfExists(process.log);
            } catch (IOException ignored) {
                // a temp file left behind is harmless
            }
        }
        for (String namespace : namespaces) {
            tryRun("ip", "netns", "del", namespace);
        }
    }

    /** A background process; {@link #stop()} sends SIGTERM, then SIGKILL after 10 s. */
    public static final class Background {
        public final String name;
        public final Process process;
        public final Path log;

        Background(String name, Process process, Path log) {
            this.name = name;
            this.process = process;
            this.log = log;
        }

        public String output() {
            try {
                return Files.readString(log);
            } catch (IOException e) {
                return "";
            }
        }

        /** SIGTERM to the process and its children (ip netns exec forks the JVM), then waits. */
        public int stop() {
            ProcessHandle handle = process.toHandle();
            handle.descendants().forEach(ProcessHandle::destroy);
            handle.destroy();
            try {
                if (!process.waitFor(10, TimeUnit.SECONDS)) {
                    handle.descendants().forEach(ProcessHandle::destroyForcibly);
                    process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return process.isAlive() ? -1 : process.exitValue();
        }
    }
}
