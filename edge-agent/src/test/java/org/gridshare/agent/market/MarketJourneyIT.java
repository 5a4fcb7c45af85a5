package org.gridshare.agent.market;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.paho.mqttv5.client.IMqttMessageListener;
import org.eclipse.paho.mqttv5.client.MqttClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.MqttSubscription;
import org.gridshare.agent.AgentTestMain;
import org.gridshare.agent.outbox.Outbox;
import org.gridshare.agent.statement.StatementStore;
import org.gridshare.agent.statement.StoredStatement;
import org.gridshare.parts.EmbeddedHiveMq;
import org.gridshare.parts.MqttBroker;
import org.gridshare.protocol.Address;
import org.gridshare.protocol.Bytes32;
import org.gridshare.protocol.Eip712;
import org.gridshare.protocol.Eip712Domain;
import org.gridshare.protocol.IntervalStatement;
import org.gridshare.protocol.MeterReading;
import org.gridshare.protocol.Order;
import org.gridshare.protocol.ReadingsRoot;
import org.gridshare.protocol.SignatureVerifier;
import org.gridshare.protocol.Signed;
import org.gridshare.protocol.keys.KeyFiles;
import org.gridshare.protocol.wire.JsonWire;
import org.gridshare.testsupport.Await;
import org.gridshare.testsupport.Reports;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.web3j.crypto.Hash;

/**
 * The household's market journey against a real broker (HiveMQ CE embedded), with the agent in a
 * child JVM exactly as {@code gridshare agent run} starts it: a simulated meter that exports more than
 * it imports, 10-second intervals, gate closure 3 s before each. The test plays the backend: it reads
 * the readings, statements and orders the agent publishes, checks them, and answers with a statement
 * verdict and an order verdict, fill and settlement (plus three messages that cannot be applied). Then the
 * agent is killed with SIGKILL and restarted: statements are never signed twice differently and nonces
 * keep increasing.
 */
class MarketJourneyIT {
    private static final String ZONE = "zone-m";
    private static final Eip712Domain READINGS =
            new Eip712Domain(31337, Address.fromHex("0x5fbdb2315678afecb367f032d93f642f64180aa3"));
    private static final Eip712Domain MARKET =
            new Eip712Domain(31337, Address.fromHex("0xe7f1725e7734ce288f8367e1bb143e90bb3f0512"));
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    /** One message the test received, with its arrival time. */
    record Received(long atMs, String topic, byte[] payload) {}

