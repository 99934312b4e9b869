package io.vpclab.agent.southbound;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The control plane's southbound as seen by one agent, on loopback: each table-stream request
 * plays the next scripted list of raw SSE chunks (a null chunk closes the stream), and acks and
 * probe results are recorded.
 */
final class FakeControlPlane implements AutoCloseable {

    static final String HOST = "host-1";
    static final String TOKEN = "host-token";

    private final HttpServer server;
    private final BlockingQueue<List<String>> scripts = new LinkedBlockingQueue<>();
    final List<String> lastEventIds = new CopyOnWriteArrayList<>();
    final List<String> acks = new CopyOnWriteArrayList<>();
    final List<String> probeResults = new CopyOnWriteArrayList<>();
    final List<String> authorizations = new CopyOnWriteArrayList<>();
    final List<String> statsReports = new CopyOnWriteArrayList<>();
    /** Acks still to refuse with 503 before recording again. */
    final AtomicInteger ackFailures = new AtomicInteger();
    /** Acks still to drop, closing their connection without an answer, as a server closing an idle one does. */
    final AtomicInteger ackDrops = new AtomicInteger();
    /** Stats posts still to refuse with 503 before recording again. */
    final AtomicInteger statsFailures = new AtomicInteger();

    FakeControlPlane() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setExecutor(Executors.newCachedThreadPool());
        server.createContext("/api/v1/hosts/" + HOST + "/table-stream", this::stream);
        server.createContext("/api/v1/hosts/" + HOST + "/acks", this::ack);
        server.createContext("/api/v1/hosts/" + HOST + "/probe-results", exchange -> record(exchange, probeResults));
        server.createContext("/api/v1/hosts/" + HOST + "/stats", this::stats);
        server.start();
    }

    URI uri() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    /** The next connection gets these chunks; end with null to close it, else it stays open. */
    void script(String... chunks) {
        scripts.add(java.util.Arrays.asList(chunks));
    }

    private void stream(HttpExchange exchange) throws IOException {
        authorizations.add(exchange.getRequestHeaders().getFirst("Authorization"));
        lastEventIds.add(String.valueOf(exchange.getRequestHeaders().getFirst("Last-Event-ID")));
        List<String> chunks;
        try {
            chunks = scripts.poll(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        exchange.getResponseHeaders().set("Content-Type", "text/event-stream");
        exchange.sendResponseHeaders(200, 0);
        OutputStream body = exchange.getResponseBody();
        if (chunks == null) {
            body.close();
            return;
        }
        for (String chunk : chunks) {
            if (chunk == null) {
                body.close();
                return;
            }
            body.write(chunk.getBytes(StandardCharsets.UTF_8));
            body.flush();
        }
        // Leave the stream open, as the real server does between changes.
    }

    private void ack(HttpExchange exchange) throws IOException {
        if (ackDrops.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
            exchange.getRequestBody().readAllBytes();
            exchange.close(); // no status line: the client reads end of stream
            return;
        }
        recordUnlessFailing(exchange, ackFailures, acks);
    }

    private void stats(HttpExchange exchange) throws IOException {
        authorizations.add(exchange.getRequestHeaders().getFirst("Authorization"));
        recordUnlessFailing(exchange, statsFailures, statsReports);
    }

    /** Answers 503 while {@code failures} is above zero (counting it down), else records the body. */
    private static void recordUnlessFailing(HttpExchange exchange, AtomicInteger failures, List<String> into)
            throws IOException {
        if (failures.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
            exchange.getRequestBody().readAllBytes();
            exchange.sendResponseHeaders(503, -1);
            exchange.close();
            return;
        }
        record(exchange, into);
    }

    private static void record(HttpExchange exchange, List<String> into) throws IOException {
        into.add(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
        exchange.sendResponseHeaders(204, -1);
        exchange.close();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
