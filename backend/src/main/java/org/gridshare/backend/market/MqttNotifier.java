package org.gridshare.backend.market;

import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.gridshare.backend.mqtt.MqttConnections;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes the market's messages to households and meters (QoS 1, not retained), one at a time and
 * waiting for each PUBACK, so several components may share it without exceeding the broker's receive
 * maximum. A message that cannot be published after three attempts is logged and counted: the Kafka
 * topics, not MQTT, are the record (docs/architecture.md, "The backend's market pipeline", delivery to
 * devices).
 */
public final class MqttNotifier implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(MqttNotifier.class);
    private static final long TIMEOUT_MS = 10_000;

    private final MqttAsyncClient client;
    private final AtomicLong published = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();

    private MqttNotifier(MqttAsyncClient client) {
        this.client = client;
    }

    /** Connects to {@code serverUri} (clean start, automatic reconnect); waits at most 10 s. */
    public static MqttNotifier connect(String serverUri, String clientIdPrefix) {
        try {
            MqttAsyncClient c =
                    new MqttAsyncClient(serverUri, clientIdPrefix + "-" + UUID.randomUUID(), new MemoryPersistence());
            MqttConnectionOptions o = new MqttConnectionOptions();
            o.setCleanStart(true);
            o.setAutomaticReconnect(true);
            o.setAutomaticReconnectDelay(1, 30);
            o.setConnectionTimeout(10);
            c.connect(MqttConnections.apply(serverUri, o)).waitForCompletion(TIMEOUT_MS);
            return new MqttNotifier(c);
        } catch (MqttException e) {
            throw new IllegalStateException("market notifier cannot connect to " + serverUri, e);
        }
    }

    /** Publishes {@code payload} to {@code topic} with QoS 1; returns whether the broker acknowledged it. */
    public synchronized boolean publish(String topic, byte[] payload) {
        for (int attempt = 1; attempt <= 3; attempt++) {
            try {
                MqttMessage m = new MqttMessage(payload);
                m.setQos(1);
                client.publish(topic, m).waitForCompletion(TIMEOUT_MS);
                published.incrementAndGet();
                return true;
            } catch (MqttException | RuntimeException e) {
                LOG.warn("publishing to {} failed (attempt {} of 3): {}", topic, attempt, e.toString());
            }
        }
        failed.incrementAndGet();
        return false;
    }

    /** Messages the broker acknowledged. */
    public long published() {
        return published.get();
    }

    /** Messages given up after three attempts. */
    public long failed() {
        return failed.get();
    }

    @Override
    public synchronized void close() {
        try {
            if (client.isConnected()) {
                client.disconnect(2_000).waitForCompletion(3_000);
            }
            client.close(true);
        } catch (MqttException e) {
            LOG.debug("closing the market notifier", e);
        }
    }
}
