package org.gridshare.agent.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.gridshare.agent.AgentProcess;
import org.gridshare.agent.fault.ContiguousAcker;
import org.gridshare.parts.InstalledParts;
import org.gridshare.parts.Mosquitto;
import org.gridshare.parts.MqttBroker;
import org.gridshare.protocol.Address;
import org.gridshare.protocol.Eip712Domain;
import org.gridshare.protocol.Secp256k1Signer;
import org.gridshare.testsupport.Await;
import org.gridshare.testsupport.Reports;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The device's observability, on the agent as the systemd unit runs it (its own JVM, JSON logs at
 * DEBUG, a real Mosquitto, an acknowledging backend stand-in): {@code /metrics} scraped over HTTP and
 * parsed, and the whole log checked for the meter's private key in every spelling.
 */
class DeviceObservabilityIT {
    private static final Eip712Domain DOMAIN =
            new Eip712Domain(31337, Address.fromHex("0x5fbdb2315678afecb367f032d93f642f64180aa3"));
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern STATUS_LINE = Pattern.compile("status on http:.*127\\.0\\.0\\.1:(\\d+)");

    @TempDir
    Path dir;

    @Test
    void metrics_are_scraped_over_http_and_json_logs_never_contain_the_key() throws Exception {
        InstalledParts.requireMosquitto();
        byte[] secret = knownKey(new Random(20261125L));
        Secp256k1Signer key = Secp256k1Signer.fromPrivateKey(secret.clone());
        Path data = Files.createDirectories(dir.resolve("data"));
        Path keyFile = data.resolve("meter.key");
        Files.writeString(keyFile, HexFormat.of().formatHex(secret) + "\n");
        Files.setPosixFilePermissions(keyFile, PosixFilePermissions.fromString("rw-------"));
        try (MqttBroker broker = Mosquitto.start(Files.createDirectories(dir.resolve("mqtt")));
                ContiguousAcker acker = new ContiguousAcker(DOMAIN, "zone-m")) {
            acker.connect(broker.serverUri());
            Path config = dir.resolve("agent.yaml");
            Files.writeString(config, """
          dataDir: data
          zone: zone-m
          readingPeriodMs: 20
          chain: {chainId: 31337, verifyingContract: "0x5fbdb2315678afecb367f032d93f642f64180aa3"}
          meter: {type: s0-simulated, importGpio: 17, impulsesPerKWh: 1000, debounceMs: 1, simulatedPulsesPerSecond: 100}
          mqtt: {serverUri: "%s"}
          outbox: {groupCommitMs: 50, inFlightWindow: 200, ackTimeoutMs: 2000}
          http: {port: 0}
          logging: {format: json, level: DEBUG}
          """.formatted(broker.serverUri()));
            List<String> out;
            List<String> err;
            long stopAt;
            long stoppedAt;
            try (AgentProcess agent = AgentProcess.start(config, List.of(), Map.of())) {
                String statusLine = agent.awaitLine(l -> STATUS_LINE.matcher(l).find(), Duration.ofSeconds(30));
                Matcher m = STATUS_LINE.matcher(statusLine);
                assertTrue(m.find());
                URI metrics = URI.create("http://127.0.0.1:" + m.group(1) + "/metrics");
                HttpClient http = HttpClient.newBuilder()
                        .connectTimeout(Duration.ofSeconds(5))
                        .build();

                Exposition e = awaitScrape(
                        http,
                        metrics,
                        x -> x.value("gridshare_agent_readings_signed_total") >= 300
                                && x.value("gridshare_agent_acked_through_seq") >= 200);
                Files.writeString(
                        Path.of("target", "device-metrics-scrape.txt"),
                        e.samples().toString()); // a real scrape, for the metrics table of docs/operations.md
                assertEquals(
                        "counter",
                        e.types().get("gridshare_agent_readings_signed_total"),
                        e.types().toString());
                assertEquals("gauge", e.types().get("gridshare_agent_outbox_readings"));
                assertEquals("histogram", e.types().get("gridshare_agent_outbox_commit_seconds"));
                assertEquals(
                        1,
                        e.value(
                                "gridshare_agent_info",
                                "meter=\"" + key.address().toHex() + "\",version=\"0.1.0-SNAPSHOT\",zone=\"zone-m\""));
                assertEquals(1, e.value("gridshare_agent_uplink_connected"));
                assertEquals(1, e.value("gridshare_agent_meter_up"));
                assertEquals(1, e.value("gridshare_agent_health", "state=\"OK\""));
                assertEquals(0, e.value("gridshare_agent_health", "state=\"UPLINK_DOWN\""));
                assertEquals(0, e.value("gridshare_agent_uplink_reconnects_total"));
                assertEquals(0, e.value("gridshare_agent_readings_rejected_total"));
                assertEquals(300_000, e.value("gridshare_agent_outbox_capacity_readings"));
                assertTrue(e.value("gridshare_agent_last_committed_seq")
                        <= e.value("gridshare_agent_readings_signed_total"));
                assertTrue(e.value("gridshare_agent_readings_published_total")
                        >= e.value("gridshare_agent_acked_through_seq"));
                assertTrue(
                        e.value("gridshare_agent_outbox_oldest_unacked_age_seconds") < 10,
                        "acks keep the outbox young");
                double commits = e.value("gridshare_agent_outbox_commit_seconds_count");
                assertTrue(commits >= 5, "group commits timed: " + commits);
                assertEquals(commits, e.value("gridshare_agent_outbox_commit_seconds_bucket", "le=\"+Inf\""));
                assertTrue(e.value("jvm_memory_used_bytes", "area=\"heap\"") > 0);
                assertTrue(e.value("process_resident_memory_bytes") > 10e6, "RSS from /proc");
                assertTrue(e.value("jvm_threads_current") > 5);

                acker.close(); // the backend goes quiet: the oldest unacknowledged reading ages, the outbox grows
                double before = e.value("gridshare_agent_outbox_readings");
                Exposition quiet = awaitScrape(
                        http, metrics, x -> x.value("gridshare_agent_outbox_oldest_unacked_age_seconds") >= 2);
                assertTrue(quiet.value("gridshare_agent_outbox_readings") > before);

                stopAt = System.currentTimeMillis();
                assertEquals(
                        143,
                        agent.stop(),
                        "128 + SIGTERM after the orderly stop (the unit lists it in SuccessExitStatus)");
                stoppedAt = System.currentTimeMillis();
                out = agent.stdout();
                err = agent.stderr();
            }

            // every line the agent wrote to standard output is one JSON object
            List<JsonNode> events = new ArrayList<>();
            for (String line : out) {
                JsonNode n = JSON.readTree(line);
                assertTrue(n.isObject() && n.has("level") && n.has("timestamp") && n.has("formattedMessage"), line);
                events.add(n);
            }
            String meterHex = key.address().toHex();
            assertTrue(
                    events.stream()
                            .anyMatch(n -> n.path("loggerName").asText().equals("org.gridshare.agent.console")
                                    && n.path("formattedMessage").asText().contains("first reading signed and stored")
                                    && n.path("mdc").path("meter").asText().equals(meterHex)),
                    "status lines become JSON events");
            assertTrue(
                    events.stream()
                            .anyMatch(n -> n.path("level").asText().equals("DEBUG")
                                    && n.path("mdc").path("meter").asText().equals(meterHex)
                                    && n.path("mdc").path("seq").asText().matches("\\d+")),
                    "commit events carry meter and seq");
            assertTrue(
                    events.stream()
                            .anyMatch(n -> n.path("formattedMessage").asText().contains("stopped; signed")),
                    () -> "no stop line; SIGTERM at " + stopAt + ", exit after " + (stoppedAt - stopAt)
                            + " ms, last lines: " + out.subList(Math.max(0, out.size() - 4), out.size()) + " " + err);

            String all = (String.join("\n", out) + "\n" + String.join("\n", err)).toLowerCase(Locale.ROOT);
            String hex = HexFormat.of().formatHex(secret);
            List<String> spellings = List.of(
                    hex,
                    new BigInteger(1, secret).toString(16),
                    new BigInteger(1, secret).toString(),
                    Base64.getEncoder().encodeToString(secret).toLowerCase(Locale.ROOT),
                    hex.substring(0, 16),
                    hex.substring(48));
            for (String s : spellings) {
                assertFalse(all.contains(s), "key material in the log: " + s.substring(0, 6) + "…");
            }
            Reports.printf(
                    "device-observability.txt",
                    "DeviceObservabilityIT: %d JSON log lines (%d DEBUG), %d stderr lines, key absent in %d "
                            + "spellings%n",
                    events.size(),
                    events.stream()
                            .filter(n -> n.path("level").asText().equals("DEBUG"))
                            .count(),
                    err.size(),
                    spellings.size());
        }
    }

    /** 32 seeded bytes that form a valid secp256k1 key (a test key, not a secret anywhere else). */
    private static byte[] knownKey(Random random) {
        byte[] k = new byte[32];
        random.nextBytes(k);
        k[0] &= 0x7f; // below the group order
        return k;
    }

    private static Exposition awaitScrape(HttpClient http, URI uri, Predicate<Exposition> done) throws Exception {
        Exposition[] last = new Exposition[1];
        Await.untilChecked(
                "a scrape that meets the condition",
                Duration.ofSeconds(30),
                () -> {
                    HttpResponse<String> r =
                            http.send(HttpRequest.newBuilder(uri).GET().build(), HttpResponse.BodyHandlers.ofString());
                    assertEquals(200, r.statusCode());
                    assertEquals(
                            "text/plain; version=0.0.4; charset=utf-8",
                            r.headers().firstValue("Content-Type").orElse(""));
                    last[0] = Exposition.parse(r.body());
                    return done.test(last[0]);
                },
                () -> "last scrape: " + (last[0] == null ? null : last[0].samples()));
        return last[0];
    }
}
