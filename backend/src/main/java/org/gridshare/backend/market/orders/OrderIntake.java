package org.gridshare.backend.market.orders;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.gridshare.backend.RecordJson;
import org.gridshare.backend.ingest.IngestRecords;
import org.gridshare.backend.kafka.ConsumerLoop;
import org.gridshare.backend.kafka.KafkaClients;
import org.gridshare.backend.market.MarketSettings;
import org.gridshare.backend.market.MqttNotifier;
import org.gridshare.backend.market.chain.ChainUnavailableException;
import org.gridshare.backend.market.chain.MarketChain;
import org.gridshare.backend.market.chain.Tariffs;
import org.gridshare.backend.market.clearing.ClearingRecord;
import org.gridshare.backend.market.clearing.IntervalClearing;
import org.gridshare.backend.market.settlement.SettlementRecord;
import org.gridshare.backend.rejects.Rejection;
import org.gridshare.protocol.Bytes32;
import org.gridshare.protocol.Topics;
import org.gridshare.protocol.downlink.Downlink;
import org.gridshare.protocol.downlink.Fill;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The order side of the market, one thread: validates every record of {@code gridshare.orders.v1},
 * keeps accepted orders on {@code gridshare.orders.accepted.v1} and rejections on
 * {@code gridshare.rejected.v1}, tells the household, and clears each book at gate closure onto
 * {@code gridshare.clearing.v1}, sending every participant its fill.
 *
 * <p>Restart: on start the books are rebuilt from {@code orders.accepted} and the cleared books from
 * {@code clearing}; offsets of {@code orders.v1} are committed after each round's records are in Kafka,
 * so a crash re-validates at most one round, which the digest check makes harmless. A book is cleared
 * once its clearing time has passed and this consumer has read {@code orders.v1} to its end, so every
 * order received before gate closure is in it; the clearing record is written before any fill is sent,
 * and a book with a record is never cleared again.
 */
