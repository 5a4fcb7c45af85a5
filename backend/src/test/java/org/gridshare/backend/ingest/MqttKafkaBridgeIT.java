package org.gridshare.backend.ingest;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.gridshare.backend.Backend;
import org.gridshare.backend.testing.Publisher;
import org.gridshare.backend.testing.TestFiles;
import org.gridshare.parts.EmbeddedHiveMq;
import org.gridshare.parts.KafkaNode;
import org.gridshare.parts.MqttBroker;
import org.gridshare.protocol.Topics;
import org.gridshare.testsupport.Await;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** The bridge against a real broker and a real Kafka: nothing is acknowledged before Kafka has it. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MqttKafkaBridgeIT {
    private Path work;
    private KafkaNode kafka;
    private MqttBroker broker;

    @BeforeAll
    void start() throws IOException {
        work = Files.createTempDirectory("bridge-test");
        kafka = KafkaNode.start(work.resolve("kafka"));
        Backend.createTopics(kafka.bootstrapServers());
        broker = EmbeddedHiveMq.start(work.resolve("mqtt"));
    }

    @AfterAll
    void stop() {
        broker.close();
        kafka.close();
        TestFiles.deleteTree(work);
    }

    @Test
    void redelivers_a_reading_the_bridge_took_while_kafka_was_unreachable() throws Exception {
        String unreachable;
        try (ServerSocket s = new ServerSocket(0)) {
            unreachable = "127.0.0.1:" + s.getLocalPort(); // closed again: nothing listens there
        }
        byte[] payload = "{\"not\":\"even a reading\", \"kept\": 1.5}".getBytes(StandardCharsets.UTF_8);
        String topic = "gridshare/v1/zone-a/0xABCDEF0123456789abcdef0123456789ABCDEF01/readings";
        Properties quick = new Properties();
        quick.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 500);
        MqttKafkaBridge cut = MqttKafkaBridge.start(
                broker.serverUri(), "bridge-redelivery", unreachable, quick, Clock.systemUTC(), () -> 4096, "readings");
        try (Publisher publisher = new Publisher(broker.serverUri())) {
            publisher.publish(topic, payload);
            // the send fails (no Kafka), the bridge does not acknowledge, drops the connection, the broker
            // re-delivers, and it fails again: at least twice means the message survived a failure
            Await.until(
                    "cut.kafkaFailures() >= 2 && cut.received() >= 2",
                    Duration.ofSeconds(30),
                    () -> cut.kafkaFailures() >= 2 && cut.received() >= 2,
                    () -> "received " + cut.received() + ", failures " + cut.kafkaFailures());
        }
        cut.close();
        assertEquals(0, cut.forwarded());

        try (MqttKafkaBridge bridge = MqttKafkaBridge.start(
                broker.serverUri(),
                "bridge-redelivery",
                kafka.bootstrapServers(),
                Clock.systemUTC(),
                () -> 4096,
                "readings")) {
            List<ConsumerRecord<String, byte[]>> records = readAll(Topics.READINGS, 1);
            ConsumerRecord<String, byte[]> r = records.get(0);
            assertEquals("0xabcdef0123456789abcdef0123456789abcdef01", r.key());
            assertArrayEquals(payload, r.value(), "forwarded byte for byte");
            assertEquals(topic, new String(r.headers().lastHeader("mqtt.topic").value(), StandardCharsets.UTF_8));
            Await.until(
                    "bridge.forwarded() == 1",
                    Duration.ofSeconds(10),
                    () -> bridge.forwarded() == 1,
                    () -> "forwarded " + bridge.forwarded());
        }
    }

    private List<ConsumerRecord<String, byte[]>> readAll(String topic, int atLeast) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        List<ConsumerRecord<String, byte[]>> out = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> c =
                new KafkaConsumer<>(p, new StringDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> parts = c.partitionsFor(topic).stream()
                    .map(i -> new TopicPartition(topic, i.partition()))
                    .toList();
            c.assign(parts);
            c.seekToBeginning(parts);
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (out.size() < atLeast && System.nanoTime() < deadline) {
                c.poll(Duration.ofMillis(200)).forEach(out::add);
            }
        }
        if (out.size() < atLeast) {
            throw new AssertionError("only " + out.size() + " records on " + topic);
        }
        return out;
    }
}
