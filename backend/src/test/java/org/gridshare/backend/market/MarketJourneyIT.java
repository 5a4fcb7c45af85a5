package org.gridshare.backend.market;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.eclipse.paho.mqttv5.client.IMqttMessageListener;
import org.eclipse.paho.mqttv5.client.MqttClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttSubscription;
import org.gridshare.backend.Backend;
import org.gridshare.backend.BackendConfig;
import org.gridshare.backend.kafka.KafkaClients;
import org.gridshare.backend.market.MarketFixture.Household;
import org.gridshare.backend.market.settlement.SettlementJob;
import org.gridshare.backend.testing.Publisher;
import org.gridshare.backend.testing.TestFiles;
import org.gridshare.contracts.MarketClient;
import org.gridshare.contracts.SettlementPolicy;
import org.gridshare.parts.AnvilNode;
import org.gridshare.parts.EmbeddedHiveMq;
import org.gridshare.parts.KafkaNode;
import org.gridshare.parts.MqttBroker;
import org.gridshare.parts.RepoRoot;
import org.gridshare.protocol.Bytes32;
import org.gridshare.protocol.Eip712;
import org.gridshare.protocol.Eip712Domain;
import org.gridshare.protocol.IntervalStatement;
import org.gridshare.protocol.MeterReading;
import org.gridshare.protocol.Order;
import org.gridshare.protocol.Secp256k1Signer;
import org.gridshare.protocol.Signed;
import org.gridshare.protocol.Topics;
import org.gridshare.protocol.ZoneIds;
import org.gridshare.protocol.wire.JsonWire;
import org.gridshare.testsupport.Await;
import org.gridshare.testsupport.TestClock;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The market over real parts: households' signed orders and meters' signed statements published over
 * HiveMQ CE with the protocol library, through the backend's bridge into a KRaft Kafka broker, cleared at
 * gate closure, settled on an EnergyMarket deployed on anvil. Market time is a clock the test moves
 * (20 s intervals, gate closure 5 s before the start, statement grace 4 s); the chain and Kafka run in
 * real time.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MarketJourneyIT {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final long INTERVAL_MS = 20_000;
    private static final long GATE_MS = 5_000;
    private static final long GRACE_MS = 4_000;
    private static final ObjectMapper JSON = new ObjectMapper();

    private Path work;
    private KafkaNode kafka;
    private AnvilNode anvil;
    private MqttBroker broker;
    private MarketFixture fx;
    private TestClock clock;
    private Publisher publisher;
    private MqttClient subscriber;
    private final List<JsonNode> messages = new CopyOnWriteArrayList<>();

    @BeforeAll
    void startParts() throws Exception {
        work = Files.createTempDirectory("market-journey");
        kafka = KafkaNode.start(work.resolve("kafka"));
        Backend.createTopics(kafka.bootstrapServers());
        anvil = AnvilNode.start(RepoRoot.find());
        fx = new MarketFixture(anvil, 2026);
        broker = EmbeddedHiveMq.start(work.resolve("mqtt"));
        clock = TestClock.at(System.currentTimeMillis());
        publisher = new Publisher(broker.serverUri());
        subscriber = new MqttClient(broker.serverUri(), "households-" + UUID.randomUUID(), new MemoryPersistence());
        MqttConnectionOptions o = new MqttConnectionOptions();
        o.setConnectionTimeout(10);
        subscriber.connect(o);
        IMqttMessageListener collect = (topic, msg) -> {
            JsonNode n = JSON.readTree(msg.getPayload());
            ((com.fasterxml.jackson.databind.node.ObjectNode) n).put("topic", topic);
            messages.add(n);
        };
        subscriber.subscribe(
                new MqttSubscription[] {
                    new MqttSubscription("gridshare/v1/+/+/fills", 1),
                    new MqttSubscription("gridshare/v1/+/+/statement-acks", 1)
                },
                new IMqttMessageListener[] {collect, collect});
    }

    @AfterAll
    void stopParts() throws Exception {
        for (AutoCloseable c :
                new AutoCloseable[] {subscriber::disconnect, subscriber::close, publisher, broker, fx, anvil, kafka}) {
            try {
                if (c != null) {
                    c.close();
                }
            } catch (Exception e) {
                // stop the rest anyway
            }
        }
        TestFiles.deleteTree(work);
    }

    private BackendConfig config() {
        MarketSettings market = MarketSettings.of(fx.market.address(), fx.settler)
                .withInterval(Duration.ofMillis(INTERVAL_MS))
                .withGateClosure(Duration.ofMillis(GATE_MS))
                .withStatementGrace(Duration.ofMillis(GRACE_MS))
                .withClearingDelay(Duration.ofMillis(500))
                .withSettlementPolicy(SettlementPolicy.devChain())
                .withChainMaxAge(Duration.ZERO);
        return new BackendConfig(
                        broker.serverUri(),
                        kafka.bootstrapServers(),
                        anvil.rpcUrl(),
                        fx.registry.address(),
                        new Eip712Domain(anvil.chainId(), fx.registry.address()),
                        Duration.ofMinutes(1),
                        Duration.ofSeconds(30),
                        work.resolve("streams"),
                        clock)
                .withRegistryMaxAge(Duration.ZERO)
                .withApplicationId("market-journey")
                .withMarket(market);
    }

    /** An interval a minute or more ahead of market time; the clock is put 25 s before its gate closure. */
    private long nextInterval() {
        long start = (clock.millis() / INTERVAL_MS + 4) * INTERVAL_MS;
        clock.set(start - GATE_MS - 25_000);
        return start;
    }

    private static long nonce(long start, int k) {
        return start / 1000 * 10 + k;
    }

    private void publish(Household h, Signed<Order> order) throws Exception {
        publisher.publish(h.orderTopic(), JsonWire.encodeOrder(order));
    }

    private String digest(Signed<Order> o) {
        return Eip712.digest(fx.domain, o.message()).toHex();
    }

    private JsonNode message(String type, String digest) {
        return messages.stream()
                .filter(m -> type.equals(m.path("type").asText())
                        && digest.equals(m.path("orderDigest").asText()))
                .findFirst()
                .orElse(null);
    }

    private JsonNode awaitMessage(String type, String digest) {
        Await.until(
                "message(type, digest) != null",
                WAIT,
                () -> message(type, digest) != null,
                () -> "no " + type + " for " + digest + " in " + messages);
        return message(type, digest);
    }

    private List<JsonNode> statementAcks(Household h, long start) {
        return messages.stream()
                .filter(m -> m.get("topic")
                                .asText()
                                .equals("gridshare/v1/" + h.zone + "/"
                                        + h.meter.address().toHex() + "/statement-acks")
                        && m.path("intervalStartMs").asLong() == start)
                .toList();
    }

    /** Publishes the meter's readings of the interval, then the statement built from them (as the agent does). */
    private MarketFixture.Metered meter(Household h, long start, long imported, long exported) throws Exception {
        MarketFixture.Metered m = fx.metered(h, start, INTERVAL_MS / 1000, imported, exported);
        for (Signed<MeterReading> r : m.readings()) {
            publisher.publish(h.readingTopic(), JsonWire.encodeReading(r));
        }
        publisher.publish(h.statementTopic(), JsonWire.encodeStatement(m.statement()));
        return m;
    }

    /**
     * Waits for the statement's accepted verdict, re-publishing it every second as the agent does while it
     * has no verdict (a statement ahead of the verified readings is refused with a transient reason).
     */
    private void awaitStatementAccepted(Household h, long start, MarketFixture.Metered m) {
        long[] sentAt = {System.nanoTime()};
        Await.until(
                "statementAcks(h, start).stream() .anyMatch(a -> a.get(\"status\").asText().equals(\"accepted\"))",
                WAIT,
                () -> {
                    if (statementAcks(h, start).stream()
                            .anyMatch(a -> a.get("status").asText().equals("accepted"))) {
                        return true;
                    }
                    if (System.nanoTime() - sentAt[0] > 1_000_000_000L) {
                        sentAt[0] = System.nanoTime();
                        try {
                            publisher.publish(h.statementTopic(), JsonWire.encodeStatement(m.statement()));
                        } catch (Exception e) {
                            throw new IllegalStateException(e);
                        }
                    }
                    return false;
                },
                () -> "statement acks " + statementAcks(h, start));
    }

    private List<JsonNode> records(String topic, String key) {
        List<JsonNode> out = new ArrayList<>();
        KafkaClients.replay(kafka.bootstrapServers(), topic, r -> {
            if (key == null || key.equals(r.key())) {
                try {
                    out.add(JSON.readTree(r.value()));
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }
        });
        return out;
    }

    /** The statuses on gridshare.settlement.v1 for the book, once there are {@code n} (they follow the MQTT messages). */
    private List<String> awaitOutcomes(long start, int n) {
        Await.until(
                "records(Topics.SETTLEMENT, bookKey(start)).size() >= n",
                WAIT,
                () -> records(Topics.SETTLEMENT, bookKey(start)).size() >= n,
                () -> "settlement records " + records(Topics.SETTLEMENT, bookKey(start)));
        return records(Topics.SETTLEMENT, bookKey(start)).stream()
                .map(o -> o.get("status").asText())
                .toList();
    }

    private static String bookKey(long start) {
        return ZoneIds.of("zone-a").toHex() + ":" + start;
    }

    @Test
    void orders_are_checked_cleared_at_gate_closure_and_settled_on_chain_to_the_exact_nets() throws Exception {
        List<Household> hs = fx.enrol("zone-a", 4);
        Household stranger = fx.enrol("zone-a", false); // deposit, but no meter on-chain
        long start = nextInterval();
        long gate = start - GATE_MS;
        try (Backend backend = Backend.start(config())) {
            Signed<Order> sell0 = fx.order(hs.get(0), start, Order.SELL, 3000, 100_000, nonce(start, 1));
            Signed<Order> sell1 = fx.order(hs.get(1), start, Order.SELL, 2000, 120_000, nonce(start, 1));
            Signed<Order> buy2 = fx.order(hs.get(2), start, Order.BUY, 2500, 250_000, nonce(start, 1));
            Signed<Order> buy3 = fx.order(hs.get(3), start, Order.BUY, 2000, 200_000, nonce(start, 1));
            Secp256k1Signer forger = Secp256k1Signer.fromPrivateKey(
                    Bytes32.fromHex("0x" + "7".repeat(64)).bytes());
            Signed<Order> forged = forger.sign(
                    fx.domain,
                    new Order(
                            hs.get(2).account.address(),
                            ZoneIds.of("zone-a"),
                            start,
                            Order.BUY,
                            9000,
                            300_000,
                            nonce(start, 0),
                            start));
            Signed<Order> aboveRetail =
                    fx.order(hs.get(3), start, Order.BUY, 1000, MarketFixture.RETAIL + 1, nonce(start, 0));
            Signed<Order> unregistered = fx.order(stranger, start, Order.BUY, 1000, 200_000, nonce(start, 1));
            publish(hs.get(2), forged);
            publish(hs.get(0), sell0);
            publish(hs.get(3), aboveRetail);
            publish(hs.get(1), sell1);
            publish(stranger, unregistered);
            publish(hs.get(2), buy2);
            publish(hs.get(3), buy3);
            for (Signed<Order> ok : List.of(sell0, sell1, buy2, buy3)) {
                assertEquals(
                        "accepted",
                        awaitMessage("order", digest(ok)).get("status").asText());
            }
            assertRejected(awaitMessage("order", digest(forged)), "BAD_SIGNATURE", 10, start);
            assertRejected(awaitMessage("order", digest(aboveRetail)), "LIMIT_OUTSIDE_TARIFFS", 44, start);
            assertRejected(awaitMessage("order", digest(unregistered)), "NO_ACTIVE_METER", 46, start);
            assertEquals(
                    "gridshare/v1/zone-a/" + stranger.hex() + "/fills",
                    message("order", digest(unregistered)).get("topic").asText());

            clock.set(gate); // the book closes: an order arriving now is late, even a valid replacement
            Signed<Order> late = fx.order(hs.get(0), start, Order.SELL, 1000, 90_000, nonce(start, 2));
            publish(hs.get(0), late);
            assertRejected(awaitMessage("order", digest(late)), "GATE_CLOSED", 42, start);
            assertTrue(
                    messages.stream()
                            .noneMatch(m -> "fill".equals(m.path("type").asText())
                                    && m.path("intervalStartMs").asLong() == start),
                    "no fill before the clearing time");

            clock.set(gate + 1000);
            // worked by hand: sells 3000 @ 100,000 and 2000 @ 120,000, buys 2500 @ 250,000 and 2000 @ 200,000;
            // 4500 mWh match, the marginal ask 120,000, the marginal bid 200,000, midpoint 160,000
            Map<String, Long> expectedFill =
                    Map.of(digest(sell0), 3000L, digest(sell1), 1500L, digest(buy2), 2500L, digest(buy3), 2000L);
            for (Map.Entry<String, Long> e : expectedFill.entrySet()) {
                JsonNode fill = awaitMessage("fill", e.getKey());
                assertEquals(e.getValue(), fill.get("filledMilliWh").asLong(), fill.toString());
                assertEquals(160_000, fill.get("clearingPricePerKWh").asLong());
                assertEquals(start, fill.get("intervalStartMs").asLong());
            }
            assertEquals("sell", message("fill", digest(sell1)).get("side").asText());
            assertEquals(
                    2000, message("fill", digest(sell1)).get("energyMilliWh").asLong());
            List<JsonNode> clearing = records(Topics.CLEARING, bookKey(start));
            assertEquals(1, clearing.size());
            assertEquals(4500, clearing.get(0).get("matchedMilliWh").asLong());
            assertEquals(4, clearing.get(0).get("orders").size(), "only accepted orders are in the book");
            Map<String, Integer> reasons = new HashMap<>();
            for (JsonNode r : records(Topics.REJECTED, null)) {
                reasons.merge(r.get("reason").asText() + "/" + r.get("code").asInt(), 1, Integer::sum);
            }
            for (String r :
                    List.of("BAD_SIGNATURE/10", "LIMIT_OUTSIDE_TARIFFS/44", "NO_ACTIVE_METER/46", "GATE_CLOSED/42")) {
                assertTrue(reasons.getOrDefault(r, 0) >= 1, r + " kept on " + Topics.REJECTED + ": " + reasons);
            }

            clock.set(start + INTERVAL_MS); // delivery is over: meters sign their statements
            IntervalStatement forgedStatement = new IntervalStatement(
                    hs.get(0).meter.address(), start, INTERVAL_MS / 1000, 0, 0, 0, 999_999, 1, 2, Bytes32.ZERO);
            publisher.publish(
                    hs.get(0).statementTopic(), JsonWire.encodeStatement(forger.sign(fx.domain, forgedStatement)));
            long[][] metered = {{0, 3200}, {0, 1000}, {2500, 0}, {1500, 0}}; // import, export per household
            List<MarketFixture.Metered> sent = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                sent.add(meter(hs.get(i), start, metered[i][0], metered[i][1]));
            }
            for (int i = 0; i < 4; i++) {
                awaitStatementAccepted(hs.get(i), start, sent.get(i));
            }
            // the meter key itself signs more export than its verified readings measured: refused, kept
            IntervalStatement honest = sent.get(0).statement().message();
            IntervalStatement inflated = new IntervalStatement(
                    honest.meter(),
                    start,
                    honest.intervalSeconds(),
                    honest.importStart(),
                    honest.importEnd(),
                    honest.exportStart(),
                    honest.exportEnd() + 5000,
                    honest.firstSeq(),
                    honest.lastSeq(),
                    honest.readingsRoot());
            publisher.publish(
                    hs.get(0).statementTopic(),
                    JsonWire.encodeStatement(hs.get(0).meter.sign(fx.domain, inflated)));
            Await.until(
                    "an ack STATEMENT_REGISTERS_MISMATCH/54",
                    WAIT,
                    () -> statementAcks(hs.get(0), start).stream()
                            .anyMatch(a -> "STATEMENT_REGISTERS_MISMATCH"
                                            .equals(a.path("reason").asText())
                                    && a.get("code").asInt() == 54),
                    () -> "statement acks " + statementAcks(hs.get(0), start));
            assertTrue(
                    statementAcks(hs.get(0), start).stream()
                            .anyMatch(
                                    a -> "BAD_SIGNATURE".equals(a.path("reason").asText())
                                            && a.get("code").asInt() == 10),
                    "forged statement refused: " + statementAcks(hs.get(0), start));

            List<BigInteger> before = new ArrayList<>();
            for (Household h : hs) {
                before.add(fx.balance(h));
            }
            BigInteger gridBefore = fx.gridBalance();
            clock.set(start + INTERVAL_MS + GRACE_MS);
            // at 160,000 per kWh, fee 10,000, feed-in 80,000, retail 300,000; pay(e, p) = floor(e * p / 1e6):
            // seller 0 delivers 3000: +480; seller 1 sold 1500, exported 1000: +160 - pay(500, 140,000) = +90;
            // buyer 2 imports 2500: -400 - 25 = -425; buyer 3 bought 2000, imported 1500: -240 - 15 - pay(500, 80,000)
            // = -295
            long[] nets = {480, 90, -425, -295};
            long[] delivered = {3000, 1000, 2500, 1500};
            List<Signed<Order>> orders = List.of(sell0, sell1, buy2, buy3);
            for (int i = 0; i < 4; i++) {
                JsonNode s = awaitMessage("settlement", digest(orders.get(i)));
                assertEquals(Long.toString(nets[i]), s.get("netBaseUnits").asText(), s.toString());
                assertTrue(s.get("netBaseUnits").isTextual());
                assertEquals(delivered[i], s.get("deliveredMilliWh").asLong());
                assertTrue(s.get("txHash").asText().startsWith("0x"));
                assertTrue(s.get("blockNumber").asLong() > 0);
            }
            long sum = 0;
            for (int i = 0; i < 4; i++) {
                assertEquals(
                        before.get(i).add(BigInteger.valueOf(nets[i])),
                        fx.balance(hs.get(i)),
                        "on-chain balance of " + i);
                sum += nets[i];
            }
            assertEquals(
                    gridBefore.subtract(BigInteger.valueOf(sum)), fx.gridBalance(), "the grid gets the rest: +150");
            assertEquals(MarketFixture.DEPOSIT, fx.balance(stranger), "a rejected household is untouched");
            assertEquals(List.of("SETTLED"), awaitOutcomes(start, 1));
            assertTrue(fx.market.isSettled(ZoneIds.of("zone-a"), start));
        }
    }

    private static void assertRejected(JsonNode verdict, String reason, int code, long start) {
        assertEquals("rejected", verdict.get("status").asText(), verdict.toString());
        assertEquals(reason, verdict.get("reason").asText(), verdict.toString());
        assertEquals(code, verdict.get("code").asInt());
        assertEquals(start, verdict.get("intervalStartMs").asLong());
        assertTrue(verdict.get("detail").asText().length() > 10, verdict.toString());
    }

    @Test
    void a_late_statement_holds_the_batch_and_a_restart_after_clearing_still_settles_it_once() throws Exception {
        List<Household> hs = fx.enrol("zone-a", 4);
        long start = nextInterval();
        long gate = start - GATE_MS;
        List<Signed<Order>> orders = List.of(
                fx.order(hs.get(0), start, Order.SELL, 2000, 90_000, nonce(start, 1)),
                fx.order(hs.get(1), start, Order.SELL, 2000, 90_000, nonce(start, 1)),
                fx.order(hs.get(2), start, Order.BUY, 2000, 280_000, nonce(start, 1)),
                fx.order(hs.get(3), start, Order.BUY, 2000, 280_000, nonce(start, 1)));
        try (Backend first = Backend.start(config())) {
            for (int i = 0; i < 4; i++) {
                publish(hs.get(i), orders.get(i));
            }
            for (Signed<Order> o : orders) {
                assertEquals(
                        "accepted",
                        awaitMessage("order", digest(o)).get("status").asText());
            }
            clock.set(gate + 1000);
            for (Signed<Order> o : orders) {
                assertEquals(
                        2000,
                        awaitMessage("fill", digest(o)).get("filledMilliWh").asLong());
            }
        } // the backend stops between clearing and settlement
        clock.set(start + INTERVAL_MS);
        List<BigInteger> before = new ArrayList<>();
        for (Household h : hs) {
            before.add(fx.balance(h));
        }
        try (Backend second = Backend.start(config())) {
            for (int i = 0; i < 3; i++) { // household 3's statement is late
                Household h = hs.get(i);
                awaitStatementAccepted(h, start, meter(h, start, i < 2 ? 0 : 2000, i < 2 ? 2000 : 0));
            }
            clock.set(start + INTERVAL_MS + GRACE_MS);
            Await.until(
                    "!records(Topics.SETTLEMENT, bookKey(start)).isEmpty()",
                    WAIT,
                    () -> !records(Topics.SETTLEMENT, bookKey(start)).isEmpty(),
                    () -> "no settlement record");
            JsonNode held = records(Topics.SETTLEMENT, bookKey(start)).get(0);
            assertEquals("HELD", held.get("status").asText(), held.toString());
            assertEquals(List.of(hs.get(3).hex()), JSON.convertValue(held.get("missingAccounts"), List.class));
            assertEquals(false, fx.market.isSettled(ZoneIds.of("zone-a"), start), "nothing is submitted while held");

            awaitStatementAccepted(hs.get(3), start, meter(hs.get(3), start, 2000, 0));
            // at the midpoint of 90,000 and 280,000 = 185,000: sellers +370, buyers -370 - 20
            long[] nets = {370, 370, -390, -390};
            for (int i = 0; i < 4; i++) {
                assertEquals(
                        Long.toString(nets[i]),
                        awaitMessage("settlement", digest(orders.get(i)))
                                .get("netBaseUnits")
                                .asText());
                assertEquals(before.get(i).add(BigInteger.valueOf(nets[i])), fx.balance(hs.get(i)));
            }
            assertEquals(
                    1, records(Topics.CLEARING, bookKey(start)).size(), "the restarted backend did not clear again");
            assertEquals(List.of("HELD", "SETTLED"), awaitOutcomes(start, 2));
        }
    }

    @Test
    void a_batch_the_contract_refuses_is_recorded_with_its_error_and_settles_once_the_deposit_is_back()
            throws Exception {
        Household seller = fx.enrol("zone-a", true);
        Household buyer = fx.enrol("zone-a", true);
        long start = nextInterval();
        Signed<Order> sell = fx.order(seller, start, Order.SELL, 1000, 90_000, nonce(start, 1));
        Signed<Order> buy = fx.order(buyer, start, Order.BUY, 1000, 280_000, nonce(start, 1));
        try (Backend backend = Backend.start(config())) {
            publish(seller, sell);
            publish(buyer, buy);
            awaitMessage("order", digest(sell));
            awaitMessage("order", digest(buy));
            clock.set(start - GATE_MS + 1000);
            assertEquals(
                    1000, awaitMessage("fill", digest(buy)).get("filledMilliWh").asLong());
            clock.set(start + INTERVAL_MS);
            MarketFixture.Metered sellerMetered = meter(seller, start, 0, 1000);
            MarketFixture.Metered buyerMetered = meter(buyer, start, 1000, 0);
            awaitStatementAccepted(seller, start, sellerMetered);
            awaitStatementAccepted(buyer, start, buyerMetered);
            MarketClient buyerMarket = MarketClient.load(fx.web3j, buyer.credentials, fx.market.address());
            BigInteger deposit = fx.balance(buyer);
            buyerMarket.withdraw(deposit); // the buyer empties its market balance before settlement

            clock.set(start + INTERVAL_MS + GRACE_MS);
            Await.until(
                    "!records(Topics.SETTLEMENT, bookKey(start)).isEmpty()",
                    WAIT,
                    () -> !records(Topics.SETTLEMENT, bookKey(start)).isEmpty(),
                    () -> "no settlement record");
            JsonNode refused = records(Topics.SETTLEMENT, bookKey(start)).get(0);
            assertEquals("REVERTED", refused.get("status").asText(), refused.toString());
            assertEquals("InsufficientBalance", refused.get("errorName").asText());
            assertEquals(false, fx.market.isSettled(ZoneIds.of("zone-a"), start));

            fx.token.mint(buyer.account.address(), deposit);
            buyerMarket.deposit(deposit);
            clock.set(start + INTERVAL_MS + GRACE_MS + SettlementJob.REVERT_RETRY_MS);
            // 1000 mWh at the midpoint 185,000: seller +185, buyer -185 - 10
            assertEquals(
                    "-195",
                    awaitMessage("settlement", digest(buy)).get("netBaseUnits").asText());
            assertEquals(deposit.subtract(BigInteger.valueOf(195)), fx.balance(buyer));
            assertEquals(List.of("REVERTED", "SETTLED"), awaitOutcomes(start, 2));
        }
    }
}
