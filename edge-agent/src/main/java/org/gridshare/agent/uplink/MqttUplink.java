package org.gridshare.agent.uplink;

import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;
import org.eclipse.paho.mqttv5.client.IMqttMessageListener;
import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.client.MqttCallback;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.MqttDisconnectResponse;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.MqttSubscription;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;
import org.gridshare.protocol.Address;
import org.gridshare.protocol.MeterReading;
import org.gridshare.protocol.Signed;
import org.gridshare.protocol.Topics;
import org.gridshare.protocol.wire.JsonWire;

/**
 * MQTT 5 uplink (Eclipse Paho): signed readings as JSON with QoS 1, a persistent session (clean start
 * off, 7-day expiry), reconnect with exponential backoff and jitter ({@link Backoff}, 1 s to 60 s), and
 * a retained online status with a Last Will that says "offline" when the box drops. Over TLS
 * ({@code ssl://}) with the CA and optional client certificate of {@link MqttTls}, host name verified.
 * A PUBACK only means the broker has the message; end-to-end acknowledgement is the outbox's job.
 */
public final class MqttUplink implements ReadingUplink {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(MqttUplink.class);
    private static final long TIMEOUT_MS = 10_000;
    private static final int MAX_UNCONFIRMED = 8;
    private final MqttAsyncClient client;
    private final String serverUri;
    private final MqttTls tls;
    private final ReconnectLoop reconnect = new ReconnectLoop(
            "gridshare-uplink-connect",
            () -> this.closed || isConnected(),
            this::connectNow,
            () -> this.maxReconnectDelaySeconds * 1000L);
    private final String zone;
    private final Address device;
    private volatile Consumer<byte[]> ackListener;
    private final java.util.Map<String, Consumer<byte[]>> extraSubscriptions =
            new java.util.concurrent.ConcurrentHashMap<>();
    private final java.util.List<Runnable> onConnected = new java.util.concurrent.CopyOnWriteArrayList<>();
    private volatile boolean closed;
    /**
     * The session is persistent (clean start off, 7-day expiry) so acks, verdicts and fills queued while
     * the box was away arrive when it is back. After a half-open link swallowed in-flight packets, Paho
     * 1.2.5's resumed session made Mosquitto drop every reconnect as a protocol error (NetworkCutTest): a
     * connection lost within {@link #SHORT_CONNECTION_MS} of its CONNACK makes the next connect a clean
     * start, once; the outbox, not the MQTT session, is what guarantees delivery.
     */
    private volatile boolean cleanStartNext;

    private volatile long connectedAtMs;
    private static final long SHORT_CONNECTION_MS = 10_000;
    private volatile int keepAliveSeconds = 30;
    private volatile int maxReconnectDelaySeconds = 60;

    /** A plain uplink ({@code tcp://}), or TLS with the JVM's trust store for an {@code ssl://} URI. */
    public MqttUplink(String serverUri, String zone, Address device) throws MqttException {
        this(serverUri, zone, device, null);
    }

    /**
     * An uplink over TLS with the given CA and optional client certificate ({@code tls} null: as above).
     *
     * @throws IllegalArgumentException when {@code tls} is given for a URI that is not {@code ssl://}
     */
    public MqttUplink(String serverUri, String zone, Address device, MqttTls tls) throws MqttException {
        if (tls != null && !serverUri.startsWith("ssl://") && !serverUri.startsWith("wss://")) {
            throw new IllegalArgumentException("mqtt.tls is set but " + serverUri + " is not an ssl:// or wss:// URI");
        }
        this.zone = zone;
        this.device = device;
        this.serverUri = serverUri;
        this.tls = tls;
        this.client = new MqttAsyncClient(serverUri, "gridshare-agent-" + device.toHex(), new MemoryPersistence());
    }

    /**
     * Delivers every message on this device's acks topic to {@code listener} (on the MQTT client's
     * thread). Set before {@link #connect()}; the subscription is renewed on every (re)connect, so a
     * broker that lost its sessions still delivers acks.
     */
    @Override
    public void onAck(Consumer<byte[]> listener) {
        this.ackListener = listener;
    }

    @Override
    public void connect() throws UplinkException {
        try {
            connectNow();
        } catch (MqttException | RuntimeException e) {
            throw new UplinkException("MQTT broker " + serverUri, "cannot connect", e);
        }
    }

