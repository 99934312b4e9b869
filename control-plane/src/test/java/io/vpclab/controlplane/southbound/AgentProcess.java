package io.vpclab.controlplane.southbound;

import io.vpclab.controlplane.ChildJvm;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The agent's main class ({@code vpclab-agent --control-plane ...}) in its own JVM, simulated
 * instances only, on a loopback UDP port; paused and resumed with SIGSTOP / SIGCONT as a stuck
 * machine would be. Its applied table is read from its stats port's {@code /table}.
 */
final class AgentProcess implements AutoCloseable {

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private final String name;
    private final Process process;
    private final int statsPort;
    private boolean paused;

    private AgentProcess(String name, Process process, int statsPort) {
        this.name = name;
        this.process = process;
        this.statsPort = statsPort;
    }

    static AgentProcess start(String controlPlane, String token, String name, int udpPort, Path dir)
            throws IOException {
        int statsPort = FreeUdpPorts.tcp();
        List<String> command = ChildJvm.command("96m", "io.vpclab.agent.AgentMain");
        command.addAll(List.of(
                "--control-plane",
                controlPlane,
                "--token",
                token,
                "--underlay-ip",
                "127.0.0.1",
                "--port",
                Integer.toString(udpPort),
                "--name",
                name,
                "--capabilities",
                "simulated",
                "--state-file",
                dir.resolve(name + ".properties").toString(),
                "--stats-port",
                Integer.toString(statsPort),
                "--stats-interval",
                "0"));
        Process process = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(
                        dir.resolve(name + ".log").toFile()))
                .start();
        return new AgentProcess(name, process, statsPort);
    }

    String name() {
        return name;
    }

    boolean paused() {
        return paused;
    }

    void pause() {
        signal("STOP");
        paused = true;
    }

    void resume() {
        signal("CONT");
        paused = false;
    }

    private void signal(String signal) {
        try {
            Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(process.pid())).start();
            if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
                throw new IllegalStateException("kill -" + signal + " " + process.pid() + " failed");
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The agent's applied table as JSON, or null before its first (or while it does not answer). */
    String appliedTableJson() {
        try {
            HttpResponse<String> response = HTTP.send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + statsPort + "/table"))
                            .timeout(Duration.ofSeconds(2))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            return response.statusCode() == 200 ? response.body() : null;
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    @Override
    public void close() {
        if (paused) {
            resume();
        }
        process.destroyForcibly();
        try {
            process.waitFor(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
