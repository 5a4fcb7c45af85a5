package org.gridshare.backend.observe;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.function.Supplier;

/**
 * The backend's HTTP endpoints for the operator's monitoring: {@code /metrics} (Prometheus),
 * {@code /health} (liveness: 200 while no component has failed for good) and {@code /ready} (200 once
 * every component runs, so a load balancer or a rolling upgrade waits for it). Health and readiness
 * answer a small JSON object naming each component's state. Read-only; bind it to a local or
 * monitoring-only address.
 */
public final class ObservabilityServer implements AutoCloseable {
    /** What a probe sees: the verdict and each component's state. */
    public record Probe(boolean ok, Map<String, String> components) {}

    private final HttpServer server;

    private ObservabilityServer(HttpServer server) {
        this.server = server;
    }

    /** Binds {@code bind:port} (0: any free port) and serves until {@link #close()}. */
    public static ObservabilityServer start(
            String bind, int port, BackendMetrics metrics, Supplier<Probe> health, Supplier<Probe> ready)
            throws IOException {
        HttpServer s = HttpServer.create(new InetSocketAddress(bind, port), 16);
        s.setExecutor(Executors.newFixedThreadPool(
                2, Thread.ofPlatform().name("gridshare-http-", 0).daemon().factory()));
        s.createContext("/metrics", ex -> respond(ex, 200, BackendMetrics.CONTENT_TYPE, metrics.scrape()));
        s.createContext("/health", ex -> probe(ex, health.get()));
        s.createContext("/ready", ex -> probe(ex, ready.get()));
        s.createContext(
                "/",
                ex -> respond(
                        ex,
                        404,
                        "text/plain; charset=utf-8",
                        "try /metrics, /health or /ready\n".getBytes(StandardCharsets.UTF_8)));
        s.start();
        return new ObservabilityServer(s);
    }

    public int port() {
        return server.getAddress().getPort();
    }

    private static void probe(HttpExchange ex, Probe p) throws IOException {
        StringBuilder json = new StringBuilder("{\"status\":\"")
                .append(p.ok() ? "ok" : "failing")
                .append("\"");
        json.append(",\"components\":{");
        boolean first = true;
        for (Map.Entry<String, String> c : p.components().entrySet()) {
            json.append(first ? "" : ",")
                    .append('"')
                    .append(c.getKey())
                    .append("\":\"")
                    .append(c.getValue())
                    .append('"');
            first = false;
        }
        json.append("}}\n");
        respond(ex, p.ok() ? 200 : 503, "application/json", json.toString().getBytes(StandardCharsets.UTF_8));
    }

    private static void respond(HttpExchange ex, int status, String type, byte[] body) throws IOException {
        try (ex) {
            if (!ex.getRequestMethod().equals("GET")) {
                ex.sendResponseHeaders(405, -1);
                return;
            }
            ex.getResponseHeaders().set("Content-Type", type);
            ex.sendResponseHeaders(status, body.length);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(body);
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
