package org.gridshare.backend.market.statements;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
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
import org.gridshare.backend.market.MqttNotifier;
import org.gridshare.backend.rejects.Rejection;
import org.gridshare.protocol.Topics;
import org.gridshare.protocol.downlink.Downlink;
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
    private final KafkaProducer<String, byte[]> producer;
    private final ConsumerLoop loop;
    private final AtomicLong accepted = new AtomicLong();
    private final AtomicLong rejected = new AtomicLong();
    private final Set<String> seen = new HashSet<>();

    private StatementIntake(
            String bootstrap, String groupId, StatementVerifier verifier, MqttNotifier mqtt, Clock clock) {
        this.verifier = verifier;
        this.mqtt = mqtt;
        this.clock = clock;
        this.producer = KafkaClients.producer(bootstrap, groupId + "-producer");
        try {
            this.loop = ConsumerLoop.assign("gridshare-market-statements", bootstrap, groupId, Topics.STATEMENTS)
                    .onRecords(this::round)
                    // the records of the failed round are read again: their digests must count as new
                    .onRecovery(seen::clear);
        } catch (RuntimeException e) {
            producer.close(Duration.ofSeconds(2));
            throw e;
        }
    }

    /** Starts consuming as consumer group {@code groupId} (committed offsets, else from the beginning). */
    public static StatementIntake start(
            String bootstrap, String groupId, StatementVerifier verifier, MqttNotifier mqtt, Clock clock) {
        StatementIntake s = new StatementIntake(bootstrap, groupId, verifier, mqtt, clock);
        s.loop.start();
        return s;
    }

    private void round(ConsumerRecords<String, byte[]> records) {
        List<Future<RecordMetadata>> sends = new ArrayList<>();
        List<Runnable> notices = new ArrayList<>();
        for (ConsumerRecord<String, byte[]> r : records) {
            byte[] payload = r.value() == null ? new byte[0] : r.value();
            StatementVerdict v = verifier.verify(IngestRecords.mqttTopic(r), payload, IngestRecords.arrivalMs(r));
            switch (v) {
                case StatementVerdict.Accepted a -> {
                    VerifiedStatement s = a.statement();
                    if (seen.add(s.statementDigest())) {
                        sends.add(producer.send(
                                KafkaClients.record(Topics.STATEMENTS_VERIFIED, s.meter(), RecordJson.write(s))));
                        accepted.incrementAndGet();
                    }
                    byte[] ack = acceptedVerdict(s);
                    notices.add(() -> mqtt.publish(Topics.of(s.zone(), s.meter(), Topics.STATEMENT_ACKS_KIND), ack));
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
                    sends.add(producer.send(KafkaClients.record(Topics.REJECTED, r.key(), RecordJson.write(rej))));
                    LOG.info("statement rejected: {} {}", x.reason(), x.detail());
                    // a transient reason (chain down, readings not verified yet) is not final: no verdict,
                    // so the agent keeps re-publishing
                    if (x.zone() != null && x.meter() != null && !x.reason().isTransient()) {
                        byte[] ack = rejectedVerdict(x);
                        notices.add(
                                () -> mqtt.publish(Topics.of(x.zone(), x.meter(), Topics.STATEMENT_ACKS_KIND), ack));
                    }
                }
            }
        }
        KafkaClients.await(sends);
        notices.forEach(Runnable::run);
    }

    public long accepted() {
        return accepted.get();
    }

    public long rejected() {
        return rejected.get();
    }

    @Override
    public void close() {
        try {
            loop.close();
        } finally {
            producer.close(Duration.ofSeconds(5));
        }
    }

    /** The verdict sent to the meter on an accepted statement (docs/protocol.md, "Statement verdict"). */
    public static byte[] acceptedVerdict(VerifiedStatement s) {
        return Downlink.encode(org.gridshare.protocol.downlink.StatementVerdict.accepted(s.intervalStartMs()));
    }

    /** The verdict sent to the meter on a refused statement; no interval when the payload did not decode. */
    public static byte[] rejectedVerdict(StatementVerdict.Rejected x) {
        return Downlink.encode(
                org.gridshare.protocol.downlink.StatementVerdict.rejected(x.intervalStartMs(), x.reason(), x.detail()));
    }
}
