package org.gridshare.backend.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.gridshare.parts.KafkaNode;
import org.gridshare.testsupport.Await;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The one consumer lifecycle of the backend against a real Kafka broker: what is handled is committed
 * and not read again by the group, a failed round is recovered and read again from the committed
 * offsets, a reader without a group reads everything again, the after-poll step runs without records.
 */
class ConsumerLoopIT {
    private static final Duration WAIT = Duration.ofSeconds(60);

    @TempDir
    static Path dir;

    private static KafkaNode kafka;

    @BeforeAll
    static void startKafka() throws Exception {
        kafka = KafkaNode.start(dir.resolve("kafka"));
    }

    @AfterAll
    static void stopKafka() {
        if (kafka != null) {
            kafka.close();
        }
    }

    private static String topicWith(String name, int partitions, List<String> values) {
        kafka.createTopics(Map.of(name, partitions));
        try (KafkaProducer<String, byte[]> p = KafkaClients.producer(kafka.bootstrapServers(), name + "-producer")) {
            List<Future<RecordMetadata>> sends = new ArrayList<>();
            for (String v : values) {
                sends.add(p.send(KafkaClients.record(name, v, v.getBytes(StandardCharsets.UTF_8))));
            }
            KafkaClients.await(sends);
        }
        return name;
    }

    private static String value(ConsumerRecord<String, byte[]> r) {
        return new String(r.value(), StandardCharsets.UTF_8);
    }

    @Test
    void records_handled_by_a_group_are_committed_and_not_read_again_by_it() {
        String topic = topicWith("loop-commit", 2, List.of("a", "b", "c", "d"));
        List<String> first = new CopyOnWriteArrayList<>();
        try (ConsumerLoop loop = ConsumerLoop.assign("loop-commit-1", kafka.bootstrapServers(), "g-commit", topic)
                .onRecords(records -> records.forEach(r -> first.add(value(r))))
                .start()) {
            Await.until("all four records handled", WAIT, () -> first.size() == 4, first::toString);
        }
        assertEquals(List.of("a", "b", "c", "d"), first.stream().sorted().toList());

        topicWith(topic, 2, List.of("e"));
        List<String> second = new CopyOnWriteArrayList<>();
        try (ConsumerLoop loop = ConsumerLoop.assign("loop-commit-2", kafka.bootstrapServers(), "g-commit", topic)
                .onRecords(records -> records.forEach(r -> second.add(value(r))))
                .start()) {
            Await.until("the new record handled", WAIT, () -> second.contains("e"), second::toString);
            assertFalse(
                    Await.holdsWithin(Duration.ofSeconds(2), () -> second.size() > 1),
                    "a committed record was read again: " + second);
        }
    }

    @Test
    void a_failed_round_is_recovered_and_read_again_from_the_committed_offsets() {
        String topic = topicWith("loop-fail", 1, List.of("x", "y"));
        List<String> handled = new CopyOnWriteArrayList<>();
        AtomicBoolean failNext = new AtomicBoolean(true);
        AtomicInteger recoveries = new AtomicInteger();
        List<String> atRecovery = new CopyOnWriteArrayList<>();
        try (ConsumerLoop loop = ConsumerLoop.subscribe("loop-fail", kafka.bootstrapServers(), "g-fail", List.of(topic))
                .onRecords(records -> {
                    records.forEach(r -> handled.add(value(r)));
                    if (failNext.getAndSet(false)) {
                        throw new IllegalStateException("the sink is down");
                    }
                })
                .onRecovery(() -> {
                    recoveries.incrementAndGet();
                    atRecovery.addAll(handled);
                    handled.clear(); // what the failed round derived is dropped, as a real owner does
                })
                .start()) {
            Await.until(
                    "both records handled again after the failure",
                    WAIT,
                    () -> recoveries.get() == 1 && handled.containsAll(List.of("x", "y")),
                    () -> "handled " + handled + ", recoveries " + recoveries);
        }
        assertEquals(1, recoveries.get());
        assertTrue(atRecovery.contains("x"), "the failed round had read x: " + atRecovery);
        assertEquals(List.of("x", "y"), handled, "after the rewind each record is handled once more, in order");
    }

    @Test
    void a_reader_without_a_group_commits_nothing_and_reads_from_the_beginning_each_time() {
        String topic = topicWith("loop-beginning", 3, List.of("1", "2", "3", "4", "5"));
        for (int run = 0; run < 2; run++) {
            List<String> seen = new CopyOnWriteArrayList<>();
            try (ConsumerLoop loop = ConsumerLoop.fromBeginning("loop-beginning", kafka.bootstrapServers(), topic)
                    .onRecords(records -> records.forEach(r -> seen.add(value(r))))
                    .start()) {
                Await.until("every record read in run " + run, WAIT, () -> seen.size() == 5, seen::toString);
            }
            assertEquals(
                    List.of("1", "2", "3", "4", "5"), seen.stream().sorted().toList());
        }
    }

    @Test
    void the_after_poll_step_runs_without_records_and_sees_the_end_reached() {
        String topic = topicWith("loop-idle", 1, List.of("only"));
        AtomicInteger idle = new AtomicInteger();
        AtomicBoolean caughtUp = new AtomicBoolean();
        ConsumerLoop[] self = new ConsumerLoop[1];
        try (ConsumerLoop loop = ConsumerLoop.fromBeginning("loop-idle", kafka.bootstrapServers(), topic)) {
            self[0] = loop;
            Map<TopicPartition, Long> end = loop.endOffsets();
            assertEquals(1L, end.values().iterator().next());
            assertFalse(loop.caughtUp(end), "nothing read before start");
            loop.afterPoll(() -> {
                        idle.incrementAndGet();
                        caughtUp.set(self[0].caughtUp());
                    })
                    .start();
            Await.until("several polls without records", WAIT, () -> idle.get() >= 5 && caughtUp.get());
            assertThrows(IllegalStateException.class, loop::start);
        }
    }

    @Test
    void close_stops_a_loop_that_keeps_failing_without_waiting_out_its_back_off() {
        String topic = topicWith("loop-close", 1, List.of("poison"));
        AtomicInteger rounds = new AtomicInteger();
        ConsumerLoop loop = ConsumerLoop.assign("loop-close", kafka.bootstrapServers(), "g-close", topic)
                .onRecords(records -> {
                    rounds.incrementAndGet();
                    throw new IllegalStateException("never handled");
                })
                .start();
        Await.until("the record failed twice (read again after the rewind)", WAIT, () -> rounds.get() >= 2);

        long t0 = System.nanoTime();
        loop.close();
        long closeMs = (System.nanoTime() - t0) / 1_000_000;

        assertTrue(closeMs < 5_000, "close took " + closeMs + " ms");
        int after = rounds.get();
        assertFalse(Await.holdsWithin(Duration.ofMillis(1_500), () -> rounds.get() > after), "no round after close");
        List<String> next = new CopyOnWriteArrayList<>();
        try (ConsumerLoop again = ConsumerLoop.assign("loop-close-2", kafka.bootstrapServers(), "g-close", topic)
                .onRecords(records -> records.forEach(r -> next.add(value(r))))
                .start()) {
            Await.until("the failed record read again by the group", WAIT, () -> next.contains("poison"));
        }
    }
}
