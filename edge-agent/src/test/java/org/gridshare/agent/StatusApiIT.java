package org.gridshare.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.pi4j.Pi4J;
import com.pi4j.context.Context;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicLong;
import org.gridshare.agent.http.DailyEnergy;
import org.gridshare.agent.http.StatusServer;
import org.gridshare.agent.meter.S0MeterSource;
import org.gridshare.agent.outbox.Outbox;
import org.gridshare.agent.signing.ReadingSigner;
import org.gridshare.agent.uplink.MqttSession;
import org.gridshare.agent.uplink.MqttUplink;
import org.gridshare.drivers.s0.S0Counter;
import org.gridshare.drivers.s0.S0PulseInput;
import org.gridshare.drivers.s0.SimulatedS0Meter;
import org.gridshare.parts.EmbeddedHiveMq;
import org.gridshare.parts.MqttBroker;
import org.gridshare.protocol.Address;
import org.gridshare.protocol.Eip712Domain;
import org.gridshare.protocol.Secp256k1Signer;
import org.gridshare.testsupport.Await;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The status API over real HTTP, in front of a real agent (Pi4J mock GPIO, outbox, embedded HiveMQ CE). */
class StatusApiIT {
    private static final Eip712Domain DOMAIN =
            new Eip712Domain(31337, Address.fromHex("0x5fbdb2315678afecb367f032d93f642f64180aa3"));
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void status_reports_power_today_outbox_and_health_over_http() throws Exception {
        try (MqttBroker broker = EmbeddedHiveMq.start(Files.createDirectories(dir.resolve("mqtt")));
                Outbox outbox = Outbox.open(dir.resolve("outbox.db"), 1000)) {
            Context pi4j = Pi4J.newContextBuilder()
                    .autoDetectMockPlugins()
                    .autoDetectPlatforms()
                    .build();
            Secp256k1Signer key = Secp256k1Signer.generate();
            S0Counter counter = new S0Counter(1000, Duration.ofMillis(1).toNanos(), 0);
            AtomicLong fakeNanos = new AtomicLong();
            S0PulseInput input = new S0PulseInput(pi4j, 17, counter, () -> fakeNanos.addAndGet(50_000_000L));
            SimulatedS0Meter meter = new SimulatedS0Meter(pi4j, 17);
            DailyEnergy energy = new DailyEnergy(ZoneOffset.UTC);
            EdgeAgent agent = new EdgeAgent(
                    new S0MeterSource(counter, null, Clock.systemUTC(), input),
                    new ReadingSigner(key, DOMAIN, outbox, Clock.systemUTC()),
                    new MqttUplink(
                            new MqttSession(broker.serverUri(), "zone-s", key.address(), null, Clock.systemUTC())),
                    outbox,
                    new EdgeAgent.Delivery(Duration.ofMillis(20), 100, Duration.ofSeconds(30)),
                    r -> energy.accept(r.message()));
            HttpClient http = HttpClient.newBuilder()
                    .connectTimeout(Duration.ofSeconds(5))
                    .build();
            try (StatusServer server = StatusServer.start("127.0.0.1", 0, agent, energy, "zone-s", "test")) {
                agent.start(Duration.ofHours(1)); // the first round at once, the rest driven here
                URI status = URI.create("http://127.0.0.1:" + server.port() + "/status");
                // the scheduled first round reads 0 Wh; pulses only after it is stored
                awaitStatus(http, status, j -> j.path("lastReading").path("seq").asLong() == 1);
                meter.pulse(7); // 7 Wh
                agent.tick();
                meter.pulse(5); // 5 Wh more
                agent.tick();
                JsonNode s = awaitStatus(
                        http,
                        status,
                        j -> j.path("lastReading").path("seq").asLong() == 3
                                && j.path("uplink").path("health").asText().equals("UP"));
                assertEquals(3, s.path("lastReading").path("seq").asLong(), s.toString());
                assertEquals(key.address().toHex(), s.get("meter").asText());
                assertEquals(12_000, s.get("today").get("importMilliWh").asLong(), "12 Wh since the first reading");
                assertEquals(0, s.get("today").get("exportMilliWh").asLong());
                assertEquals(12_000, s.get("lastReading").get("importMilliWh").asLong());
                assertTrue(s.get("powerMilliW").isIntegralNumber());
                assertEquals(3, s.get("outbox").get("size").asLong(), "nothing acknowledged: all three kept");
                assertEquals(0, s.get("outbox").get("ackedThrough").asLong());
                assertEquals("OK", s.get("outbox").get("health").asText());
                assertEquals("OK", s.get("meterHealth").get("health").asText());
                assertEquals("UP", s.get("uplink").get("health").asText());
                assertEquals("OK", s.get("health").asText());

                HttpResponse<String> page = http.send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
                assertEquals(200, page.statusCode());
                assertTrue(page.body().contains("fetch('/status'"), "the page renders /status");
                HttpResponse<String> post = http.send(
                        HttpRequest.newBuilder(status)
                                .POST(HttpRequest.BodyPublishers.ofString("x"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
                assertEquals(405, post.statusCode(), "read-only API");
                HttpResponse<String> missing = http.send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/nope"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
                assertEquals(404, missing.statusCode());
            } finally {
                agent.close();
                meter.close();
                pi4j.shutdown();
            }
        }
    }

    /** Polls /status until {@code done} holds (15 s at most); returns the last document. */
    private static JsonNode awaitStatus(HttpClient http, URI status, java.util.function.Predicate<JsonNode> done)
            throws Exception {
        JsonNode[] last = new JsonNode[1];
        Await.holdsWithin(Duration.ofSeconds(15), () -> {
            try {
                HttpResponse<String> r =
                        http.send(HttpRequest.newBuilder(status).GET().build(), HttpResponse.BodyHandlers.ofString());
                assertEquals(200, r.statusCode());
                assertEquals(
                        "application/json",
                        r.headers().firstValue("Content-Type").orElse(""));
                last[0] = JSON.readTree(r.body());
                return done.test(last[0]);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted polling " + status, e);
            }
        });
        return last[0];
    }
}
