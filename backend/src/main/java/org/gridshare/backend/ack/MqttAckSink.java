package org.gridshare.backend.ack;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.gridshare.backend.mqtt.MqttConnections;
import org.gridshare.protocol.Topics;
import org.gridshare.protocol.downlink.Downlink;

/** Publishes acks to {@code gridshare/v1/{zone}/{meter}/acks} with QoS 1 and waits for every PUBACK. */
public final class MqttAckSink implements AckSink {
    private static final long MQTT_TIMEOUT_MS = 10_000;
    private final MqttAsyncClient mqtt;

    /** Connects to the broker (clean start, automatic reconnect). */
    public MqttAckSink(String mqttServerUri, String clientIdPrefix) {
        try {
            mqtt = new MqttAsyncClient(
                    mqttServerUri, clientIdPrefix + "-" + UUID.randomUUID(), new MemoryPersistence());
            MqttConnectionOptions o = new MqttConnectionOptions();
            o.setCleanStart(true);
            o.setAutomaticReconnect(true);
            o.setAutomaticReconnectDelay(1, 30);
            o.setConnectionTimeout(10);
            mqtt.connect(MqttConnections.apply(mqttServerUri, o)).waitForCompletion(MQTT_TIMEOUT_MS);
        } catch (MqttException e) {
            throw new IllegalStateException("ack publisher cannot connect to " + mqttServerUri, e);
        }
    }

    @Override
    public void deliver(List<Addressed> acks) throws MqttException {
        List<IMqttToken> tokens = new ArrayList<>();
        for (Addressed a : acks) {
            MqttMessage m = new MqttMessage(Downlink.encode(a.ack()));
            m.setQos(1);
            tokens.add(mqtt.publish(Topics.of(a.zone(), a.ack().meter(), Topics.ACKS_KIND), m));
            if (tokens.size() >= 8) { // stay under the broker's receive maximum
                tokens.remove(0).waitForCompletion(MQTT_TIMEOUT_MS);
            }
        }
        for (IMqttToken t : tokens) {
            t.waitForCompletion(MQTT_TIMEOUT_MS);
        }
    }

    @Override
    public void close() {
        try {
            if (mqtt.isConnected()) {
                mqtt.disconnect().waitForCompletion(MQTT_TIMEOUT_MS);
            }
            mqtt.close(true);
        } catch (MqttException ignored) {
            // closing anyway
        }
    }
}
