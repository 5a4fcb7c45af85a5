package org.gridshare.backend.testing;

import java.util.UUID;
import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;

/** Publishes raw payloads with QoS 1 and waits for each PUBACK (every call under a timeout). */
public final class Publisher implements AutoCloseable {
    private final MqttAsyncClient client;

    public Publisher(String serverUri) throws MqttException {
        client = new MqttAsyncClient(serverUri, "test-pub-" + UUID.randomUUID(), new MemoryPersistence());
        MqttConnectionOptions o = new MqttConnectionOptions();
        o.setCleanStart(true);
        o.setConnectionTimeout(10);
        client.connect(o).waitForCompletion(10_000);
    }

    public void publish(String topic, byte[] payload) throws MqttException {
        MqttMessage m = new MqttMessage(payload);
        m.setQos(1);
        client.publish(topic, m).waitForCompletion(10_000);
    }

    @Override
    public void close() throws MqttException {
        client.disconnect(2_000).waitForCompletion(3_000);
        client.close(true);
    }
}
