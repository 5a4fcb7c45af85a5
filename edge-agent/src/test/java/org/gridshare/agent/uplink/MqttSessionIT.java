package org.gridshare.agent.uplink;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.eclipse.paho.mqttv5.client.MqttClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.gridshare.agent.fault.TcpFaultProxy;
import org.gridshare.parts.EmbeddedHiveMq;
import org.gridshare.parts.InstalledParts;
import org.gridshare.parts.Mosquitto;
import org.gridshare.parts.MqttBroker;
import org.gridshare.protocol.Address;
import org.gridshare.protocol.Secp256k1Signer;
import org.gridshare.testsupport.Await;
import org.gridshare.testsupport.TestClock;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The session's rule for a connection lost soon after its CONNACK, over HiveMQ CE and Mosquitto behind a proxy
 * that cuts the link: how long the connection lasted is read on the agent's clock, so the test moves a
 * {@link TestClock} past the 10 s instead of keeping the connection up that long.
 */
class MqttSessionIT {
    private static final Duration WAIT = Duration.ofSeconds(20);

    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {EmbeddedHiveMq.NAME, Mosquitto.NAME})
    void a_connection_lost_after_10_s_resumes_the_session_and_gets_what_was_queued_meanwhile(String brokerName)
            throws Exception {
        assertTrue(
                queuedMessageArrives(brokerName, Duration.ofSeconds(11)),
                "the resumed session delivers what was queued");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {EmbeddedHiveMq.NAME, Mosquitto.NAME})
    void a_connection_lost_within_10_s_of_its_connack_starts_the_next_session_clean(String brokerName)
            throws Exception {
        assertFalse(queuedMessageArrives(brokerName, Duration.ofSeconds(9)), "a clean start discards what was queued");
    }

    private MqttBroker start(String brokerName) throws Exception {
        Path work = Files.createDirectories(dir.resolve("mqtt"));
        if (brokerName.equals(Mosquitto.NAME)) {
            InstalledParts.requireMosquitto();
            return Mosquitto.start(work);
        }
        return EmbeddedHiveMq.start(work);
    }

    /**
     * Connects a session with one subscription, lets {@code connectedFor} pass on its clock, cuts the link,
     * publishes one message for it while it is away and lets it reconnect; true when that message arrives.
     */
    private boolean queuedMessageArrives(String brokerName, Duration connectedFor) throws Exception {
        try (MqttBroker broker = start(brokerName);
                TcpFaultProxy proxy =
                        TcpFaultProxy.start(URI.create(broker.serverUri()).getPort())) {
            TestClock clock = TestClock.at(1_764_000_000_000L);
            Address device = Secp256k1Signer.generate().address();
            String topic = "gridshare/v1/zone-s/" + device.toHex() + "/test";
            List<String> got = new CopyOnWriteArrayList<>();
            MqttSession session = new MqttSession("tcp://127.0.0.1:" + proxy.port(), "zone-s", device, null, clock);
            session.maxReconnectDelaySeconds(1);
            session.subscribe(topic, payload -> got.add(new String(payload, StandardCharsets.UTF_8)));
            try {
                session.connect();
                publish(broker, topic, "before"); // the subscription is in place once this one arrives
                Await.until("the first message", WAIT, () -> got.contains("before"), got::toString);
                clock.advance(connectedFor);
                proxy.mode(TcpFaultProxy.Mode.CUT);
                Await.until("the link lost", WAIT, () -> !session.isConnected());
                publish(broker, topic, "queued");
                proxy.mode(TcpFaultProxy.Mode.PASS);
                Await.until("reconnected", WAIT, session::isConnected);
                return Await.holdsWithin(Duration.ofSeconds(3), () -> got.contains("queued"));
            } finally {
                session.close();
            }
        }
    }

    private static void publish(MqttBroker broker, String topic, String text) throws Exception {
        MqttClient other = new MqttClient(broker.serverUri(), "other-" + UUID.randomUUID(), new MemoryPersistence());
        MqttConnectionOptions options = new MqttConnectionOptions();
        options.setConnectionTimeout(10);
        other.connect(options);
        try {
            MqttMessage m = new MqttMessage(text.getBytes(StandardCharsets.UTF_8));
            m.setQos(1);
            other.publish(topic, m);
            other.disconnect();
        } finally {
            other.close();
        }
    }
}
