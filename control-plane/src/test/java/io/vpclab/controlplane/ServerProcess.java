package io.vpclab.controlplane;

import static org.awaitility.Awaitility.await;

import io.vpclab.client.ApiClient;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The real server's main class in a separate JVM, with this test's classpath, so a test can
 * {@code kill -9} it ({@link Process#destroyForcibly()} is SIGKILL on Linux) and start another
 * one on the same data. Its output goes to a log file next to the data folder.
 */
public final class ServerProcess implements AutoCloseable {

    public static final String ADMIN_TOKEN = "crash-test-admin-token";
    // generous: a loaded machine (several JVMs on two cores) starts a server in over a minute
    private static final Duration START_TIMEOUT = Duration.ofSeconds(240);
    // one client for every health poll: each new client starts its own selector thread
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private final Process process;
    private final int port;

    private ServerProcess(Process process, int port) {
        this.process = process;
        this.port = port;
    }

    /**
     * Starts a server over {@code dataDir} on {@code port} and waits until it answers its health check.
     *
     * @param environment extra environment (the PostgreSQL profile's VPCLAB_DB_URL and friends)
     */
    public static ServerProcess start(Path dataDir, int port, Map<String, String> environment, String... arguments) {
        return start(System.getProperty("java.class.path"), dataDir, port, environment, arguments);
    }

    /** As {@link #start(Path, int, Map, String...)}, on {@code classPath} instead of this test's. */
    public static ServerProcess start(
            String classPath, Path dataDir, int port, Map<String, String> environment, String... arguments) {
        List<String> command = ChildJvm.command(classPath, "256m", VpcLabApplication.class.getName());
        command.addAll(List.of(
                "--server.port=" + port,
                "--vpclab.data-dir=" + dataDir.toAbsolutePath(),
                "--vpclab.admin-token=" + ADMIN_TOKEN));
        command.addAll(List.of(arguments));
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(
                        dataDir.resolveSibling(dataDir.getFileName() + ".log").toFile()));
        builder.environment().putAll(environment);
        ServerProcess server;
        try {
            server = new ServerProcess(builder.start(), port);
        } catch (IOException e) {
            throw new IllegalStateException("cannot start " + command, e);
        }
        try {
            await().atMost(START_TIMEOUT).pollInterval(Duration.ofMillis(200)).until(() -> {
                if (!server.process.isAlive()) {
                    throw new IllegalStateException(
                            "the server exited with " + server.process.exitValue() + "; see " + dataDir + ".log");
                }
                return server.healthy();
            });
        } catch (RuntimeException e) {
            server.close();
            throw e;
        }
        return server;
    }

    /** A TCP port that was free a moment ago. */
    public static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    public int port() {
        return port;
    }

    public String baseUri() {
        return "http://127.0.0.1:" + port;
    }

    public ApiClient admin() {
        return TestServers.client(baseUri(), ADMIN_TOKEN);
    }

    public long pid() {
        return process.pid();
    }

    private boolean healthy() {
        try {
            HttpResponse<Void> response = HTTP.send(
                    HttpRequest.newBuilder(URI.create(baseUri() + "/actuator/health"))
                            .timeout(Duration.ofSeconds(2))
                            .build(),
                    HttpResponse.BodyHandlers.discarding());
            return response.statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** SIGKILL: no shutdown hook, no flush, no goodbye to the store. Returns once the process is gone. */
    public void kill() {
        process.destroyForcibly();
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                throw new IllegalStateException("the server did not die");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            kill();
        }
    }
}
