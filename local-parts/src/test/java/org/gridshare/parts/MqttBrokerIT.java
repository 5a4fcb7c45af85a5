package org.gridshare.parts;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttCallback;
import org.eclipse.paho.mqttv5.client.MqttClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.MqttDisconnectResponse;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** One test body over every broker we can start; each broker starts once for the whole class. */
class MqttBrokerIT {
    @TempDir
    static Path workDir;

    private static final Map<String, MqttBroker> BROKERS = new LinkedHashMap<>();
    private final Random random = new Random(7);

    private static synchronized MqttBroker broker(String name) throws IOException {
        MqttBroker running = BROKERS.get(name);
        if (running == null) {
            Path dir = Files.createDirectories(workDir.resolve(name));
            running = switch (name) {
                case EmbeddedHiveMq.NAME -> EmbeddedHiveMq.start(dir);
                case Mosquitto.NAME -> {
                    InstalledParts.requireMosquitto();
                    yield Mosquitto.start(dir);
                }
                default -> throw new IllegalArgumentException(name);
            };
            BROKERS.put(name, running);
        }
        return running;
    }

    @AfterAll
    static void close_stops_each_broker_frees_its_port_and_is_idempotent() {
        for (MqttBroker b : BROKERS.values()) {
            int port = URI.create(b.serverUri()).getPort();
            b.close();
            assertTrue(FreePorts.bindable(port), b.name() + " still holds port " + port + " after close");
            b.close();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {EmbeddedHiveMq.NAME, Mosquitto.NAME})
    void names_itself_and_listens_on_loopback(String name) throws IOException {
        MqttBroker b = broker(name);
        assertEquals(name, b.name());
        URI uri = URI.create(b.serverUri());
        assertEquals("tcp", uri.getScheme());
        assertEquals("127.0.0.1", uri.getHost());
        assertTrue(FreePorts.accepts(uri.getPort()), "nothing accepts on " + uri);
        Loopback.assertNotReachableFromOtherAddresses(uri.getPort());
    }

    @ParameterizedTest
    @ValueSource(strings = {EmbeddedHiveMq.NAME, Mosquitto.NAME})
    void delivers_a_qos1_publish_to_an_mqtt5_subscriber(String name) throws Exception {
        MqttBroker b = broker(name);
        byte[] payload = new byte[64];
        random.nextBytes(payload);
        String topic = "gridshare/test/" + name + "/" + Integer.toHexString(random.nextInt());
        CompletableFuture<MqttMessage> received = new CompletableFuture<>();

        MqttClient subscriber = connect(b, "sub-" + name);
        MqttClient publisher = connect(b, "pub-" + name);
        try {
            subscriber.setCallback(new Arrival(topic, received));
            subscriber.subscribe(topic, 1).waitForCompletion(5_000);
            MqttMessage message = new MqttMessage(payload);
            message.setQos(1);
            publisher.publish(topic, message); // the synchronous client returns once the PUBACK is in

            MqttMessage got = received.get(10, TimeUnit.SECONDS);
            assertArrayEquals(payload, got.getPayload());
            assertEquals(1, got.getQos());
        } finally {
            disconnect(publisher);
            disconnect(subscriber);
        }
    }

    private static MqttClient connect(MqttBroker b, String clientId) throws MqttException {
        MqttClient client = new MqttClient(b.serverUri(), clientId, new MemoryPersistence());
        client.setTimeToWait(10_000); // every blocking client call gets a bound
        MqttConnectionOptions options = new MqttConnectionOptions();
        options.setConnectionTimeout(10);
        options.setCleanStart(true);
        options.setAutomaticReconnect(false);
        client.connect(options);
        return client;
    }

    private static void disconnect(MqttClient client) {
        try {
            client.disconnect(2_000);
            client.close();
        } catch (MqttException e) {
            // the broker check already passed or failed; a slow disconnect is not what this test is about
        }
    }

    private record Arrival(String topic, CompletableFuture<MqttMessage> received) implements MqttCallback {
        @Override
        public void messageArrived(String t, MqttMessage message) {
            if (t.equals(topic)) {
                received.complete(message);
            }
        }

        @Override
        public void disconnected(MqttDisconnectResponse response) {
            received.completeExceptionally(new IllegalStateException("disconnected: " + response));
        }

        @Override
        public void mqttErrorOccurred(MqttException exception) {
            received.completeExceptionally(exception);
        }

        @Override
        public void deliveryComplete(IMqttToken token) {}

        @Override
        public void connectComplete(boolean reconnect, String serverURI) {}

        @Override
        public void authPacketArrived(int reasonCode, MqttProperties properties) {}
    }
}