    private synchronized void connectNow() throws MqttException {
        if (client.isConnected()) {
            return;
        }
        client.setCallback(new MqttCallback() {
            @Override
            public void disconnected(MqttDisconnectResponse r) {
                if (!closed) {
                    LOG.warn(
                            "MQTT broker {} disconnected ({}); reconnecting with backoff",
                            serverUri,
                            r == null ? "no reason" : r.getReasonString());
                    noteShortConnection();
                    reconnectInBackground();
                }
            }

            @Override
            public void mqttErrorOccurred(MqttException e) {}

            @Override
            public void messageArrived(String topic, MqttMessage message) {
                // an ack can arrive before the per-subscription listener is set
                Consumer<byte[]> listener = ackListener;
                if (listener != null && topic.equals(Topics.acks(zone, device))) {
                    listener.accept(message.getPayload());
                    return;
                }
                // likewise for the other exact-topic subscriptions (market verdicts and fills)
                Consumer<byte[]> extra = extraSubscriptions.get(topic);
                if (extra != null) {
                    extra.accept(message.getPayload());
                }
            }

            @Override
            public void deliveryComplete(IMqttToken token) {}

            @Override
            public void connectComplete(boolean reconnect, String serverUri) {
                if (reconnect) {
                    subscribeAcks();
                    extraSubscriptions.forEach(MqttUplink.this::subscribeNow);
                    onConnected.forEach(MqttUplink::runQuietly);
                }
            }

            @Override
            public void authPacketArrived(int reasonCode, MqttProperties properties) {}
        });
        MqttConnectionOptions options = new MqttConnectionOptions();
        boolean fresh = cleanStartNext;
        options.setCleanStart(fresh);
        options.setSessionExpiryInterval(7L * 24 * 3600);
        // our own reconnect loop adds jitter, which Paho's automatic reconnect does not
        options.setAutomaticReconnect(false);
        options.setConnectionTimeout(10);
        options.setHttpsHostnameVerificationEnabled(true);
        if (tls != null) {
            try {
                options.setSocketFactory(tls.socketFactory());
            } catch (java.io.IOException | java.security.GeneralSecurityException e) {
                throw new MqttException(
                        org.eclipse.paho.mqttv5.client.MqttClientException.REASON_CODE_SSL_CONFIG_ERROR, e);
            }
        }
        options.setKeepAliveInterval(keepAliveSeconds);
        options.setWill(Topics.status(zone, device), statusMessage("offline"));
        try {
            client.connect(options).waitForCompletion(TIMEOUT_MS);
        } catch (MqttException e) {
            // Paho 1.2.5 waits for a CONNACK forever on a half-open link and refuses every later connect while
            // that one is pending: cut it, so the reconnect loop's next attempt can start (NetworkCutTest)
            ConnackWatchdog.cut(client);
            throw e;
        }
        connectedAtMs = System.currentTimeMillis();
        if (fresh) {
            cleanStartNext = false;
            LOG.warn(
                    "MQTT broker {}: the resumed session was dropped at once, so this connection started a clean "
                            + "session; messages queued for the box were discarded, the outbox re-sends every unacknowledged "
                            + "reading and later reconnects resume this new session",
                    serverUri);
        }
        try {
            subscribeAcks();
            client.publish(Topics.status(zone, device), statusMessage("online")).waitForCompletion(TIMEOUT_MS);
        } catch (MqttException e) {
            noteShortConnection();
            throw e;
        }
        extraSubscriptions.forEach(this::subscribeNow);
        onConnected.forEach(MqttUplink::runQuietly);
    }

    private void noteShortConnection() {
        if (System.currentTimeMillis() - connectedAtMs < SHORT_CONNECTION_MS) {
            cleanStartNext = true;
        }
    }

    /**
     * MQTT keep-alive (default 30 s; set before {@link #connect()}): a link that swallows bytes without
     * a reset (half-open) is declared lost after about 1.5 to 2 keep-alive periods without a PINGRESP.
     */
    public void keepAliveSeconds(int seconds) {
        if (seconds < 1) {
            throw new IllegalArgumentException("keep-alive must be at least 1 s: " + seconds);
        }
        this.keepAliveSeconds = seconds;
    }

    /**
     * Longest pause between automatic reconnect attempts (default 60 s; the pause doubles from 1 s up to
     * it, so a fleet does not reconnect all at once). Set before {@link #connect()}.
     */
    public void maxReconnectDelaySeconds(int seconds) {
        if (seconds < 1) {
            throw new IllegalArgumentException("reconnect delay must be at least 1 s: " + seconds);
        }
        this.maxReconnectDelaySeconds = seconds;
    }

    /** Runs {@code action} after every (re)connect, once the online status is published (on Paho's thread). */
    public void onConnected(Runnable action) {
        onConnected.add(action);
    }

    /**
     * Delivers messages on {@code topicFilter} (QoS 1) to {@code listener}; subscribed now when connected
     * and again after every reconnect.
     */
    public void subscribe(String topicFilter, Consumer<byte[]> listener) {
        extraSubscriptions.put(topicFilter, listener);
        if (client.isConnected()) {
            subscribeNow(topicFilter, listener);
        }
    }