    private final List<Received> received = new CopyOnWriteArrayList<>();
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @Test
    void statements_orders_fills_and_a_kill_keep_every_promise() throws Exception {
        try (MqttBroker broker = EmbeddedHiveMq.start(Files.createDirectories(dir.resolve("mqtt")))) {
            Path config = dir.resolve("agent.yaml");
            Files.writeString(config, """
          dataDir: data
          zone: %s
          readingPeriodMs: 200
          chain: {chainId: 31337, verifyingContract: "%s"}
          meter: {type: s0-simulated, importGpio: 17, exportGpio: 27, impulsesPerKWh: 1000, debounceMs: 1,
                  simulatedPulsesPerSecond: 2, simulatedExportPulsesPerSecond: 6}
          mqtt: {serverUri: "%s"}
          outbox: {groupCommitMs: 100, ackTimeoutMs: 1000}
          homeAssistant: {enabled: false}
          http: {port: 0}
          market:
            contract: "%s"
            intervalSeconds: 10
            gateClosureSeconds: 3
            minSellPricePerKWh: 80
            maxBuyPricePerKWh: 400
            dailyBudgetBaseUnits: 1000
            reserveMilliWh: 5000
            feedInTariff: 100
            retailTariff: 250
          """.formatted(
                            ZONE,
                            READINGS.verifyingContract().toHex(),
                            broker.serverUri(),
                            MARKET.verifyingContract().toHex()));
            MqttClient backend =
                    new MqttClient(broker.serverUri(), "backend-" + UUID.randomUUID(), new MemoryPersistence());
            MqttConnectionOptions options = new MqttConnectionOptions();
            options.setConnectionTimeout(10);
            backend.connect(options);
            IMqttMessageListener record =
                    (topic, msg) -> received.add(new Received(System.currentTimeMillis(), topic, msg.getPayload()));
            backend.subscribe(
                    new MqttSubscription[] {
                        new MqttSubscription("gridshare/v1/" + ZONE + "/+/readings", 1),
                        new MqttSubscription("gridshare/v1/" + ZONE + "/+/statements", 1),
                        new MqttSubscription("gridshare/v1/" + ZONE + "/+/orders", 1)
                    },
                    new IMqttMessageListener[] {record, record, record});

            // the backend's reading acks, so the agent's outbox drains as it would in the field
            org.gridshare.agent.fault.ContiguousAcker acker =
                    new org.gridshare.agent.fault.ContiguousAcker(READINGS, ZONE);
            acker.connect(broker.serverUri());
            Agent agent = Agent.start(config);
            Address meter = Address.fromHex(agent.await("meter (0x[0-9a-f]{40})", 30));
            Address household = Address.fromHex(agent.await("trading as household (0x[0-9a-f]{40})", 30));
            URI status = URI.create(
                    "http://127.0.0.1:" + agent.await("status on http://127\\.0\\.0\\.1:(\\d+)/", 30) + "/status");

            // 1. a statement that matches the readings, signed by the meter in the market's domain
            Signed<IntervalStatement> first = Await.valueChecked(
                    "a first statement",
                    Duration.ofSeconds(25),
                    () -> statements().stream().findFirst());
            IntervalStatement s = first.message();
            assertEquals(meter, SignatureVerifier.recover(MARKET, first));
            assertEquals(10, s.intervalSeconds());
            assertEquals(0, s.intervalStartMs() % 10_000);
            Map<Long, MeterReading> readings =
                    Await.valueChecked("the readings of the first statement", Duration.ofSeconds(10), () -> {
                        Map<Long, MeterReading> r = readings();
                        for (long q = s.firstSeq(); q <= s.lastSeq(); q++) {
                            if (!r.containsKey(q)) {
                                return java.util.Optional.empty();
                            }
                        }
                        return java.util.Optional.of(r);
                    });
            checkAgainstReadings(s, readings);

            // 2. re-published, byte for byte, until the verdict; the verdict shows on the page
            Await.valueChecked(
                    "the first statement re-published",
                    Duration.ofSeconds(10),
                    () -> copies(s.intervalStartMs()).size() >= 2
                            ? java.util.Optional.of(true)
                            : java.util.Optional.empty());
            for (byte[] copy : copies(s.intervalStartMs())) {
                assertArrayEquals(copies(s.intervalStartMs()).get(0), copy, "a re-send is the same statement");
            }
            publish(
                    backend,
                    "gridshare/v1/" + ZONE + "/" + meter.toHex() + "/statement-acks",
                    "{\"intervalStartMs\":" + s.intervalStartMs() + ",\"status\":\"accepted\"}");
            awaitStatus(
                    status,
                    j -> j.path("market").path("statements").path("accepted").asLong() == 1);
            int copiesAtAck = copies(s.intervalStartMs()).size();

            // 3. an order before gate closure, signed by the household, selling the forecast surplus above the reserve
            Received orderMsg = Await.valueChecked(
                    "a first order",
                    Duration.ofSeconds(30),
                    () -> received.stream()
                            .filter(r -> r.topic().endsWith("/orders"))
                            .findFirst());
            Signed<Order> order = JsonWire.decodeOrder(orderMsg.payload());
            Order o = order.message();
            assertEquals(household, SignatureVerifier.recover(MARKET, order));
            assertEquals("gridshare/v1/" + ZONE + "/" + household.toHex() + "/orders", orderMsg.topic());
            assertEquals(household, o.account());
            assertEquals(new Bytes32(Hash.sha3(ZONE.getBytes(StandardCharsets.UTF_8))), o.zone());
            assertEquals(0, o.intervalStartMs() % 10_000);
            assertTrue(
                    orderMsg.atMs() < o.intervalStartMs() - 3_000,
                    "arrived " + (o.intervalStartMs() - orderMsg.atMs())
                            + " ms before the interval, gate closure is 3000 ms before");
            assertTrue(
                    Long.compareUnsigned(o.expiryMs(), o.intervalStartMs() - 3_000) >= 0, "valid until gate closure");
            assertEquals(Order.SELL, o.side(), "the simulated household exports more than it imports");
            assertEquals(100, o.limitPricePerKWh(), "the minimum sell price 80 clamped to the feed-in tariff");
            checkForecast(o, orderMsg.atMs());

            // the acknowledged statement was not sent again (one copy may have been in flight)
            assertTrue(copies(s.intervalStartMs()).size() <= copiesAtAck + 1, "re-sent after its verdict");

            // 4. verdict, fill and settlement are recorded and shown; what cannot be applied is kept
            String fills = "gridshare/v1/" + ZONE + "/" + household.toHex() + "/fills";
            String digest = Eip712.digest(MARKET, o).toHex();
            long filled = o.energyMilliWh() / 2;
            publish(
                    backend,
                    fills,
                    "{\"type\":\"order\",\"orderDigest\":\"" + digest + "\",\"intervalStartMs\":" + o.intervalStartMs()
                            + ",\"status\":\"accepted\"}");
            publish(
                    backend,
                    fills,
                    "{\"type\":\"fill\",\"orderDigest\":\"" + digest + "\",\"intervalStartMs\":"
                            + o.intervalStartMs() + ",\"side\":\"sell\",\"energyMilliWh\":" + o.energyMilliWh()
                            + ",\"filledMilliWh\":"
                            + filled + ",\"clearingPricePerKWh\":130}");
            publish(
                    backend,
                    fills,
                    "{\"type\":\"settlement\",\"orderDigest\":\"" + digest + "\",\"intervalStartMs\":"
                            + o.intervalStartMs() + ",\"netBaseUnits\":\"1234\",\"deliveredMilliWh\":" + filled
                            + ",\"txHash\":\"0x"
                            + "ab".repeat(32) + "\",\"blockNumber\":7}");
            publish(backend, fills, "{\"type\":\"fill\",\"intervalStartMs\":1.5}");
            publish(
                    backend,
                    fills,
                    "{\"type\":\"order\",\"orderDigest\":\"0x" + "cd".repeat(32)
                            + "\",\"intervalStartMs\":0,\"status\":\"accepted\"}");
            publish(
                    backend,
                    "gridshare/v1/" + ZONE + "/" + meter.toHex() + "/statement-acks",
                    "{\"intervalStartMs\":\"soon\",\"status\":\"accepted\"}");
            JsonNode m = awaitStatus(
                            status,
                            j -> j.path("market")
                                            .path("earningsTodayBaseUnits")
                                            .asText()
                                            .equals("1234")
                                    && j.path("market")
                                                    .path("messagesNotApplied")
                                                    .asInt()
                                            == 3)
                    .path("market");
            JsonNode fill = m.path("fillsToday").get(0);
            assertEquals(digest, fill.path("digest").asText());
            assertEquals(filled, fill.path("filledMilliWh").asLong());
            assertEquals(130, fill.path("clearingPricePerKWh").asLong());
            assertEquals("accepted", fill.path("status").asText());
            for (JsonNode open : m.path("openOrders")) {
                assertTrue(!open.path("digest").asText().equals(digest), "a cleared order is not open: " + m);
            }
            assertTrue(m.path("statements").path("pending").isIntegralNumber());

            // 5. SIGKILL, then a restart: statements and nonces are kept, nothing is signed twice
            agent.kill();
            Map<Long, byte[]> statementsBefore = new HashMap<>();
            long lastNonceBefore;
            try (Outbox outbox = Outbox.open(dir.resolve("data/outbox.db"), 1)) {
                StatementStore store = new StatementStore(
                        outbox, KeyFiles.loadOrCreate(dir.resolve("data/meter.key")), MARKET, 10, Clock.systemUTC());
                for (StoredStatement st : store.list(null, 1000)) {
                    statementsBefore.put(st.intervalStartMs(), st.payload());
                }
                lastNonceBefore = new OrderStore(outbox, MARKET).lastNonce();
            }
            assertTrue(lastNonceBefore >= o.nonce());
            long lastStatedBefore = statementsBefore.keySet().stream()
                    .mapToLong(Long::longValue)
                    .max()
                    .orElseThrow();
            long lastOrderedBefore = orders().stream()
                    .mapToLong(x -> x.message().intervalStartMs())
                    .max()
                    .orElseThrow();

            Agent again = Agent.start(config);
            again.await("(running)", 30);
            Signed<Order> later;
            try {
                later = Await.valueChecked(
                        "an order after the restart",
                        Duration.ofSeconds(40),
                        () -> orders().stream()
                                .filter(x -> x.message().intervalStartMs() > lastOrderedBefore)
                                .findFirst());
            } catch (AssertionError e) {
                throw new AssertionError(
                        e.getMessage() + "; orders before the kill up to " + lastOrderedBefore
                                + ", agent output before:\n" + agent.output() + "\nafter:\n" + again.output(),
                        e);
            }
            assertTrue(
                    Long.compareUnsigned(later.message().nonce(), lastNonceBefore) > 0,
                    "nonce reused after the restart");
            Await.valueChecked(
                    "a statement after the restart",
                    Duration.ofSeconds(20),
                    () -> statements().stream()
                            .filter(x -> x.message().intervalStartMs() > lastStatedBefore)
                            .findFirst());
            again.stop();

            Map<Long, byte[]> seen = new HashMap<>();
            for (Received r : received) {
                if (r.topic().endsWith("/statements")) {
                    long start = JsonWire.decodeStatement(r.payload()).message().intervalStartMs();
                    byte[] earlier = seen.putIfAbsent(start, r.payload());
                    if (earlier != null) {
                        assertArrayEquals(earlier, r.payload(), "interval " + start + " was signed twice differently");
                    }
                }
            }
            statementsBefore.forEach((start, payload) -> {
                if (seen.containsKey(start)) {
                    assertArrayEquals(
                            payload, seen.get(start), "stored and published statement of " + start + " differ");
                }
            });
            List<Signed<Order>> all = orders();
            Map<Long, Long> nonceByInterval = new HashMap<>();
            for (Signed<Order> x : all) {
                Long prev = nonceByInterval.putIfAbsent(
                        x.message().intervalStartMs(), x.message().nonce());
                assertTrue(prev == null || prev == x.message().nonce(), "two orders for one interval");
            }
            List<Long> intervals = new ArrayList<>(nonceByInterval.keySet());
            intervals.sort(null);
            for (int i = 1; i < intervals.size(); i++) {
                assertTrue(
                        nonceByInterval.get(intervals.get(i)) > nonceByInterval.get(intervals.get(i - 1)),
                        "nonces increase with the intervals: " + nonceByInterval);
            }
            Reports.printf(
                    "market-journey.txt",
                    "MarketJourneyIT: %d statements (%d intervals), %d orders (%d intervals), "
                            + "0 signed twice, nonces %s%n",
                    received.stream()
                            .filter(r -> r.topic().endsWith("/statements"))
                            .count(),
                    seen.size(),
                    all.size(),
                    intervals.size(),
                    nonceByInterval.values().stream().sorted().toList());
            backend.disconnect();
            backend.close();
            acker.close();
        }
    }

