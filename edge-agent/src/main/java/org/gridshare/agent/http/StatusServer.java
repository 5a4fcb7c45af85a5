package org.gridshare.agent.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.gridshare.agent.EdgeAgent;
import org.gridshare.protocol.MeterReading;

/**
 * The household's local HTTP server (JDK {@code com.sun.net.httpserver}, one thread): {@code /status}
 * answers JSON with live power, today's import and export, the outbox and the health of meter,
 * uplink and outbox; {@code /} serves a small page that renders it. Read-only: GET and HEAD only.
 */
public final class StatusServer implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpServer server;
    private final ExecutorService executor;
    private final EdgeAgent agent;
    private final DailyEnergy energy;
    private final String zone;
    private final String version;
    private final java.util.List<StatusSection> sections;

    private StatusServer(
            HttpServer server,
            EdgeAgent agent,
            DailyEnergy energy,
            String zone,
            String version,
            java.util.List<StatusSection> sections) {
        this.sections = java.util.List.copyOf(sections);
        this.server = server;
        this.agent = agent;
        this.energy = energy;
        this.zone = zone;
        this.version = version;
        this.executor = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "gridshare-http");
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(executor);
        server.createContext("/status", ex -> respond(ex, "application/json", status()));
        server.createContext("/", ex -> {
            if (!ex.getRequestURI().getPath().equals("/")) {
                respond(
                        ex,
                        404,
                        "text/plain; charset=utf-8",
                        "not found\n".getBytes(java.nio.charset.StandardCharsets.UTF_8));
                return;
            }
            respond(ex, "text/html; charset=utf-8", page());
        });
    }

    /**
     * Starts serving on {@code bind:port} (port 0 picks a free one).
     *
     * @param energy fed with every committed reading by the caller (the agent's onSigned hook)
     */
    public static StatusServer start(
            String bind, int port, EdgeAgent agent, DailyEnergy energy, String zone, String version)
            throws IOException {
        return start(bind, port, agent, energy, zone, version, java.util.List.of());
    }

    /** As {@link #start(String, int, EdgeAgent, DailyEnergy, String, String)}, with extra sections (e.g. the market's). */
    public static StatusServer start(
            String bind,
            int port,
            EdgeAgent agent,
            DailyEnergy energy,
            String zone,
            String version,
            java.util.List<StatusSection> sections)
            throws IOException {
        HttpServer s = HttpServer.create(new InetSocketAddress(bind, port), 16);
        StatusServer status = new StatusServer(s, agent, energy, zone, version, sections);
        s.start();
        return status;
    }

    public int port() {
        return server.getAddress().getPort();
    }

    /** The /status document. */
    public byte[] status() throws IOException {
        ObjectNode n = JSON.createObjectNode();
        n.put("meter", agent.meterAddress().toHex());
        n.put("zone", zone);
        n.put("version", version);
        n.put("health", agent.health().name());
        MeterReading last = energy.last();
        n.put("powerMilliW", last == null ? null : last.powerMilliW());
        DailyEnergy.Today today = energy.today();
        ObjectNode t = n.putObject("today");
        if (today != null) {
            t.put("date", today.date().toString());
            t.put("importMilliWh", today.importMilliWh());
            t.put("exportMilliWh", today.exportMilliWh());
            t.put("sinceMs", today.sinceMs());
        }
        ObjectNode lr = n.putObject("lastReading");
        if (last != null) {
            lr.put("seq", last.seq());
            lr.put("timeMs", last.timeMs());
            lr.put("importMilliWh", last.importMilliWh());
            lr.put("exportMilliWh", last.exportMilliWh());
            lr.put("status", last.status());
        }
        ObjectNode o = n.putObject("outbox");
        o.put("size", agent.outboxSize());
        o.put("capacity", agent.outbox().capacity());
        o.put("ackedThrough", agent.ackedThrough());
        o.put("health", agent.outboxFailed() ? "FAILED" : agent.outboxFull() ? "FULL" : "OK");
        n.putObject("meterHealth").put("health", agent.meterFailed() ? "FAILED" : "OK");
        n.putObject("uplink").put("health", agent.uplinkDown() ? "DOWN" : "UP");
        ObjectNode c = n.putObject("counters");
        c.put("signed", agent.signedCount());
        c.put("published", agent.publishedCount());
        c.put("resent", agent.resentCount());
        c.put("rejected", agent.rejectedCount());
        for (StatusSection section : sections) {
            n.set(section.name(), section.render());
        }
        return JSON.writeValueAsBytes(n);
    }

    private static byte[] page() throws IOException {
        try (InputStream in = StatusServer.class.getResourceAsStream("index.html")) {
            if (in == null) {
                throw new IOException("index.html missing from the agent's jar");
            }
            return in.readAllBytes();
        }
    }

    /** A response body, made for each request. */
    public interface Body {
        byte[] get() throws IOException;
    }

    /**
     * Serves GET and HEAD on {@code path} with {@code body} (e.g. {@code /metrics}); a body that fails
     * answers 500 with the reason.
     */
    public void route(String path, String contentType, Body body) {
        server.createContext(path, ex -> {
            if (!ex.getRequestURI().getPath().equals(path)) {
                respond(
                        ex,
                        404,
                        "text/plain; charset=utf-8",
                        "not found\n".getBytes(java.nio.charset.StandardCharsets.UTF_8));
                return;
            }
            respond(ex, contentType, body);
        });
    }

    private static void respond(HttpExchange ex, String type, byte[] body) throws IOException {
        respond(ex, 200, type, body);
    }

    private void respond(HttpExchange ex, String type, Body body) throws IOException {
        byte[] b;
        try {
            b = body.get();
        } catch (IOException | RuntimeException e) {
            respond(
                    ex,
                    500,
                    "text/plain; charset=utf-8",
                    ("status unavailable: " + e.getMessage() + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8));
            return;
        }
        respond(ex, 200, type, b);
    }

    private static void respond(HttpExchange ex, int code, String type, byte[] body) throws IOException {
        try (ex) {
            String method = ex.getRequestMethod();
            if (!method.equals("GET") && !method.equals("HEAD")) {
                ex.getResponseHeaders().set("Allow", "GET, HEAD");
                ex.sendResponseHeaders(405, -1);
                return;
            }
            ex.getResponseHeaders().set("Content-Type", type);
            ex.getResponseHeaders().set("Cache-Control", "no-store");
            boolean head = method.equals("HEAD");
            ex.sendResponseHeaders(code, head ? -1 : body.length);
            if (!head) {
                try (OutputStream out = ex.getResponseBody()) {
                    out.write(body);
                }
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
