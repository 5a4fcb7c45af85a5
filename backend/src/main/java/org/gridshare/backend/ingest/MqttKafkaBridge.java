package org.gridshare.backend.ingest;

import java.time.Clock;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntSupplier;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.client.MqttCallback;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.MqttDisconnectResponse;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;
import org.gridshare.backend.mqtt.MqttConnections;
import org.gridshare.protocol.RejectReason;
import org.gridshare.protocol.Topics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Moves device messages from MQTT into Kafka without losing any: QoS 1 with manual acks, so the PUBACK
 * goes to the broker only after Kafka (idempotent producer, acks=all) has the record. A crash in between
 * makes the broker re-deliver (the session survives: clean start off), and the verifier drops the copy
 * as a DUPLICATE. Payloads are forwarded byte for byte, so even malformed input is kept for the record.
 */
public final class MqttKafkaBridge implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(MqttKafkaBridge.class);
    /** MQTT kind (last topic segment) to Kafka topic. */
    private static final Map<String, String> ROUTES = Map.of(
            "readings", Topics.READINGS,
            "statements", Topics.STATEMENTS,
            "orders", Topics.ORDERS);

    private static final long SESSION_EXPIRY_SECONDS = 7 * 24 * 3600L;

    private final String serverUri;
    private final MqttAsyncClient mqtt;
    private final KafkaProducer<String, byte[]> producer;
    private final Clock clock;
    private final IntSupplier maxPayloadBytes;
    private final String[] kinds;
    private final String shareGroup;
    private final AtomicLong received = new AtomicLong();
    private final AtomicLong forwarded = new AtomicLong();
    private final AtomicLong oversized = new AtomicLong();
    private final AtomicLong kafkaFailures = new AtomicLong();
    private volatile boolean closing;

    private MqttKafkaBridge(
            String serverUri,
            String clientId,
            String kafkaBootstrap,
            Properties producerOverrides,
            Clock clock,
            IntSupplier maxPayloadBytes,
            String shareGroup,
            String... kinds)
            throws MqttException {
        this.serverUri = serverUri;
        this.clock = clock;
        this.maxPayloadBytes = maxPayloadBytes;
        this.shareGroup = shareGroup;
        this.kinds = kinds.clone();
        Properties props = producerProps(kafkaBootstrap, clientId);
        props.putAll(producerOverrides);
        this.producer = new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer());
        this.mqtt = new MqttAsyncClient(serverUri, clientId, new MemoryPersistence());
        mqtt.setManualAcks(true);
        mqtt.setCallback(new Callback());
    }

    /**
     * Connects to {@code serverUri}, subscribes to {@code gridshare/v1/+/+/<kind>} for each kind (QoS 1)
     * and starts forwarding. Waits at most 10 s for the broker.
     *
     * @throws IngestException when the broker cannot be reached or refuses the subscription
     */
    public static MqttKafkaBridge start(
            String serverUri,
            String clientId,
            String kafkaBootstrap,
            Clock clock,
            IntSupplier maxPayloadBytes,
            String... kinds) {
        return start(serverUri, clientId, kafkaBootstrap, new Properties(), clock, maxPayloadBytes, kinds);
    }

    /**
     * As {@link #start(String, String, String, Clock, IntSupplier, String...)} with producer settings
     * on top of the bridge's own (e.g. shorter timeouts); acks and idempotence cannot be weakened.
     */
    public static MqttKafkaBridge start(
            String serverUri,
            String clientId,
            String kafkaBootstrap,
            Properties producerOverrides,
            Clock clock,
            IntSupplier maxPayloadBytes,
            String... kinds) {
        return start(serverUri, clientId, null, kafkaBootstrap, producerOverrides, clock, maxPayloadBytes, kinds);
    }

    /**
     * As {@link #start(String, String, String, Properties, Clock, IntSupplier, String...)}, subscribed as
     * member of the MQTT 5 shared subscription {@code shareGroup} ({@code $share/<group>/...}) when it is not
     * null: the broker hands each message to one of the bridges of the group, so several backend instances
     * (each with its own {@code clientId}) share the ingest instead of each forwarding every message.
     */
    public static MqttKafkaBridge start(
            String serverUri,
            String clientId,
            String shareGroup,
            String kafkaBootstrap,
            Properties producerOverrides,
            Clock clock,
            IntSupplier maxPayloadBytes,
            String... kinds) {
        for (String key : new String[] {ProducerConfig.ACKS_CONFIG, ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG}) {
            if (producerOverrides.containsKey(key)) {
                throw new IllegalArgumentException("the bridge's " + key + " is not configurable");
            }
        }
        for (String kind : kinds) {
            if (!ROUTES.containsKey(kind)) {
                throw new IllegalArgumentException("no Kafka topic for MQTT kind '" + kind + "'");
            }
        }
        MqttKafkaBridge bridge;
        try {
            bridge = new MqttKafkaBridge(
                    serverUri, clientId, kafkaBootstrap, producerOverrides, clock, maxPayloadBytes, shareGroup, kinds);
        } catch (MqttException e) {
            throw new IngestException(serverUri, "cannot create MQTT client", e);
        }
        try {
            MqttConnectionOptions options = new MqttConnectionOptions();
            options.setCleanStart(false);
            options.setSessionExpiryInterval(SESSION_EXPIRY_SECONDS);
            options.setAutomaticReconnect(true);
            options.setAutomaticReconnectDelay(1, 30);
            options.setConnectionTimeout(10);
            options.setKeepAliveInterval(30);
            MqttConnections.apply(serverUri, options);
            IMqttToken token = bridge.mqtt.connect(options);
            token.waitForCompletion(10_000);
            bridge.subscribe();
        } catch (MqttException | RuntimeException e) {
            bridge.close();
            throw new IngestException(serverUri, "cannot connect and subscribe", e);
        }
        return bridge;
    }

    private void subscribe() throws MqttException {
        IMqttToken token = subscribeAsync();
        token.waitForCompletion(10_000);
        int[] granted = token.getGrantedQos();
        for (int i = 0; granted != null && i < granted.length; i++) {
            if (granted[i] != 1) {
                throw new IngestException(
                        serverUri, "broker granted QoS " + granted[i] + " for " + filter(kinds[i]), null);
            }
        }
    }

    private IMqttToken subscribeAsync() throws MqttException {
        String[] filters = new String[kinds.length];
        int[] qos = new int[kinds.length];
        for (int i = 0; i < kinds.length; i++) {
            filters[i] = filter(kinds[i]);
            qos[i] = 1;
        }
        return mqtt.subscribe(filters, qos);
    }

    private String filter(String kind) {
        return shareGroup == null ? Topics.filter(kind) : "$share/" + shareGroup + "/" + Topics.filter(kind);
    }

    private static Properties producerProps(String bootstrap, String clientId) {
        return IngestRecords.producerProps(bootstrap, clientId);
    }

    private void onMessage(String topic, MqttMessage message) {
        received.incrementAndGet();
        byte[] payload = message.getPayload();
        long now = clock.millis();
        Topics.Device parsed = Topics.parse(topic).orElse(null);
        String key = parsed == null ? "unknown" : parsed.device();
        String target = parsed == null ? null : ROUTES.get(parsed.kind());
        ProducerRecord<String, byte[]> record;
        if (target == null) {
            record = rejection(
                    RejectReason.BAD_TOPIC,
                    "topic '" + topic + "' is not gridshare/v1/{zone}/{device}/{kind}",
                    key,
                    topic,
                    payload,
                    now);
        } else if (payload.length > maxPayloadBytes.getAsInt()) {
            oversized.incrementAndGet();
            record = rejection(
                    RejectReason.OVERSIZED,
                    "payload of " + payload.length + " bytes exceeds " + maxPayloadBytes.getAsInt() + " on " + topic,
                    key,
                    topic,
                    payload,
                    now);
        } else {
            record = new ProducerRecord<>(target, key, payload);
        }
        IngestRecords.stamp(record, topic, now);
        int id = message.getId();
        int qos = message.getQos();
        // the callback sees the outcome; the future adds nothing
        var unused = producer.send(record, (meta, error) -> {
            if (error == null) {
                forwarded.incrementAndGet();
                ack(id, qos, topic);
            } else {
                // No PUBACK: the broker keeps the message and re-delivers it when the session resumes.
                kafkaFailures.incrementAndGet();
                LOG.error("Kafka did not take message {} from {}; left un-acked for re-delivery", id, topic, error);
                forceReconnect();
            }
        });
    }

    private static ProducerRecord<String, byte[]> rejection(
            RejectReason reason, String detail, String key, String topic, byte[] payload, long now) {
        return IngestRecords.rejection(reason, detail, key, topic, payload, now);
    }

    private void ack(int id, int qos, String topic) {
        if (qos == 0) {
            return;
        }
        try {
            mqtt.messageArrivedComplete(id, qos);
        } catch (MqttException | RuntimeException e) {
            // The message is in Kafka; a lost PUBACK only means a re-delivery, which dedupe absorbs.
            LOG.warn("could not PUBACK message {} from {}", id, topic, e);
        }
    }

    /** Drops the MQTT connection so that the broker re-delivers every un-acked message on reconnect. */
    private void forceReconnect() {
        if (closing) {
            return;
        }
        Thread.ofVirtual().name("bridge-reconnect").start(() -> {
            try {
                if (mqtt.isConnected()) {
                    mqtt.disconnect(5_000).waitForCompletion(6_000);
                }
                mqtt.reconnect();
            } catch (MqttException e) {
                LOG.warn("reconnect to {} after a Kafka failure did not start", serverUri, e);
            }
        });
    }

    /** Messages received from the MQTT broker (re-deliveries included). */
    public long received() {
        return received.get();
    }

    /** Messages handed to Kafka and acknowledged (including rejections written by the bridge). */
    public long forwarded() {
        return forwarded.get();
    }

    /** Payloads sent to the rejected topic as OVERSIZED. */
    public long oversized() {
        return oversized.get();
    }

    /** Kafka sends that failed (each left un-acked for re-delivery). */
    public long kafkaFailures() {
        return kafkaFailures.get();
    }

    /** Whether the MQTT side is connected. */
    public boolean isConnected() {
        return mqtt.isConnected();
    }

    @Override
    public void close() {
        closing = true;
        try {
            if (mqtt.isConnected()) {
                mqtt.disconnect(2_000).waitForCompletion(3_000);
            }
        } catch (MqttException e) {
            LOG.debug("disconnect from {}", serverUri, e);
        }
        try {
            mqtt.close(true);
        } catch (MqttException e) {
            LOG.debug("close MQTT client for {}", serverUri, e);
        }
        producer.close(java.time.Duration.ofSeconds(5));
    }

    private final class Callback implements MqttCallback {
        @Override
        public void disconnected(MqttDisconnectResponse response) {
            if (!closing) {
                LOG.warn("MQTT {} disconnected: {}", serverUri, response.getReasonString());
            }
        }

        @Override
        public void mqttErrorOccurred(MqttException exception) {
            LOG.warn("MQTT {} error", serverUri, exception);
        }

        @Override
        public void messageArrived(String topic, MqttMessage message) {
            try {
                onMessage(topic, message);
            } catch (RuntimeException e) {
                // Never let one message stop the callback thread; un-acked, it comes back on reconnect.
                kafkaFailures.incrementAndGet();
                LOG.error("could not hand message {} from {} to Kafka", message.getId(), topic, e);
                forceReconnect();
            }
        }

        @Override
        public void deliveryComplete(IMqttToken token) {}

        @Override
        public void connectComplete(boolean reconnect, String uri) {
            if (reconnect) {
                try {
                    // The broker kept the session; subscribing again is harmless and covers a lost session.
                    // Never wait here: this is Paho's callback thread.
                    subscribeAsync();
                } catch (MqttException | RuntimeException e) {
                    LOG.error("re-subscribe on {} failed", uri, e);
                }
            }
        }

        @Override
        public void authPacketArrived(int reasonCode, MqttProperties properties) {}
    }
}
