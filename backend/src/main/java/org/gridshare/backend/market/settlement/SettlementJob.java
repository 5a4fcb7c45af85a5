package org.gridshare.backend.market.settlement;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.gridshare.backend.Topics;
import org.gridshare.backend.market.KafkaIo;
import org.gridshare.backend.market.MarketSettings;
import org.gridshare.backend.market.MqttNotifier;
import org.gridshare.backend.market.Notices;
import org.gridshare.backend.market.chain.MarketChain;
import org.gridshare.backend.market.chain.Tariffs;
import org.gridshare.backend.market.clearing.ClearingRecord;
import org.gridshare.backend.market.orders.BookKey;
import org.gridshare.backend.market.statements.VerifiedStatement;
import org.gridshare.backend.rejects.JsonCodec;
import org.gridshare.contracts.BatchGasCapException;
import org.gridshare.contracts.MarketClient;
import org.gridshare.contracts.SettlementOutcome;
import org.gridshare.contracts.SettlementSubmitter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Settles cleared books, one thread. It reads {@code gridshare.clearing.v1} and
 * {@code gridshare.statements.verified.v1} from their beginning (its whole state is in Kafka and on
 * the chain) and, for every book that matched energy, once its interval has ended plus the statement
 * grace: builds the batch ({@link BatchBuilder}) and submits it with {@link SettlementSubmitter}, which
 * settles a batch id at most once whatever happened before (a restarted process gets ALREADY_SETTLED).
 *
 * <p>Policies: missing statements → HELD on {@code gridshare.settlement.v1} with the missing accounts
 * (recorded again only when that set changes), retried whenever a statement arrives; REVERTED is
 * recorded with the contract's error (again only when the error or the statements change) and the
 * batch is tried again at once when its statements change, else {@value #REVERT_RETRY_MS} ms later
 * (market clock): a refused batch is found by the gas estimate, before anything is sent, so retrying
 * costs nothing, and a refusal such as {@code InsufficientBalance} ends with a deposit. A chain fault
 * is retried after 5 s. Participants get their {@code settlement} message before the outcome record is
 * written, so a crash in between re-sends them after the restart (as ALREADY_SETTLED).
 */
public final class SettlementJob implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SettlementJob.class);
    private static final long RETRY_MS = 5_000;
    /** How long after a refusal the same batch is tried again (market clock): estimating it costs no gas. */
    public static final long REVERT_RETRY_MS = 60_000;

    /** The last refusal of a book's batch: which statements, which error, when. */
    private record Revert(String fingerprint, String error, long atMs) {}

    private final MarketSettings settings;
    private final SettlementSubmitter submitter;
    private final MarketChain chain;
    private final MqttNotifier mqtt;
    private final Clock clock;
    private final KafkaConsumer<String, byte[]> consumer;
    private final KafkaProducer<String, byte[]> producer;
    private final Map<TopicPartition, Long> startEnd;
    private final Thread thread;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final AtomicLong settled = new AtomicLong();
    private final Map<BookKey, ClearingRecord> clearings = new TreeMap<>();
    private final Map<BookKey, Map<String, VerifiedStatement>> statements = new HashMap<>();
    private final Map<BookKey, String> finished = new HashMap<>();
    private final Map<BookKey, String> heldFor = new HashMap<>();
    private final Map<BookKey, Revert> reverted = new HashMap<>();
    private final Map<BookKey, Long> notBefore = new HashMap<>();
    private boolean caughtUp;

    private SettlementJob(
            MarketSettings settings,
            SettlementSubmitter submitter,
            MarketChain chain,
            MqttNotifier mqtt,
            Clock clock,
            KafkaConsumer<String, byte[]> consumer,
            KafkaProducer<String, byte[]> producer,
            Map<TopicPartition, Long> startEnd) {
        this.settings = settings;
        this.submitter = submitter;
        this.chain = chain;
        this.mqtt = mqtt;
        this.clock = clock;
        this.consumer = consumer;
        this.producer = producer;
        this.startEnd = startEnd;
        this.thread = new Thread(this::run, "gridshare-market-settlement");
        thread.setDaemon(true);
    }

    /** Reads the outcomes recorded so far, then starts the settlement thread. */
    public static SettlementJob start(
            String bootstrap,
            String clientId,
            MarketSettings settings,
            SettlementSubmitter submitter,
            MarketChain chain,
            MqttNotifier mqtt,
            Clock clock) {
        KafkaConsumer<String, byte[]> consumer = KafkaIo.consumer(bootstrap, null);
        List<TopicPartition> tps = KafkaIo.partitions(consumer, Topics.CLEARING, Topics.STATEMENTS_VERIFIED);
        consumer.assign(tps);
        consumer.seekToBeginning(tps);
        Map<TopicPartition, Long> end = consumer.endOffsets(tps);
        SettlementJob job = new SettlementJob(
                settings,
                submitter,
                chain,
                mqtt,
                clock,
                consumer,
                KafkaIo.producer(bootstrap, clientId + "-producer"),
                end);
        KafkaIo.replay(bootstrap, Topics.SETTLEMENT, r -> {
            SettlementRecord s = JsonCodec.read(r.value(), SettlementRecord.class);
            switch (s.status()) {
                case SettlementRecord.SETTLED, SettlementRecord.ALREADY_SETTLED ->
                    job.finished.put(s.key(), s.status());
                case SettlementRecord.HELD -> job.heldFor.put(s.key(), String.join(",", s.missingAccounts()));
                case SettlementRecord.REVERTED ->
                    job.reverted.put(s.key(), new Revert(s.fingerprint(), s.errorName(), s.recordedAtMs()));
                default -> LOG.warn("unknown settlement status {} for {}", s.status(), s.key());
            }
        });
        job.thread.start();
        return job;
    }

    private void run() {
        while (running.get()) {
            try {
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    ingest(r);
                }
                if (!caughtUp) {
                    caughtUp = KafkaIo.caughtUp(consumer, startEnd);
                    if (!caughtUp) {
                        continue; // decide nothing before every statement known at start is read
                    }
                }
                settleDue();
            } catch (WakeupException e) {
                return;
            } catch (RuntimeException e) {
                if (!running.get()) {
                    return;
                }
                LOG.warn("settlement round failed; trying again", e);
                KafkaIo.backOff(running);
            }
        }
    }

    private void ingest(ConsumerRecord<String, byte[]> r) {
        try {
            if (r.topic().equals(Topics.CLEARING)) {
                ClearingRecord c = JsonCodec.read(r.value(), ClearingRecord.class);
                if (!finished.containsKey(c.key())) { // settled books need no memory
                    clearings.putIfAbsent(c.key(), c);
                }
            } else {
                VerifiedStatement s = JsonCodec.read(r.value(), VerifiedStatement.class);
                BookKey key = new BookKey(s.zoneId(), s.intervalStartMs());
                if (!finished.containsKey(key)) {
                    statements
                            .computeIfAbsent(key, k -> new HashMap<>())
                            .put(s.meter(), s); // the latest per meter wins
                }
            }
        } catch (RuntimeException e) {
            LOG.warn("skipping unreadable record {}-{}@{}: {}", r.topic(), r.partition(), r.offset(), e.toString());
        }
    }

    private void settleDue() {
        long now = clock.millis();
        List<ClearingRecord> due = new ArrayList<>();
        for (ClearingRecord c : clearings.values()) {
            BookKey key = c.key();
            if (!finished.containsKey(key)
                    && c.matched()
                    && c.matchedMilliWh() > 0
                    && now >= c.intervalEndMs() + settings.statementGrace().toMillis()
                    && now >= notBefore.getOrDefault(key, 0L)) {
                due.add(c);
            }
        }
        if (due.isEmpty() || !KafkaIo.caughtUp(consumer, consumer.endOffsets(consumer.assignment()))) {
            return; // decide only on every statement Kafka has now: one in flight must not make a batch HELD
        }
        for (ClearingRecord c : due) {
            BookKey key = c.key();
            try {
                attempt(c);
            } catch (Exception e) {
                notBefore.put(key, now + RETRY_MS);
                LOG.warn(
                        "settling {} interval {} failed; retrying in {} ms",
                        c.zone(),
                        c.intervalStartMs(),
                        RETRY_MS,
                        e);
            }
        }
    }

    private void attempt(ClearingRecord c) throws Exception {
        BookKey key = c.key();
        Tariffs tariffs = chain.tariffs();
        BatchPlan plan =
                BatchBuilder.plan(c, statements.getOrDefault(key, Map.of()).values(), tariffs);
        String batchId = MarketClient.batchId(org.gridshare.protocol.Bytes32.fromHex(c.zoneId()), c.intervalStartMs())
                .toHex();
        switch (plan) {
            case BatchPlan.Held h -> {
                String missing = String.join(",", h.missingAccounts());
                if (!missing.equals(heldFor.get(key))) {
                    LOG.warn(
                            "holding settlement of {} interval {}: no statement from {}",
                            c.zone(),
                            c.intervalStartMs(),
                            h.missingAccounts());
                    write(new SettlementRecord(
                            c.zone(),
                            c.zoneId(),
                            c.intervalStartMs(),
                            SettlementRecord.HELD,
                            batchId,
                            c.clearingPricePerKWh(),
                            null,
                            null,
                            null,
                            h.missingAccounts(),
                            null,
                            null,
                            clock.millis()));
                    heldFor.put(key, missing);
                }
            }
            case BatchPlan.Ready ready -> {
                Revert last = reverted.get(key);
                if (last != null
                        && ready.fingerprint().equals(last.fingerprint())
                        && clock.millis() < last.atMs() + REVERT_RETRY_MS) {
                    return; // the same batch was refused a moment ago; a deposit or new statements may change that
                }
                SettlementOutcome out;
                try {
                    out = submitter.submit(ready.batch());
                } catch (BatchGasCapException e) {
                    LOG.error(
                            "batch of {} interval {} exceeds the gas cap; it needs splitting by hand",
                            c.zone(),
                            c.intervalStartMs(),
                            e);
                    notBefore.put(key, Long.MAX_VALUE);
                    return;
                }
                List<SettlementRecord.Participant> ps = new ArrayList<>();
                for (BatchPlan.Part p : ready.parts()) {
                    ps.add(new SettlementRecord.Participant(
                            p.account(),
                            p.meter(),
                            p.orderDigest(),
                            p.side() == 0 ? "buy" : "sell",
                            p.filledMilliWh(),
                            p.deliveredMilliWh(),
                            p.net().toString()));
                }
                if (out.settled()) {
                    long block = out.blockNumber();
                    for (BatchPlan.Part p : ready.parts()) {
                        mqtt.publish(
                                Notices.fillsTopic(p.zone(), p.account()),
                                JsonCodec.write(new Notices.Settlement(
                                        p.orderDigest(),
                                        c.intervalStartMs(),
                                        p.net().toString(),
                                        p.deliveredMilliWh(),
                                        out.txHash(),
                                        block)));
                    }
                    String status = out.status() == SettlementOutcome.Status.SETTLED
                            ? SettlementRecord.SETTLED
                            : SettlementRecord.ALREADY_SETTLED;
                    write(new SettlementRecord(
                            c.zone(),
                            c.zoneId(),
                            c.intervalStartMs(),
                            status,
                            batchId,
                            c.clearingPricePerKWh(),
                            out.txHash(),
                            block,
                            null,
                            null,
                            ready.fingerprint(),
                            ps,
                            clock.millis()));
                    finished.put(key, status);
                    clearings.remove(key);
                    statements.remove(key);
                    settled.incrementAndGet();
                    LOG.info(
                            "{} {} interval {}: tx {} block {}",
                            status,
                            c.zone(),
                            c.intervalStartMs(),
                            out.txHash(),
                            block);
                } else {
                    if (last == null
                            || !ready.fingerprint().equals(last.fingerprint())
                            || !out.errorName().equals(last.error())
                            || out.txHash() != null) {
                        write(new SettlementRecord(
                                c.zone(),
                                c.zoneId(),
                                c.intervalStartMs(),
                                SettlementRecord.REVERTED,
                                batchId,
                                c.clearingPricePerKWh(),
                                out.txHash(),
                                out.blockNumber() < 0 ? null : out.blockNumber(),
                                out.errorName(),
                                null,
                                ready.fingerprint(),
                                ps,
                                clock.millis()));
                        LOG.error(
                                "settlement of {} interval {} REVERTED: {}",
                                c.zone(),
                                c.intervalStartMs(),
                                out.revert());
                    }
                    reverted.put(key, new Revert(ready.fingerprint(), out.errorName(), clock.millis()));
                }
            }
        }
    }

    private void write(SettlementRecord s) {
        KafkaIo.await(
                List.of(producer.send(KafkaIo.record(Topics.SETTLEMENT, s.key().kafkaKey(), JsonCodec.write(s)))));
    }

    /** Batches this process saw settled (SETTLED or ALREADY_SETTLED). */
    public long settled() {
        return settled.get();
    }

    @Override
    public void close() {
        running.set(false);
        consumer.wakeup();
        try {
            thread.join(15_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        consumer.close(CloseOptions.timeout(Duration.ofSeconds(5)));
        producer.close(Duration.ofSeconds(5));
    }
}
