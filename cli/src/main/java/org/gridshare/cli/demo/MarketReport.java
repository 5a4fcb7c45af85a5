package org.gridshare.cli.demo;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentSkipListMap;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.gridshare.backend.market.clearing.ClearingRecord;
import org.gridshare.backend.market.settlement.SettlementRecord;
import org.gridshare.protocol.Topics;

/**
 * What the demo shows of the market: follows {@code gridshare.clearing.v1} and
 * {@code gridshare.settlement.v1} from the beginning and keeps, per interval, the clearing result and
 * the latest settlement outcome.
 */
final class MarketReport implements AutoCloseable {
    private static final DateTimeFormatter HH_MM_SS =
            DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneOffset.UTC);
    private static final ObjectMapper JSON = JsonMapper.builder()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();

    private final KafkaConsumer<String, byte[]> consumer;
    private final Thread thread;
    private final Map<Long, ClearingRecord> clearings = new ConcurrentSkipListMap<>();
    private final Map<Long, SettlementRecord> settlements = new ConcurrentSkipListMap<>();
    private volatile boolean running = true;

    MarketReport(String bootstrap) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        p.put(ConsumerConfig.CLIENT_ID_CONFIG, "gridshare-demo-market-report");
        consumer = new KafkaConsumer<>(p, new StringDeserializer(), new ByteArrayDeserializer());
        List<TopicPartition> partitions = new ArrayList<>();
        for (String topic : List.of(Topics.CLEARING, Topics.SETTLEMENT)) {
            consumer.partitionsFor(topic, Duration.ofSeconds(30))
                    .forEach(info -> partitions.add(new TopicPartition(topic, info.partition())));
        }
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        thread = Thread.ofPlatform().name("demo-market-report").daemon().start(this::run);
    }

    private void run() {
        try {
            while (running) {
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(100))) {
                    try {
                        if (r.topic().equals(Topics.CLEARING)) {
                            ClearingRecord c = JSON.readValue(r.value(), ClearingRecord.class);
                            clearings.put(c.intervalStartMs(), c);
                        } else {
                            SettlementRecord s = JSON.readValue(r.value(), SettlementRecord.class);
                            settlements.put(s.intervalStartMs(), s);
                        }
                    } catch (java.io.IOException e) {
                        // the backend wrote it; a record the demo cannot read is shown as missing, not guessed
                    }
                }
            }
        } catch (WakeupException e) {
            // closing
        } finally {
            consumer.close(CloseOptions.timeout(Duration.ofSeconds(2)));
        }
    }

    /** Intervals settled on-chain so far. */
    long settledCount() {
        return settlements.values().stream()
                .filter(s -> s.status().equals(SettlementRecord.SETTLED))
                .count();
    }

    long clearedCount() {
        return clearings.size();
    }

    /**
     * Waits until every cleared interval that traded and ended by {@code endedByMs} has a final outcome,
     * at most {@code timeout}.
     */
    void awaitSettled(long endedByMs, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline
                && clearings.values().stream()
                        .anyMatch(c -> c.matchedMilliWh() > 0
                                && c.intervalStartMs() + c.intervalSeconds() * 1000 <= endedByMs
                                && (settlements.get(c.intervalStartMs()) == null
                                        || settlements
                                                .get(c.intervalStartMs())
                                                .status()
                                                .equals(SettlementRecord.HELD)))) {
            Thread.sleep(200); // polling interval of a condition with a deadline
        }
    }

    /** One row per cleared interval: orders, matched energy, price, and how it settled. */
    void print(PrintStream out) {
        out.println();
        out.println(
                "Market per interval (uniform price per kWh in gEUR; settled on-chain by the EnergyMarket contract)");
        out.printf(
                "%-19s %7s %12s %10s %-16s %s%n",
                "interval", "orders", "traded kWh", "price", "settlement", "transaction");
        Map<Long, ClearingRecord> byStart = new TreeMap<>(clearings);
        for (ClearingRecord c : byStart.values()) {
            Instant start = Instant.ofEpochMilli(c.intervalStartMs());
            SettlementRecord s = settlements.get(c.intervalStartMs());
            String outcome = c.matchedMilliWh() == 0 ? "nothing traded" : s == null ? "pending" : s.status();
            String tx =
                    s == null || s.txHash() == null ? "" : s.txHash().substring(0, 18) + "… block " + s.blockNumber();
            out.printf(
                    "%-19s %7d %12s %10s %-16s %s%n",
                    HH_MM_SS.format(start) + "–" + HH_MM_SS.format(start.plusSeconds(c.intervalSeconds())),
                    c.orders().size(),
                    DemoReport.kWh(c.matchedMilliWh()),
                    tokens(c.clearingPricePerKWh()),
                    outcome,
                    tx);
        }
        if (byStart.isEmpty()) {
            out.println("(no interval cleared yet: the first orders follow the first complete interval)");
        }
    }

    /** Token base units (6 decimals) as tokens, exactly. */
    static String tokens(java.math.BigInteger baseUnits) {
        java.math.BigInteger[] qr = baseUnits.abs().divideAndRemainder(java.math.BigInteger.valueOf(1_000_000));
        return (baseUnits.signum() < 0 ? "-" : "") + qr[0] + "." + String.format("%06d", qr[1].intValueExact());
    }

    static String tokens(long baseUnits) {
        return tokens(java.math.BigInteger.valueOf(baseUnits));
    }

    @Override
    public void close() {
        running = false;
        consumer.wakeup();
        try {
            thread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
