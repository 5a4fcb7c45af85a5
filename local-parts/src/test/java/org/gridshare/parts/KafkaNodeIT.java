package org.gridshare.parts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KafkaNodeIT {
    @TempDir
    static Path workDir;

    static KafkaNode kafka;

    @BeforeAll
    static void start() throws Exception {
        kafka = KafkaNode.start(workDir);
    }

    @AfterAll
    static void close_is_controlled_frees_the_port_and_is_idempotent() {
        int port = Integer.parseInt(kafka.bootstrapServers().substring("127.0.0.1:".length()));
        kafka.close();
        assertTrue(FreePorts.bindable(port), "kafka still holds " + port + " after close");
        kafka.close();
    }

    @Test
    void bootstrap_servers_is_a_loopback_address_and_only_loopback_listens() throws Exception {
        assertTrue(kafka.bootstrapServers().matches("127\\.0\\.0\\.1:\\d+"), kafka.bootstrapServers());
        Loopback.assertNotReachableFromOtherAddresses(
                Integer.parseInt(kafka.bootstrapServers().substring("127.0.0.1:".length())));
    }

    @Test
    void creates_topics_with_the_requested_partitions_and_one_replica() throws Exception {
        kafka.createTopics(Map.of("gridshare.test.readings", 6, "gridshare.test.trades", 1));
        kafka.createTopics(Map.of("gridshare.test.trades", 1)); // existing topic is fine
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
            Map<String, TopicDescription> d = admin.describeTopics(
                            List.of("gridshare.test.readings", "gridshare.test.trades"))
                    .allTopicNames()
                    .get(10, TimeUnit.SECONDS);
            assertEquals(6, d.get("gridshare.test.readings").partitions().size());
            assertEquals(1, d.get("gridshare.test.trades").partitions().size());
            d.values()
                    .forEach(t -> t.partitions()
                            .forEach(p -> assertEquals(1, p.replicas().size())));
        }
    }

    @Test
    void a_produced_record_is_consumed_back() throws Exception {
        String topic = "gridshare.test.roundtrip";
        kafka.createTopics(Map.of(topic, 3));
        String value = "reading-" + new Random(11).nextLong();
        RecordMetadata written;
        try (var producer = new KafkaProducer<String, String>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                kafka.bootstrapServers(),
                ProducerConfig.ACKS_CONFIG,
                "all",
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG,
                StringSerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG,
                StringSerializer.class))) {
            written =
                    producer.send(new ProducerRecord<>(topic, "meter-1", value)).get(20, TimeUnit.SECONDS);
        }
        List<ConsumerRecord<String, String>> got = new ArrayList<>();
        try (var consumer = new KafkaConsumer<String, String>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                kafka.bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG,
                "local-parts-test",
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                "earliest",
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG,
                StringDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG,
                StringDeserializer.class))) {
            consumer.subscribe(List.of(topic));
            long end = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (got.isEmpty() && System.nanoTime() < end) {
                consumer.poll(Duration.ofMillis(500)).forEach(got::add);
            }
        }
        assertEquals(1, got.size(), "records consumed from " + topic);
        assertEquals("meter-1", got.get(0).key());
        assertEquals(value, got.get(0).value());
        assertEquals(written.partition(), got.get(0).partition());
        assertEquals(written.offset(), got.get(0).offset());
    }
}