    private static void checkAgainstReadings(IntervalStatement s, Map<Long, MeterReading> readings) {
        List<MeterReading> covered = new ArrayList<>();
        for (long q = s.firstSeq(); q <= s.lastSeq(); q++) {
            MeterReading r = readings.get(q);
            assertTrue(r.timeMs() >= s.intervalStartMs() && r.timeMs() < s.intervalStartMs() + 10_000, "seq " + q);
            covered.add(r);
        }
        MeterReading last = readings.get(s.lastSeq());
        assertEquals(last.importMilliWh(), s.importEnd());
        assertEquals(last.exportMilliWh(), s.exportEnd());
        MeterReading before = readings.get(s.firstSeq() - 1);
        MeterReading start = before == null ? readings.get(s.firstSeq()) : before;
        if (before != null) {
            assertTrue(before.timeMs() < s.intervalStartMs());
        }
        assertEquals(start.importMilliWh(), s.importStart());
        assertEquals(start.exportMilliWh(), s.exportStart());
        MeterReading after = readings.get(s.lastSeq() + 1);
        if (after != null) {
            assertTrue(after.timeMs() >= s.intervalStartMs() + 10_000, "the interval's last reading is lastSeq");
        }
        assertEquals(ReadingsRoot.ofReadings(READINGS, covered), s.readingsRoot());
    }