public final class OrderIntake implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(OrderIntake.class);

    private final String bootstrap;
    private final OrderValidator validator;
    private final MarketSettings settings;
    private final MarketChain chain;
    private final MqttNotifier mqtt;
    private final Clock clock;
    private final KafkaProducer<String, byte[]> producer;
    private final AtomicLong accepted = new AtomicLong();
    private final AtomicLong rejected = new AtomicLong();
    private final AtomicLong cleared = new AtomicLong();
    private ConsumerLoop loop;
    private ConsumerLoop settlements;
    private OrderBooks books;

    private OrderIntake(
            String bootstrap,
            String groupId,
            OrderValidator validator,
            MarketSettings settings,
            MarketChain chain,
            MqttNotifier mqtt,
            Clock clock) {
        this.bootstrap = bootstrap;
        this.validator = validator;
        this.settings = settings;
        this.chain = chain;
        this.mqtt = mqtt;
        this.clock = clock;
        this.producer = KafkaClients.producer(bootstrap, groupId + "-producer");
    }

    /** Rebuilds the books from Kafka, then starts the intake thread. */
    public static OrderIntake start(
            String bootstrap,
            String groupId,
            OrderValidator validator,
            MarketSettings settings,
            MarketChain chain,
            MqttNotifier mqtt,
            Clock clock) {
        OrderIntake intake = new OrderIntake(bootstrap, groupId, validator, settings, chain, mqtt, clock);
        try {
            intake.books = intake.rebuild(true);
            intake.loop = ConsumerLoop.assign("gridshare-market-orders", bootstrap, groupId, Topics.ORDERS)
                    .onRecords(intake::round)
                    .afterPoll(intake::clearDue) // gate closure passes with or without new orders
                    // the records of the failed round are read again: the books must not hold them yet
                    .onRecovery(() -> intake.books = intake.rebuild(false));
        } catch (RuntimeException e) {
            intake.producer.close(Duration.ofSeconds(2));
            throw e;
        }
        try {
            // batches that settled end their orders' commitments (CommittedFunds is order-independent)
            intake.settlements = ConsumerLoop.fromBeginning(
                            "gridshare-market-order-settlements", bootstrap, Topics.SETTLEMENT)
                    .onRecords(records -> records.forEach(intake::settlement))
                    .start();
        } catch (RuntimeException e) {
            intake.producer.close(Duration.ofSeconds(2));
            throw e;
        }
        intake.loop.start();
        return intake;
    }

    private void settlement(ConsumerRecord<String, byte[]> r) {
        SettlementRecord s;
        try {
            s = RecordJson.read(r.value(), SettlementRecord.class);
        } catch (RuntimeException e) {
            LOG.error("unreadable settlement record {}-{}@{}", r.topic(), r.partition(), r.offset(), e);
            return;
        }
        if (s.isFinal()) {
            validator.funds().settled(s.key());
        }
    }

    /**
     * The books and the commitments as Kafka has them; optionally re-sends the fills of cleared intervals
     * not yet delivered.
     */
    private OrderBooks rebuild(boolean resendFills) {
        OrderBooks b = new OrderBooks();
        CommittedFunds funds = validator.funds();
        funds.clearCommitments();
        List<ClearingRecord> clearings = new ArrayList<>();
        List<ClearingRecord> recent = new ArrayList<>();
        long now = clock.millis();
        KafkaClients.replay(bootstrap, Topics.CLEARING, r -> {
            ClearingRecord c = RecordJson.read(r.value(), ClearingRecord.class);
            b.markCleared(c.key());
            clearings.add(c);
            if (c.intervalEndMs() > now) {
                recent.add(c);
            }
        });
        KafkaClients.replay(bootstrap, Topics.ORDERS_ACCEPTED, r -> {
            AcceptedOrder o = RecordJson.read(r.value(), AcceptedOrder.class);
            b.accept(o);
            commit(funds, o);
        });
        clearings.forEach(c -> release(funds, c));
        if (resendFills) {
            // the process may have stopped between a clearing record and its fills: fills are idempotent
            recent.forEach(this::sendFills);
        }
        LOG.info("market books rebuilt from Kafka: {} open, {} recent clearings", b.openBooks(), recent.size());
        return b;
    }

    private void round(ConsumerRecords<String, byte[]> records) {
        List<Future<RecordMetadata>> sends = new ArrayList<>();
        List<Runnable> notices = new ArrayList<>();
        for (ConsumerRecord<String, byte[]> r : records) {
            IncomingOrder in = new IncomingOrder(
                    IngestRecords.mqttTopic(r),
                    r.value() == null ? new byte[0] : r.value(),
                    IngestRecords.arrivalMs(r),
                    new Rejection.Source(r.topic(), r.partition(), r.offset(), null));
            OrderVerdict v = validator.validate(in, books);
            switch (v) {
                case OrderVerdict.Accepted a -> {
                    AcceptedOrder o = a.order();
                    if (!a.again()) {
                        sends.add(producer.send(
                                KafkaClients.record(Topics.ORDERS_ACCEPTED, o.account(), RecordJson.write(o))));
                        books.accept(o);
                        commit(validator.funds(), o);
                        accepted.incrementAndGet();
                    }
                    byte[] verdict = acceptedVerdict(o);
                    notices.add(() -> mqtt.publish(Topics.of(o.zone(), o.account(), Topics.FILLS_KIND), verdict));
                }
                case OrderVerdict.Rejected x -> {
                    rejected.incrementAndGet();
                    String detail = x.detail() + " (account " + x.account() + ", " + r.topic() + "-" + r.partition()
                            + "@" + r.offset() + ")";
                    Rejection rej =
                            Rejection.of(x.reason(), detail, null, null, in.source(), in.payload(), clock.millis());
                    sends.add(producer.send(KafkaClients.record(Topics.REJECTED, r.key(), RecordJson.write(rej))));
                    LOG.info("order rejected: {} {}", x.reason(), detail);
                    if (x.zone() != null && x.account() != null) {
                        byte[] verdict = rejectedVerdict(x);
                        notices.add(() -> mqtt.publish(Topics.of(x.zone(), x.account(), Topics.FILLS_KIND), verdict));
                    }
                }
            }
        }
        KafkaClients.await(sends);
        notices.forEach(Runnable::run);
    }

    private void clearDue() {
        List<BookKey> due = books.due(
                clock.millis(),
                settings.gateClosure().toMillis(),
                settings.clearingDelay().toMillis());
        if (due.isEmpty()) {
            return;
        }
        if (!loop.caughtUp()) {
            return; // orders received before gate closure may still be unread
        }
        Tariffs tariffs;
        try {
            tariffs = chain.tariffs();
        } catch (ChainUnavailableException e) {
            LOG.warn("cannot clear {} books: {}; trying again", due.size(), e.getMessage());
            return;
        }
        for (BookKey key : due) {
            ClearingRecord c = IntervalClearing.clear(
                    key,
                    settings.interval().toSeconds(),
                    settings.gateClosureMs(key.intervalStartMs()),
                    books.orders(key),
                    books.replaced(key),
                    tariffs,
                    settings.priceRule(),
                    clock.millis());
            KafkaClients.await(
                    List.of(producer.send(KafkaClients.record(Topics.CLEARING, key.kafkaKey(), RecordJson.write(c)))));
            books.markCleared(key);
            release(validator.funds(), c);
            cleared.incrementAndGet();
            LOG.info(
                    "cleared {} interval {}: {} orders, price {}, matched {} mWh",
                    c.zone(),
                    c.intervalStartMs(),
                    c.orders().size(),
                    c.clearingPricePerKWh(),
                    c.matchedMilliWh());
            sendFills(c);
        }
    }

    /** Commits an accepted order's worst case (as the intake does for every order it accepts). */
    static void commit(CommittedFunds funds, AcceptedOrder o) {
        if (o.worstCaseBaseUnits() != null) {
            funds.commit(
                    o.account(),
                    new BookKey(o.zoneId(), o.intervalStartMs()),
                    o.orderDigest(),
                    o.nonce(),
                    new java.math.BigInteger(o.worstCaseBaseUnits()));
        }
    }

    /** Orders that cleared with fill 0 (or were replaced) owe nothing: their commitments end at clearing. */
    private static void release(CommittedFunds funds, ClearingRecord c) {
        for (ClearingRecord.Entry e : c.orders()) {
            if (e.filledMilliWh() == 0) {
                funds.release(e.account(), c.key(), e.orderDigest());
            }
        }
    }

    private void sendFills(ClearingRecord c) {
        for (ClearingRecord.Entry e : c.orders()) {
            mqtt.publish(Topics.of(e.zone(), e.account(), Topics.FILLS_KIND), fill(c, e));
        }
    }

    /** Orders accepted by this process (re-deliveries not counted). */
    public long accepted() {
        return accepted.get();
    }

    /** Orders rejected by this process. */
    public long rejected() {
        return rejected.get();
    }

    /** Books cleared by this process. */
    public long cleared() {
        return cleared.get();
    }

    @Override
    public void close() {
        try {
            if (loop != null) {
                loop.close();
            }
        } finally {
            if (settlements != null) {
                settlements.close();
            }
            producer.close(Duration.ofSeconds(5));
        }
    }

    /** The verdict sent to the household on an accepted order (docs/protocol.md, "Order verdict"). */
    public static byte[] acceptedVerdict(AcceptedOrder o) {
        return Downlink.encode(org.gridshare.protocol.downlink.OrderVerdict.accepted(
                Bytes32.fromHex(o.orderDigest()), o.intervalStartMs()));
    }

    /** The verdict sent to the household on a refused order; it names no order when the payload did not decode. */
    public static byte[] rejectedVerdict(OrderVerdict.Rejected x) {
        return Downlink.encode(org.gridshare.protocol.downlink.OrderVerdict.rejected(
                x.digest() == null ? null : Bytes32.fromHex(x.digest()), x.intervalStartMs(), x.reason(), x.detail()));
    }

    /** An order's fill at the clearing of its book (docs/protocol.md, "Fill"). */
    public static byte[] fill(ClearingRecord c, ClearingRecord.Entry e) {
        return Downlink.encode(new Fill(
                Bytes32.fromHex(e.orderDigest()),
                c.intervalStartMs(),
                e.side(),
                e.energyMilliWh(),
                e.filledMilliWh(),
                c.clearingPricePerKWh()));
    }
}
