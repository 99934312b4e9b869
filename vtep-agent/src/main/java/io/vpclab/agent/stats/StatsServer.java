package io.vpclab.agent.stats;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Serves the agent's counters on 127.0.0.1 only: {@code /counters} as JSON and {@code /metrics}
 * in Prometheus text format, and {@code /table}, the forwarding table applied last (JSON, 404
 * before the first), so it can be compared with what the control plane compiled. One daemon
 * thread; nothing here touches the data-plane loop.
 */
public final class StatsServer implements AutoCloseable {

    private final HttpServer server;

    private StatsServer(HttpServer server) {
        this.server = server;
    }

    /** Starts serving {@code source} on 127.0.0.1:{@code port} (0 picks a free port). */
    public static StatsServer start(int port, CounterSource source) {
        return start(port, source, () -> null);
    }

    /** As {@link #start(int, CounterSource)}, with {@code /table} served from {@code appliedTableJson} (null = 404). */
    public static StatsServer start(int port, CounterSource source, Supplier<String> appliedTableJson) {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 16);
            server.createContext(
                    "/counters", exchange -> respond(exchange, "application/json", source, CounterFormat::json));
            server.createContext(
                    "/metrics",
                    exchange -> respond(
                            exchange, "text/plain; version=0.0.4; charset=utf-8", source, CounterFormat::prometheus));
            server.createContext("/table", exchange -> respondTable(exchange, appliedTableJson));
            server.setExecutor(null);
            server.start();
            return new StatsServer(server);
        } catch (IOException e) {
            throw new IllegalStateException("cannot serve counters on 127.0.0.1:" + port + ": " + e.getMessage(), e);
        }
    }

    public int port() {
        return server.getAddress().getPort();
    }

    private static void respond(
            HttpExchange exchange,
            String contentType,
            CounterSource source,
            Function<Map<String, Map<String, Long>>, String> format)
            throws IOException {
        try (exchange) {
            if (!"GET".equals(exchange.getRequestMethod())) {
                exchange.sendResponseHeaders(405, -1);
                return;
            }
            byte[] body = format.apply(source.counterGroups()).getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", contentType);
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }

    private static void respondTable(HttpExchange exchange, Supplier<String> appliedTableJson) throws IOException {
        try (exchange) {
            if (!"GET".equals(exchange.getRequestMethod())) {
                exchange.sendResponseHeaders(405, -1);
                return;
            }
            String table = appliedTableJson.get();
            if (table == null) {
                exchange.sendResponseHeaders(404, -1);
                return;
            }
            byte[] body = table.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