    private void subscribeNow(String topicFilter, Consumer<byte[]> listener) {
        try {
            client.subscribe(
                    new MqttSubscription[] {new MqttSubscription(topicFilter, 1)},
                    null,
                    null,
                    new IMqttMessageListener[] {(topic, msg) -> listener.accept(msg.getPayload())},
                    new MqttProperties());
        } catch (MqttException e) {
            // renewed on the next reconnect
        }
    }

    /**
     * Publishes {@code payload} on any topic without waiting (for Home Assistant's discovery and state);
     * returns false when not connected, the caller publishes again on the next connect.
     */
    public boolean publish(String topic, byte[] payload, int qos, boolean retained) {
        if (!client.isConnected()) {
            return false;
        }
        MqttMessage m = new MqttMessage(payload);
        m.setQos(qos);
        m.setRetained(retained);
        try {
            client.publish(topic, m);
            return true;
        } catch (MqttException e) {
            return false;
        }
    }

    /** The retained status topic carrying {@code {"state":"online"|"offline"}} (Last Will on drop). */
    public String statusTopic() {
        return Topics.status(zone, device);
    }

    public String zone() {
        return zone;
    }

    private static void runQuietly(Runnable r) {
        try {
            r.run();
        } catch (RuntimeException e) {
            org.slf4j.LoggerFactory.getLogger(MqttUplink.class).warn("on-connect action failed: {}", e.toString());
        }
    }

    private void subscribeAcks() {
        Consumer<byte[]> listener = ackListener;
        if (listener == null) {
            return;
        }
        try {
            // Paho 1.2.5's subscribe(String, int, listener) recurses forever: use the array form
            client.subscribe(
                    new MqttSubscription[] {new MqttSubscription(Topics.acks(zone, device), 1)},
                    null,
                    null,
                    new IMqttMessageListener[] {(topic, msg) -> listener.accept(msg.getPayload())},
                    new MqttProperties());
        } catch (MqttException e) {
            // the next reconnect subscribes again; until then unacknowledged readings are re-sent
        }
    }

    /** Publishes an already encoded reading payload with QoS 1 (a re-send from the outbox is byte-identical). */
    public IMqttToken publish(Address meter, byte[] payload) throws MqttException {
        MqttMessage m = new MqttMessage(payload);
        m.setQos(1);
        return client.publish(Topics.readings(zone, meter), m);
    }

    @Override
    public Sent send(Address meter, byte[] jsonPayload) throws UplinkException {
        IMqttToken token;
        try {
            token = publish(meter, jsonPayload);
        } catch (MqttException e) {
            if (e.getReasonCode() == org.eclipse.paho.mqttv5.client.MqttClientException.REASON_CODE_MAX_INFLIGHT) {
                throw UplinkException.busy("MQTT broker " + serverUri, e);
            }
            throw new UplinkException("MQTT broker " + serverUri, "publish failed", e);
        }
        return timeoutMs -> {
            try {
                token.waitForCompletion(timeoutMs);
            } catch (MqttException e) {
                throw new UplinkException("MQTT broker " + serverUri, "no PUBACK", e);
            }
        };
    }

    @Override
    public int maxUnconfirmed() {
        return MAX_UNCONFIRMED;
    }

    @Override
    public String serverUri() {
        return serverUri;
    }

    private static MqttMessage statusMessage(String state) {
        MqttMessage m = new MqttMessage(("{\"state\":\"" + state + "\"}").getBytes(StandardCharsets.UTF_8));
        m.setQos(1);
        m.setRetained(true);
        return m;
    }

    /** Publishes one signed reading with QoS 1; returns the token that completes on PUBACK. */
    public IMqttToken publish(Signed<MeterReading> reading) throws MqttException {
        MqttMessage m = new MqttMessage(JsonWire.encodeReading(reading));
        m.setQos(1);
        return client.publish(Topics.readings(zone, reading.message().meter()), m);
    }

    /**
     * Keeps trying to connect on a daemon thread with exponential backoff (1 s doubling to 60 s) and
     * jitter, for a box that starts while its network or broker is down and after every lost
     * connection. One loop at a time.
     */
    @Override
    public void reconnectInBackground() {
        reconnect.start();
    }

    @Override
    public boolean isConnected() {
        return client.isConnected();
    }

    @Override
    public void close() {
        closed = true;
        try {
            if (client.isConnected()) {
                client.publish(Topics.status(zone, device), statusMessage("offline"))
                        .waitForCompletion(TIMEOUT_MS);
                client.disconnect().waitForCompletion(TIMEOUT_MS);
            }
        } catch (MqttException e) {
            // the Last Will says offline for us when a clean goodbye is impossible
        } finally {
            try {
                client.close(true);
            } catch (MqttException ignored) {
                // already closed
            }
        }
    }
}
