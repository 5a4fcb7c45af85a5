package org.gridshare.backend.kafka;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Kafka clients the backend's components share: idempotent producers and the waits on their sends,
 * read_committed consumers without auto-commit, and a replay of a topic up to its end (how a component
 * rebuilds its state at start). A consumer that runs on its own thread does so in a {@link ConsumerLoop}.
 */
public final class KafkaClients {
    private static final Logger LOG = LoggerFactory.getLogger(KafkaClients.class);
    private static final Duration WAIT = Duration.ofSeconds(30);
    /**
     * Client settings per cluster, by its bootstrap string. Components are handed only the bootstrap
     * servers; the settings of that cluster (TLS, SASL) belong to the cluster, so every client made for
     * it here carries them, whichever component asks.
     */
    private static final Map<String, Map<String, String>> CLUSTERS = new ConcurrentHashMap<>();

    private KafkaClients() {}

    /**
     * Every client the backend creates for {@code bootstrap} from now on carries {@code clientProperties}
     * (e.g. {@code security.protocol}, {@code ssl.*}, {@code sasl.*}); the backend's own delivery settings
     * (acks, idempotence, isolation, offsets) are set over them. An empty map forgets the cluster.
     */
    public static void configure(String bootstrap, Map<String, String> clientProperties) {
        if (clientProperties.isEmpty()) {
            CLUSTERS.remove(bootstrap);
        } else {
            CLUSTERS.put(bootstrap, Map.copyOf(clientProperties));
        }
    }

    /** The bootstrap servers and the cluster's configured client properties: what every client starts from. */
    public static Properties base(String bootstrap) {
        Properties p = new Properties();
        p.putAll(CLUSTERS.getOrDefault(bootstrap, Map.of()));
        p.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        return p;
    }

    /** An idempotent producer (acks=all): a record is written once per send, in order. */
    public static KafkaProducer<String, byte[]> producer(String bootstrap, String clientId) {
        Properties p = base(bootstrap);
        p.put(ProducerConfig.CLIENT_ID_CONFIG, clientId);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        p.put(ProducerConfig.LINGER_MS_CONFIG, 0);
        p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 10_000);
        return new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer());
    }

    /** A consumer without auto-commit, from the earliest offset; {@code groupId} may be null (no commits). */
    public static KafkaConsumer<String, byte[]> consumer(String bootstrap, String groupId) {
        Properties p = base(bootstrap);
        if (groupId != null) {
            p.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
        }
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        return new KafkaConsumer<>(p, new StringDeserializer(), new ByteArrayDeserializer());
    }

    /** Every partition of {@code topics}, so a consumer can be assigned them all (no rebalances). */
    public static List<TopicPartition> partitions(KafkaConsumer<?, ?> consumer, String... topics) {
        List<TopicPartition> all = new ArrayList<>();
        for (String t : topics) {
            List<PartitionInfo> infos = consumer.partitionsFor(t, WAIT);
            if (infos == null || infos.isEmpty()) {
                throw new IllegalStateException("topic " + t + " does not exist (Backend.createTopics creates it)");
            }
            for (PartitionInfo i : infos) {
                all.add(new TopicPartition(t, i.partition()));
            }
        }
        return all;
    }

    /**
     * Reads {@code topic} from its beginning up to the end it has now, handing every record to {@code sink};
     * a record the sink throws on is logged and skipped.
     */
    public static void replay(String bootstrap, String topic, Consumer<ConsumerRecord<String, byte[]>> sink) {
        try (KafkaConsumer<String, byte[]> c = consumer(bootstrap, null)) {
            List<TopicPartition> tps = partitions(c, topic);
            c.assign(tps);
            c.seekToBeginning(tps);
            Map<TopicPartition, Long> end = c.endOffsets(tps, WAIT);
            long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
            while (!caughtUp(c, end)) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("replaying " + topic + " did not reach " + end);
                }
                for (ConsumerRecord<String, byte[]> r : c.poll(Duration.ofMillis(200))) {
                    try {
                        sink.accept(r);
                    } catch (RuntimeException e) {
                        // our own topics hold our own JSON; a record we cannot read is skipped, never fatal
                        LOG.warn(
                                "skipping unreadable record {}-{}@{}: {}",
                                r.topic(),
                                r.partition(),
                                r.offset(),
                                e.toString());
                    }
                }
            }
        }
    }

    /** True when the consumer's position has reached {@code end} on every partition in it. */
    public static boolean caughtUp(KafkaConsumer<?, ?> c, Map<TopicPartition, Long> end) {
        for (Map.Entry<TopicPartition, Long> e : end.entrySet()) {
            if (c.position(e.getKey(), WAIT) < e.getValue()) {
                return false;
            }
        }
        return true;
    }

    /** Waits for every send; throws when one failed (the caller then does not commit its input). */
    public static void await(List<Future<RecordMetadata>> sends) {
        for (Future<RecordMetadata> f : sends) {
            try {
                f.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
            } catch (ExecutionException e) {
                throw new IllegalStateException("Kafka refused a record", e.getCause());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted waiting for Kafka", e);
            } catch (TimeoutException e) {
                throw new IllegalStateException("Kafka did not acknowledge a record within " + WAIT, e);
            }
        }
    }

    /** A record with the value as is. */
    public static ProducerRecord<String, byte[]> record(String topic, String key, byte[] value) {
        return new ProducerRecord<>(topic, key, value);
    }
}