    /**
     * The order's energy is the smoothed net of the complete statements published before it (α = 50%)
     * minus the 5 Wh reserve; the statement signed in the same round may already count.
     */
    private void checkForecast(Order o, long orderAtMs) throws Exception {
        List<Long> nets = new ArrayList<>();
        for (Signed<IntervalStatement> st : statements()) {
            IntervalStatement x = st.message();
            nets.add((x.exportEnd() - x.exportStart()) - (x.importEnd() - x.importStart()));
        }
        // the first statement of a fresh agent covers only part of its interval: not used by the forecast
        List<Long> complete = nets.subList(1, nets.size());
        List<Long> candidates = new ArrayList<>();
        for (int n = 1; n <= complete.size(); n++) {
            OptionalLong f = NetForecaster.smoothed(complete.subList(0, n), 50);
            candidates.add(f.getAsLong() - 5_000);
        }
        assertTrue(
                candidates.contains(o.energyMilliWh()),
                "order energy " + o.energyMilliWh() + " is not a forecast minus the reserve of " + complete + ": "
                        + candidates);
        assertTrue(o.energyMilliWh() > 0);
    }

    private List<Signed<IntervalStatement>> statements() throws Exception {
        List<Signed<IntervalStatement>> out = new ArrayList<>();
        Map<Long, Boolean> seen = new HashMap<>();
        for (Received r : received) {
            if (r.topic().endsWith("/statements")) {
                Signed<IntervalStatement> st = JsonWire.decodeStatement(r.payload());
                if (seen.putIfAbsent(st.message().intervalStartMs(), true) == null) {
                    out.add(st);
                }
            }
        }
        out.sort((a, b) ->
                Long.compare(a.message().intervalStartMs(), b.message().intervalStartMs()));
        return out;
    }

