package org.gridshare.backend.ack;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.eclipse.paho.mqttv5.client.IMqttMessageListener;
import org.eclipse.paho.mqttv5.client.MqttClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttSubscription;
import org.gridshare.backend.Backend;
import org.gridshare.backend.BackendConfig;
import org.gridshare.backend.testing.Publisher;
import org.gridshare.backend.testing.TestChain;
import org.gridshare.backend.testing.TestMeter;
import org.gridshare.parts.AnvilNode;
import org.gridshare.parts.EmbeddedHiveMq;
import org.gridshare.parts.KafkaNode;
import org.gridshare.parts.MqttBroker;
import org.gridshare.parts.RepoRoot;
import org.gridshare.protocol.Address;
import org.gridshare.protocol.Eip712Domain;
import org.gridshare.protocol.wire.JsonWire;
import org.gridshare.testsupport.Await;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The backend side of the end-to-end acknowledgement over real parts: readings published over a real
 * MQTT broker, bridged into a real Kafka broker, verified against a MeterRegistry on anvil; the ack
 * publisher answers on each meter's acks topic with the highest accepted seq, and with the seq and
 * reason of each refused reading (also for a meter the backend never accepted anything from).
 */
class AckPublisherIT {
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void acknowledges_accepted_seqs_cumulatively_and_reports_each_rejection_with_its_reason() throws Exception {
        try (KafkaNode kafka = KafkaNode.start(dir.resolve("kafka"));
                AnvilNode anvil = AnvilNode.start(RepoRoot.find());
                TestChain chain = TestChain.deploy(anvil);
                MqttBroker broker = EmbeddedHiveMq.start(Files.createDirectories(dir.resolve("mqtt")))) {
            Backend.createTopics(kafka.bootstrapServers());
            Eip712Domain domain =
                    new Eip712Domain(anvil.chainId(), Address.fromHex("0x5fbdb2315678afecb367f032d93f642f64180aa3"));
            BackendConfig config = new BackendConfig(
                            broker.serverUri(),
                            kafka.bootstrapServers(),
                            anvil.rpcUrl(),
                            chain.registryAddress(),
                            domain,
                            Duration.ofMinutes(1),
                            Duration.ofHours(1),
                            dir.resolve("streams"),
                            Clock.systemUTC())
                    .withRegistryMaxAge(Duration.ZERO)
                    .withApplicationId("ack-test");
            Random random = new Random(7);
            TestMeter meter = new TestMeter(random, domain, "zone-a");
            TestMeter stranger = new TestMeter(random, domain, "zone-b"); // never registered
            chain.register(meter.address(), "zone-a");
            List<JsonNode> acks = new CopyOnWriteArrayList<>();
            MqttClient sub = new MqttClient(broker.serverUri(), "acks-" + UUID.randomUUID(), new MemoryPersistence());
            MqttConnectionOptions o = new MqttConnectionOptions();
            o.setConnectionTimeout(10);
            sub.connect(o);
            sub.subscribe(
                    new MqttSubscription[] {new MqttSubscription("gridshare/v1/+/+/acks", 1)},
                    new IMqttMessageListener[] {
                        (topic, msg) -> {
                            JsonNode n = JSON.readTree(msg.getPayload());
                            ((com.fasterxml.jackson.databind.node.ObjectNode) n).put("topic", topic);
                            acks.add(n);
                        }
                    });
            try (Backend backend = Backend.start(config);
                    AckPublisher publisher =
                            AckPublisher.start(kafka.bootstrapServers(), broker.serverUri(), "acks-test");
                    Publisher mqtt = new Publisher(broker.serverUri())) {
                long t = System.currentTimeMillis();
                for (int i = 0; i < 3; i++) {
                    mqtt.publish(meter.topic(), JsonWire.encodeReading(meter.next(t + i, 10, 0)));
                }
                Await.until("through(acks, meter) == 3", WAIT, () -> through(acks, meter) == 3, () -> "acks " + acks);

                meter.next(t + 3, 10, 0); // seq 4 never sent
                mqtt.publish(meter.topic(), JsonWire.encodeReading(meter.next(t + 4, 10, 0))); // seq 5: a gap
                mqtt.publish(stranger.topic(), JsonWire.encodeReading(stranger.next(t, 1, 0)));
                Await.until(
                        "rejection(acks, meter, \"SEQ_GAP\") != null && rejection(acks, stranger, \"UNREGISTERED_METER\") != null",
                        WAIT,
                        () -> rejection(acks, meter, "SEQ_GAP") != null
                                && rejection(acks, stranger, "UNREGISTERED_METER") != null,
                        () -> "acks " + acks);
                assertEquals(5, rejection(acks, meter, "SEQ_GAP").get("seq").asLong());
                assertEquals(32, rejection(acks, meter, "SEQ_GAP").get("code").asInt());
                JsonNode strangerAck = acks.stream()
                        .filter(a -> a.get("meter").asText().equals(stranger.hex()))
                        .findFirst()
                        .orElseThrow();
                assertEquals(
                        "gridshare/v1/zone-b/" + stranger.hex() + "/acks",
                        strangerAck.get("topic").asText());
                assertEquals(false, strangerAck.has("acceptedThrough"), "nothing of the stranger was accepted");
                assertEquals(
                        "gridshare/v1/zone-a/" + meter.hex() + "/acks",
                        acks.stream()
                                .filter(a -> a.get("meter").asText().equals(meter.hex()))
                                .findFirst()
                                .orElseThrow()
                                .get("topic")
                                .asText());

                // a re-send of the last accepted reading is a DUPLICATE and re-confirms seq 3
                long before = acks.size();
                TestMeter replay = new TestMeter(new Random(7), domain, "zone-a");
                replay.next(t, 10, 0);
                replay.next(t + 1, 10, 0);
                mqtt.publish(meter.topic(), JsonWire.encodeReading(replay.next(t + 2, 10, 0)));
                Await.until(
                        "acks.size() > before && rejection(acks, meter, \"DUPLICATE\") != null",
                        WAIT,
                        () -> acks.size() > before && rejection(acks, meter, "DUPLICATE") != null,
                        () -> "acks " + acks);
                assertEquals(3, acks.get(acks.size() - 1).get("acceptedThrough").asLong());
            } finally {
                sub.disconnect();
                sub.close();
            }
        }
    }

    private static long through(List<JsonNode> acks, TestMeter m) {
        return acks.stream()
                .filter(a -> a.get("meter").asText().equals(m.hex()) && a.has("acceptedThrough"))
                .mapToLong(a -> a.get("acceptedThrough").asLong())
                .max()
                .orElse(0);
    }

    private static JsonNode rejection(List<JsonNode> acks, TestMeter m, String reason) {
        for (JsonNode a : acks) {
            if (a.get("meter").asText().equals(m.hex()) && a.has("rejected")) {
                for (JsonNode r : a.get("rejected")) {
                    if (r.get("reason").asText().equals(reason)) {
                        return r;
                    }
                }
            }
        }
        return null;
    }
}
