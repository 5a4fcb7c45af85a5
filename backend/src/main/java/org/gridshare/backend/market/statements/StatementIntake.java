package org.gridshare.backend.market.statements;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.errors.WakeupException;
import org.gridshare.backend.Topics;
import org.gridshare.backend.market.KafkaIo;
import org.gridshare.backend.market.MqttNotifier;
import org.gridshare.backend.market.Notices;
import org.gridshare.backend.rejects.JsonCodec;
import org.gridshare.backend.rejects.Rejection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Verifies every record of {@code gridshare.statements.v1}: accepted ones go to
 * {@code gridshare.statements.verified.v1}, rejections to {@code gridshare.rejected.v1}, and the meter
 * gets the verdict on {@code …/{meter}/statement-acks} only after the record is in Kafka. Offsets are
 * committed after each round; a re-delivered statement (same digest) is acknowledged again without a
 * second record in this run (after a restart a repeated verified record is harmless: same content).
 */
public final class StatementIntake implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(StatementIntake.class);

    private final StatementVerifier verifier;
    private final MqttNotifier mqtt;
    private final Clock clock;
    private final KafkaConsumer<String, byte[]> consumer;
    private final KafkaProducer<String, byte[]> producer;
    private final Thread thread;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final AtomicLong accepted = new AtomicLong();
    private final AtomicLong rejected = new AtomicLong();
    private final Set<String> seen = new HashSet<>();

    private StatementIntake(
            StatementVerifier verifier,
            MqttNotifier mqtt,
            Clock clock,
            KafkaConsumer<String, byte[]> consumer,
            KafkaProducer<String, byte[]> producer) {
        this.verifier = verifier;
        this.mqtt = mqtt;
        this.clock = clock;
        this.consumer = consumer;
        this.producer = producer;
        this.thread = new Thread(this::run, "gridshare-market-statements");
        thread.setDaemon(true);
    }

    /** Starts consuming as consumer group {@code groupId} (committed offsets, else from the beginning). */
    public static StatementIntake start(
            String bootstrap, String groupId, StatementVerifier verifier, MqttNotifier mqtt, Clock clock) {
        KafkaConsumer<String, byte[]> consumer = KafkaIo.consumer(bootstrap, groupId);
        consumer.assign(KafkaIo.partitions(consumer, Topics.STATEMENTS));
        StatementIntake s = new StatementIntake(
                verifier, mqtt, clock, consumer, KafkaIo.producer(bootstrap, groupId + "-producer"));
        s.thread.start();
        return s;
    }

    private void run() {
        while (running.get()) {
            try {
                round();
            } catch (WakeupException e) {
                return;
            } catch (RuntimeException e) {
                if (!running.get()) {
                    return;
                }
                LOG.warn("statement round failed; re-reading from the committed offsets", e);
                seen.clear();
                rewind();
            }
        }
    }

    private void round() {
        var records = consumer.poll(Duration.ofMillis(100));
        if (records.isEmpty()) {
            return;
        }
        List<Future<RecordMetadata>> sends = new ArrayList<>();
        List<Runnable> notices = new ArrayList<>();
        for (ConsumerRecord<String, byte[]> r : records) {
            byte[] payload = r.value() == null ? new byte[0] : r.value();
            StatementVerdict v = verifier.verify(KafkaIo.header(r, "mqtt.topic"), payload, KafkaIo.arrivalMs(r));
            switch (v) {
                case StatementVerdict.Accepted a -> {
                    VerifiedStatement s = a.statement();
                    if (seen.add(s.statementDigest())) {
                        sends.add(producer.send(
                                KafkaIo.record(Topics.STATEMENTS_VERIFIED, s.meter(), JsonCodec.write(s))));
                        accepted.incrementAndGet();
                    }
                    byte[] ack = JsonCodec.write(Notices.StatementAck.accepted(s.intervalStartMs()));
                    notices.add(() -> mqtt.publish(Notices.statementAcksTopic(s.zone(), s.meter()), ack));
                }
                case StatementVerdict.Rejected x -> {
                    rejected.incrementAndGet();
                    Rejection rej = Rejection.of(
                            x.reason(),
                            x.detail() + " (" + r.topic() + "-" + r.partition() + "@" + r.offset() + ")",
                            x.meter(),
                            null,
                            new Rejection.Source(r.topic(), r.partition(), r.offset(), null),
                            payload,
                            clock.millis());
                    sends.add(producer.send(KafkaIo.record(Topics.REJECTED, r.key(), JsonCodec.write(rej))));
                    LOG.info("statement rejected: {} {}", x.reason(), x.detail());
                    // REGISTRY_UNAVAILABLE is not final: no verdict, so the agent keeps re-publishing
                    if (x.zone() != null
                            && x.meter() != null
                            && x.reason() != org.gridshare.backend.rejects.RejectReason.REGISTRY_UNAVAILABLE) {
                        byte[] ack = JsonCodec.write(
                                Notices.StatementAck.rejected(x.intervalStartMs(), x.reason(), x.detail()));
                        notices.add(() -> mqtt.publish(Notices.statementAcksTopic(x.zone(), x.meter()), ack));
                    }
                }
            }
        }
        KafkaIo.await(sends);
        notices.forEach(Runnable::run);
        consumer.commitSync();
    }

    private void rewind() {
        try {
            KafkaIo.rewindToCommitted(consumer);
        } catch (RuntimeException e) {
            LOG.warn("rewinding the statement consumer failed: {}", e.toString());
        }
    }

    public long accepted() {
        return accepted.get();
    }

    public long rejected() {
        return rejected.get();
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
