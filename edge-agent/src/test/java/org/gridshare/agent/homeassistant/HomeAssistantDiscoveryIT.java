package org.gridshare.agent.homeassistant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.eclipse.paho.mqttv5.client.IMqttMessageListener;
import org.eclipse.paho.mqttv5.client.MqttClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.MqttSubscription;
import org.gridshare.agent.uplink.MqttSession;
import org.gridshare.parts.EmbeddedHiveMq;
import org.gridshare.parts.InstalledParts;
import org.gridshare.parts.Mosquitto;
import org.gridshare.parts.MqttBroker;
import org.gridshare.protocol.Bytes32;
import org.gridshare.protocol.MeterReading;
import org.gridshare.protocol.Secp256k1Signer;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Home Assistant's side of discovery on a real broker: a subscriber to {@code homeassistant/#} sees
 * the three retained sensor configs with their device block, the state with exact decimal values,
 * availability on the agent's status topic, and the configs again after publishing {@code online} on
 * {@code homeassistant/status}.
 */
class HomeAssistantDiscoveryIT {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    record Received(String topic, MqttMessage message) {
        JsonNode json() throws Exception {
            return JSON.readTree(message.getPayload());
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {EmbeddedHiveMq.NAME, Mosquitto.NAME})
    void announces_retained_sensors_states_and_reannounces_when_home_assistant_comes_online(String brokerName)
            throws Exception {
        if (brokerName.equals(Mosquitto.NAME)) {
            InstalledParts.requireMosquitto();
        }
        try (MqttBroker broker = brokerName.equals(Mosquitto.NAME)
                ? Mosquitto.start(Files.createDirectories(dir.resolve("mqtt")))
                : EmbeddedHiveMq.start(Files.createDirectories(dir.resolve("mqtt")))) {
            Secp256k1Signer key = Secp256k1Signer.generate();
            MqttSession session =
                    new MqttSession(broker.serverUri(), "zone-h", key.address(), null, java.time.Clock.systemUTC());
            HomeAssistantDiscovery ha =
                    new HomeAssistantDiscovery(session, "homeassistant", key.address(), "test model", "9.9");
            ha.install();
            MqttClient home = new MqttClient(broker.serverUri(), "ha-" + UUID.randomUUID(), new MemoryPersistence());
            try {
                session.connect();
                // 12.345678 kWh import, 0.000001 kWh export, -1234.567 W (exporting)
                ha.publishState(new MeterReading(
                        key.address(), 7, 1_700_000_000_000L, 12_345_678L, 1L, -1_234_567L, 0, Bytes32.ZERO));
                LinkedBlockingQueue<Received> seen = new LinkedBlockingQueue<>();
                MqttConnectionOptions o = new MqttConnectionOptions();
                o.setConnectionTimeout(10);
                home.connect(o);
                home.subscribe(
                        new MqttSubscription[] {
                            new MqttSubscription("homeassistant/#", 1),
                            new MqttSubscription(ha.stateTopic(), 1),
                            new MqttSubscription(session.statusTopic(), 1)
                        },
                        new IMqttMessageListener[] {
                            (t, m) -> seen.add(new Received(t, m)),
                            (t, m) -> seen.add(new Received(t, m)),
                            (t, m) -> seen.add(new Received(t, m))
                        });

                // retained on subscribe: three configs, the state and the online status
                java.util.Map<String, Received> first = drain(seen, 5);
                String importTopic = "homeassistant/sensor/" + ha.nodeId() + "/import_energy/config";
                Received imp = first.get(importTopic);
                assertNotNull(imp, "import config missing: " + first.keySet());
                assertTrue(imp.message().isRetained());
                JsonNode c = imp.json();
                assertEquals("energy", c.get("device_class").asText());
                assertEquals("total", c.get("state_class").asText());
                assertEquals("kWh", c.get("unit_of_measurement").asText());
                assertEquals(ha.stateTopic(), c.get("state_topic").asText());
                assertEquals(
                        key.address().toHex(),
                        c.get("device").get("identifiers").get(0).asText());
                assertEquals("gridshare", c.get("device").get("manufacturer").asText());
                assertEquals("test model", c.get("device").get("model").asText());
                assertEquals("9.9", c.get("device").get("sw_version").asText());
                assertEquals(
                        session.statusTopic(),
                        c.get("availability").get(0).get("topic").asText());
                JsonNode exp = first.get("homeassistant/sensor/" + ha.nodeId() + "/export_energy/config")
                        .json();
                assertEquals("total", exp.get("state_class").asText());
                JsonNode power = first.get("homeassistant/sensor/" + ha.nodeId() + "/power/config")
                        .json();
                assertEquals("power", power.get("device_class").asText());
                assertEquals("measurement", power.get("state_class").asText());
                assertEquals("W", power.get("unit_of_measurement").asText());
                assertNotNull(c.get("device").get("identifiers"));

                String state = new String(first.get(ha.stateTopic()).message().getPayload(), StandardCharsets.UTF_8);
                assertTrue(state.contains("\"import_kwh\":12.345678"), state);
                assertTrue(state.contains("\"export_kwh\":0.000001"), state);
                assertTrue(state.contains("\"power_w\":-1234.567"), state);
                assertEquals(
                        "online",
                        first.get(session.statusTopic()).json().get("state").asText());

                // Home Assistant restarts: it says online, the agent announces again
                home.publish("homeassistant/status", new MqttMessage("online".getBytes(StandardCharsets.UTF_8)));
                java.util.Map<String, Received> again =
                        drain(seen, 5); // its own "online" echo, three configs, the state
                assertTrue(again.containsKey(importTopic), "no re-announcement: " + again.keySet());
                assertTrue(again.containsKey("homeassistant/sensor/" + ha.nodeId() + "/power/config"));
                assertTrue(again.containsKey("homeassistant/sensor/" + ha.nodeId() + "/export_energy/config"));

                session.close();
                Received offline = null;
                for (Received r; offline == null && (r = seen.poll(10, TimeUnit.SECONDS)) != null; ) {
                    offline = r.topic().equals(session.statusTopic()) ? r : null;
                }
                assertNotNull(offline, "no offline status when the agent stops");
                assertEquals("offline", offline.json().get("state").asText());
            } finally {
                session.close();
                if (home.isConnected()) {
                    home.disconnect();
                }
                home.close();
            }
        }
    }

    /** Waits for {@code n} messages (10 s each at most) and keys them by topic (the last wins). */
    private static java.util.Map<String, Received> drain(LinkedBlockingQueue<Received> q, int n) throws Exception {
        java.util.Map<String, Received> out = new java.util.LinkedHashMap<>();
        for (int i = 0; i < n; i++) {
            Received r = q.poll(10, TimeUnit.SECONDS);
            assertNotNull(r, "only " + i + " of " + n + " messages arrived: " + out.keySet());
            out.put(r.topic(), r);
        }
        return out;
    }
}
