package org.gridshare.backend.aggregate;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.gridshare.backend.Topics;
import org.gridshare.backend.rejects.JsonCodec;
import org.gridshare.backend.rejects.RejectReason;
import org.gridshare.backend.rejects.Rejection;
import org.gridshare.backend.verify.VerifiedReading;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A read model for the demo and the tests: follows {@code intervals.v1}, {@code rejected.v1} and
 * {@code readings.verified.v1} from the beginning (read_committed, so only what the exactly-once
 * Streams application committed) and keeps the latest totals per (meter, interval), every rejection,
 * and every verified reading. One background thread; the accessors are safe from any thread.
 */
public final class IntervalTable implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(IntervalTable.class);

    /** Key of one interval row. */
    public record Key(String meter, long intervalStartMs) {}

    private final KafkaConsumer<String, byte[]> consumer;
    private final Thread thread;
    private final Map<Key, IntervalTotals> intervals = new ConcurrentHashMap<>();
    private final List<Rejection> rejections = new CopyOnWriteArrayList<>();
    private final List<VerifiedReading> verified = new CopyOnWriteArrayList<>();
    private volatile boolean running = true;

    private IntervalTable(String bootstrap) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        p.put(ConsumerConfig.CLIENT_ID_CONFIG, "gridshare-interval-table");
        consumer = new KafkaConsumer<>(p, new StringDeserializer(), new ByteArrayDeserializer());
        List<TopicPartition> partitions = new ArrayList<>();
        for (String topic : List.of(Topics.INTERVALS, Topics.REJECTED, Topics.READINGS_VERIFIED)) {
            consumer.partitionsFor(topic, Duration.ofSeconds(30))
                    .forEach(info -> partitions.add(new TopicPartition(topic, info.partition())));
        }
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        thread = Thread.ofPlatform().name("interval-table").daemon().start(this::run);
    }

    /** Starts following the backend's output topics on {@code bootstrap} (the topics must exist). */
    public static IntervalTable start(String bootstrap) {
        return new IntervalTable(bootstrap);
    }

    private void run() {
        try {
            while (running) {
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(100))) {
                    apply(r);
                }
            }
        } catch (WakeupException e) {
            // closing
        } finally {
            consumer.close(CloseOptions.timeout(Duration.ofSeconds(2)));
        }
    }

    private void apply(ConsumerRecord<String, byte[]> r) {
        try {
            switch (r.topic()) {
                case Topics.INTERVALS -> {
                    IntervalTotals t = JsonCodec.read(r.value(), IntervalTotals.class);
                    intervals.put(new Key(t.meter(), t.intervalStartMs()), t);
                }
                case Topics.REJECTED -> rejections.add(JsonCodec.read(r.value(), Rejection.class));
                case Topics.READINGS_VERIFIED -> verified.add(JsonCodec.read(r.value(), VerifiedReading.class));
                default -> {}
            }
        } catch (RuntimeException e) {
            LOG.warn("unreadable record {}-{}@{}", r.topic(), r.partition(), r.offset(), e);
        }
    }

    /** The latest totals of every (meter, interval), ordered by meter then interval start. */
    public List<IntervalTotals> intervals() {
        List<IntervalTotals> out = new ArrayList<>(intervals.values());
        out.sort(Comparator.comparing(IntervalTotals::meter).thenComparingLong(IntervalTotals::intervalStartMs));
        return out;
    }

    /** The latest totals of one meter in the interval starting at {@code intervalStartMs}. */
    public Optional<IntervalTotals> interval(String meter, long intervalStartMs) {
        return Optional.ofNullable(intervals.get(new Key(meter, intervalStartMs)));
    }

    /** How many rejections of each reason (only reasons seen). */
    public Map<RejectReason, Long> rejectsByReason() {
        Map<RejectReason, Long> out = new EnumMap<>(RejectReason.class);
        for (Rejection r : rejections) {
            out.merge(r.reason(), 1L, Long::sum);
        }
        return out;
    }

    /** Every rejection seen so far, in arrival order. */
    public List<Rejection> rejections() {
        return List.copyOf(rejections);
    }

    /** Every verified reading seen so far, in arrival order. */
    public List<VerifiedReading> verified() {
        return List.copyOf(verified);
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
