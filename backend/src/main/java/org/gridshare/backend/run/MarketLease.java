package org.gridshare.backend.run;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.gridshare.backend.Backend;
import org.gridshare.backend.kafka.KafkaClients;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which instance of an application runs the market pipeline. The market's intake reads every partition
 * (one book per zone and interval must see every order), so exactly one instance may run it: the one
 * that Kafka's group coordinator assigns the single partition of {@value #TOPIC} in the group
 * {@code <applicationId>-market-lease}. When that instance stops, it gives the lease up at once (the
 * revocation stops its pipeline before another starts one); when it dies, the coordinator hands the
 * lease on after the session timeout ({@link #SESSION_TIMEOUT}). Nothing is read from the topic: the
 * group membership is the lease. A batch is settled once even if two pipelines overlapped for a moment
 * (the settlement job reads {@code settled(batchId)} before it sends, and the contract refuses a
 * second settlement of a batch id).
 */
final class MarketLease implements AutoCloseable {
    /** The lease topic: one partition, nothing written to it. */
    static final String TOPIC = "gridshare.backend.market-lease.v1";
    /** How long a dead holder keeps the lease. */
    static final Duration SESSION_TIMEOUT = Duration.ofSeconds(10);

    private static final Logger LOG = LoggerFactory.getLogger(MarketLease.class);

    /** What holding the lease starts and stops (called on the lease's thread). */
    interface Holder {
        void acquired();

        void lost();
    }

    private final KafkaConsumer<String, byte[]> consumer;
    private final Holder holder;
    private final Thread thread;
    private volatile boolean running = true;
    private volatile boolean held;

    private MarketLease(String bootstrap, String applicationId, String instanceId, Holder holder) {
        this.holder = holder;
        var p = KafkaClients.base(bootstrap);
        p.put(ConsumerConfig.GROUP_ID_CONFIG, applicationId + "-market-lease");
        p.put(ConsumerConfig.CLIENT_ID_CONFIG, applicationId + "-market-lease-" + instanceId);
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        p.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, (int) SESSION_TIMEOUT.toMillis());
        p.put(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, 1_000);
        this.consumer = new KafkaConsumer<>(p, new StringDeserializer(), new ByteArrayDeserializer());
        consumer.subscribe(List.of(TOPIC), new ConsumerRebalanceListener() {
            @Override
            public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
                if (!partitions.isEmpty() && !held) {
                    held = true;
                    LOG.info("market lease acquired by {}", instanceId);
                    holder.acquired();
                }
            }

            @Override
            public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
                release(partitions, "revoked");
            }

            @Override
            public void onPartitionsLost(Collection<TopicPartition> partitions) {
                release(partitions, "lost");
            }

            private void release(Collection<TopicPartition> partitions, String how) {
                if (!partitions.isEmpty() && held) {
                    held = false;
                    LOG.info("market lease {} by {}", how, instanceId);
                    holder.lost();
                }
            }
        });
        this.thread = Thread.ofPlatform().name("gridshare-market-lease").start(this::run);
    }

    /** Creates the lease topic when missing and starts competing for the lease. */
    static MarketLease start(
            String bootstrap, String applicationId, String instanceId, Optional<Short> replication, Holder holder) {
        Backend.createTopics(bootstrap, Map.of(TOPIC, 1), replication, Map.of());
        return new MarketLease(bootstrap, applicationId, instanceId, holder);
    }

    private void run() {
        try {
            while (running) {
                consumer.poll(Duration.ofMillis(500)); // keeps the membership; the listener does the work
            }
        } catch (WakeupException | InterruptException e) {
            // closing
        } catch (RuntimeException e) {
            LOG.error("market lease stopped: {}", e.toString());
        } finally {
            try {
                // leaving the group revokes the lease (the listener stops the pipeline) and hands it on at once
                consumer.close(CloseOptions.timeout(Duration.ofSeconds(15)));
            } finally {
                if (held) {
                    held = false;
                    holder.lost();
                }
            }
        }
    }

    /** Whether this instance holds the lease now. */
    boolean held() {
        return held;
    }

    @Override
    public void close() {
        running = false;
        consumer.wakeup();
        try {
            thread.join(Duration.ofSeconds(30));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
