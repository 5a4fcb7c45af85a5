package org.gridshare.backend.run;

import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.gridshare.backend.kafka.KafkaClients;

/**
 * How far each of the backend's consumer groups is behind the end of its input topics (committed
 * offsets against the latest ones), asked of the cluster at most every {@link #MAX_AGE} so that a
 * scrape costs at most two admin requests. A partition a group never committed counts from 0.
 */
final class ConsumerLag implements AutoCloseable {
    static final Duration MAX_AGE = Duration.ofSeconds(5);

    private final Admin admin;
    private final Map<String, List<String>> inputs;
    private Map<String, Double> last = Map.of();
    private long lastAt;

    ConsumerLag(String bootstrap, Map<String, List<String>> inputsByGroup) {
        this.admin = Admin.create(KafkaClients.base(bootstrap));
        this.inputs = inputsByGroup;
    }

    /** Records behind per group; NaN for a group whose lag cannot be read now. */
    synchronized Map<String, Double> lag() {
        if (System.nanoTime() - lastAt < MAX_AGE.toNanos() && !last.isEmpty()) {
            return last;
        }
        Map<String, Double> out = new LinkedHashMap<>();
        for (Map.Entry<String, List<String>> g : inputs.entrySet()) {
            out.put(g.getKey(), lagOf(g.getKey(), g.getValue()));
        }
        last = out;
        lastAt = System.nanoTime();
        return out;
    }

    private double lagOf(String group, List<String> topics) {
        try {
            Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group)
                    .partitionsToOffsetAndMetadata()
                    .get(5, TimeUnit.SECONDS);
            Map<TopicPartition, OffsetSpec> ask = new HashMap<>();
            for (var d : admin.describeTopics(topics)
                    .allTopicNames()
                    .get(5, TimeUnit.SECONDS)
                    .values()) {
                d.partitions().forEach(p -> ask.put(new TopicPartition(d.name(), p.partition()), OffsetSpec.latest()));
            }
            Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> end =
                    admin.listOffsets(ask).all().get(5, TimeUnit.SECONDS);
            long behind = 0;
            for (var e : end.entrySet()) {
                OffsetAndMetadata c = committed.get(e.getKey());
                behind += Math.max(0, e.getValue().offset() - (c == null ? 0 : c.offset()));
            }
            return behind;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Double.NaN;
        } catch (Exception e) {
            return Double.NaN; // the cluster did not answer in time: unknown, not zero
        }
    }

    @Override
    public void close() {
        admin.close(Duration.ofSeconds(5));
    }
}
