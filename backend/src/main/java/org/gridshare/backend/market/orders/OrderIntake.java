package org.gridshare.backend.market.orders;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.gridshare.backend.Topics;
import org.gridshare.backend.market.KafkaIo;
import org.gridshare.backend.market.MarketSettings;
import org.gridshare.backend.market.MqttNotifier;
import org.gridshare.backend.market.Notices;
import org.gridshare.backend.market.chain.ChainUnavailableException;
import org.gridshare.backend.market.chain.MarketChain;
import org.gridshare.backend.market.chain.Tariffs;
import org.gridshare.backend.market.clearing.ClearingRecord;
import org.gridshare.backend.market.clearing.IntervalClearing;
import org.gridshare.backend.rejects.JsonCodec;
import org.gridshare.backend.rejects.Rejection;
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
    private final Thread thread;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final AtomicLong accepted = new AtomicLong();
    private final AtomicLong rejected = new AtomicLong();
    private final AtomicLong cleared = new AtomicLong();
    private volatile KafkaConsumer<String, byte[]> consumer;
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
        this.producer = KafkaIo.producer(bootstrap, groupId + "-producer");
        this.thread = new Thread(this::run, "gridshare-market-orders");
        thread.setDaemon(true);
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
            intake.consumer = KafkaIo.consumer(bootstrap, groupId);
            intake.consumer.assign(KafkaIo.partitions(intake.consumer, Topics.ORDERS));
        } catch (RuntimeException e) {
            intake.producer.close(Duration.ofSeconds(2));
            throw e;
        }
        intake.thread.start();
        return intake;
    }

    /** The books as Kafka has them; optionally re-sends the fills of cleared intervals not yet delivered. */
    private OrderBooks rebuild(boolean resendFills) {
        OrderBooks b = new OrderBooks();
        List<ClearingRecord> recent = new ArrayList<>();
        long now = clock.millis();
        KafkaIo.replay(bootstrap, Topics.CLEARING, r -> {
            ClearingRecord c = JsonCodec.read(r.value(), ClearingRecord.class);
            b.markCleared(c.key());
            if (c.intervalEndMs() > now) {
                recent.add(c);
            }
        });
        KafkaIo.replay(
                bootstrap, Topics.ORDERS_ACCEPTED, r -> b.accept(JsonCodec.read(r.value(), AcceptedOrder.class)));
        if (resendFills) {
            // the process may have stopped between a clearing record and its fills: fills are idempotent
            recent.forEach(this::sendFills);
        }
        LOG.info("market books rebuilt from Kafka: {} open, {} recent clearings", b.openBooks(), recent.size());
        return b;
    }

    private void run() {
        while (running.get()) {
            try {
                round();
                clearDue();
            } catch (WakeupException e) {
                return;
            } catch (RuntimeException e) {
                if (!running.get()) {
                    return;
                }
                LOG.warn("order round failed; rebuilding the books and re-reading from the committed offsets", e);
                KafkaIo.backOff(running);
                try {
                    books = rebuild(false);
                    rewind();
                } catch (RuntimeException again) {
                    LOG.warn("rebuilding the books failed; trying again", again);
                }
            }
        }
    }

    private void round() {
        List<Future<RecordMetadata>> sends = new ArrayList<>();
        List<Runnable> notices = new ArrayList<>();
        var records = consumer.poll(Duration.ofMillis(100));
        if (records.isEmpty()) {
            return;
        }
        for (ConsumerRecord<String, byte[]> r : records) {
            IncomingOrder in = new IncomingOrder(
                    KafkaIo.header(r, "mqtt.topic"),
                    r.value() == null ? new byte[0] : r.value(),
                    KafkaIo.arrivalMs(r),
                    new Rejection.Source(r.topic(), r.partition(), r.offset(), null));
            OrderVerdict v = validator.validate(in, books);
            switch (v) {
                case OrderVerdict.Accepted a -> {
                    AcceptedOrder o = a.order();
                    if (!a.again()) {
                        sends.add(
                                producer.send(KafkaIo.record(Topics.ORDERS_ACCEPTED, o.account(), JsonCodec.write(o))));
                        books.accept(o);
                        accepted.incrementAndGet();
                    }
                    byte[] verdict =
                            JsonCodec.write(Notices.OrderVerdict.accepted(o.orderDigest(), o.intervalStartMs()));
                    notices.add(() -> mqtt.publish(Notices.fillsTopic(o.zone(), o.account()), verdict));
                }
                case OrderVerdict.Rejected x -> {
                    rejected.incrementAndGet();
                    String detail = x.detail() + " (account " + x.account() + ", " + r.topic() + "-" + r.partition()
                            + "@" + r.offset() + ")";
                    Rejection rej =
                            Rejection.of(x.reason(), detail, null, null, in.source(), in.payload(), clock.millis());
                    sends.add(producer.send(KafkaIo.record(Topics.REJECTED, r.key(), JsonCodec.write(rej))));
                    LOG.info("order rejected: {} {}", x.reason(), detail);
                    if (x.zone() != null && x.account() != null) {
                        byte[] verdict = JsonCodec.write(
                                Notices.OrderVerdict.rejected(x.digest(), x.intervalStartMs(), x.reason(), x.detail()));
                        notices.add(() -> mqtt.publish(Notices.fillsTopic(x.zone(), x.account()), verdict));
                    }
                }
            }
        }
        KafkaIo.await(sends);
        notices.forEach(Runnable::run);
        consumer.commitSync();
    }

    private void clearDue() {
        List<BookKey> due = books.due(
                clock.millis(),
                settings.gateClosure().toMillis(),
                settings.clearingDelay().toMillis());
        if (due.isEmpty()) {
            return;
        }
        Map<TopicPartition, Long> end = consumer.endOffsets(consumer.assignment());
        if (!KafkaIo.caughtUp(consumer, end)) {
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
            KafkaIo.await(List.of(producer.send(KafkaIo.record(Topics.CLEARING, key.kafkaKey(), JsonCodec.write(c)))));
            books.markCleared(key);
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

    private void sendFills(ClearingRecord c) {
        for (ClearingRecord.Entry e : c.orders()) {
            mqtt.publish(
                    Notices.fillsTopic(e.zone(), e.account()),
                    JsonCodec.write(new Notices.Fill(
                            e.orderDigest(),
                            c.intervalStartMs(),
                            e.sideName(),
                            e.energyMilliWh(),
                            e.filledMilliWh(),
                            c.clearingPricePerKWh())));
        }
    }

    private void rewind() {
        KafkaIo.rewindToCommitted(consumer);
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
        running.set(false);
        KafkaConsumer<String, byte[]> c = consumer;
        if (c != null) {
            c.wakeup();
        }
        try {
            thread.join(15_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (c != null) {
            c.close(CloseOptions.timeout(Duration.ofSeconds(5)));
        }
        producer.close(Duration.ofSeconds(5));
    }
}