    private List<byte[]> copies(long intervalStartMs) throws Exception {
        List<byte[]> out = new ArrayList<>();
        for (Received r : received) {
            if (r.topic().endsWith("/statements")
                    && JsonWire.decodeStatement(r.payload()).message().intervalStartMs() == intervalStartMs) {
                out.add(r.payload());
            }
        }
        return out;
    }

    private List<Signed<Order>> orders() throws Exception {
        List<Signed<Order>> out = new ArrayList<>();
        for (Received r : received) {
            if (r.topic().endsWith("/orders")) {
                out.add(JsonWire.decodeOrder(r.payload()));
            }
        }
        return out;
    }

    private Map<Long, MeterReading> readings() throws Exception {
        Map<Long, MeterReading> out = new HashMap<>();
        for (Received r : received) {
            if (r.topic().endsWith("/readings")) {
                MeterReading m = JsonWire.decodeReading(r.payload()).message();
                out.put(m.seq(), m);
            }
        }
        return out;
    }

    private static void publish(MqttClient c, String topic, String json) throws Exception {
        MqttMessage m = new MqttMessage(json.getBytes(StandardCharsets.UTF_8));
        m.setQos(1);
        c.publish(topic, m);
    }

    private JsonNode awaitStatus(URI status, Predicate<JsonNode> done) throws Exception {
        JsonNode[] last = new JsonNode[1];
        try {
            return Await.valueChecked("the status", Duration.ofSeconds(15), () -> {
                HttpResponse<String> r =
                        http.send(HttpRequest.newBuilder(status).GET().build(), HttpResponse.BodyHandlers.ofString());
                last[0] = JSON.readTree(r.body());
                return done.test(last[0]) ? java.util.Optional.of(last[0]) : java.util.Optional.empty();
            });
        } catch (AssertionError e) {
            throw new AssertionError("status never matched: " + last[0], e);
        }
    }

    /** The agent in a child JVM, its output collected line by line. */
    static final class Agent {
        private final Process process;
        private final List<String> lines = new CopyOnWriteArrayList<>();

        private Agent(Process p) {
            this.process = p;
            Thread t = new Thread(() -> {
                try (BufferedReader r =
                        new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                    String line;
                    while ((line = r.readLine()) != null) {
                        lines.add(line);
                    }
                } catch (java.io.IOException ignored) {
                    // the child is gone
                }
            });
            t.setDaemon(true);
            t.start();
        }

        static Agent start(Path config) throws Exception {
            String java = ProcessHandle.current().info().command().orElse("java");
            ProcessBuilder pb = new ProcessBuilder(
                    java,
                    "-Xmx128m",
                    "--enable-native-access=ALL-UNNAMED",
                    "-cp",
                    System.getProperty("java.class.path"),
                    AgentTestMain.NAME,
                    "run",
                    "--config",
                    config.toString());
            pb.redirectErrorStream(true);
            pb.environment().remove("GRIDSHARE_DATA_DIR");
            return new Agent(pb.start());
        }

        /** The first group of the first output line matching {@code regex}. */
        String await(String regex, int seconds) throws Exception {
            Pattern p = Pattern.compile(regex);
            try {
                return Await.valueChecked("agent output /" + regex + "/", Duration.ofSeconds(seconds), () -> {
                    for (String l : lines) {
                        Matcher m = p.matcher(l);
                        if (m.find()) {
                            return java.util.Optional.of(m.group(1));
                        }
                    }
                    if (!process.isAlive()) {
                        throw new AssertionError(
                                "agent exited " + process.exitValue() + ":\n" + String.join("\n", lines));
                    }
                    return java.util.Optional.empty();
                });
            } catch (AssertionError e) {
                throw new AssertionError(e.getMessage() + "\n" + String.join("\n", lines), e);
            }
        }

        String output() {
            return String.join("\n", lines);
        }

        void kill() throws Exception {
            process.destroyForcibly();
            assertTrue(process.waitFor(30, TimeUnit.SECONDS));
        }

        void stop() throws Exception {
            process.destroy();
            assertTrue(process.waitFor(30, TimeUnit.SECONDS), "agent did not stop on SIGTERM");
        }
    }
}
