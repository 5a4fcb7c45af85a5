package org.gridshare.agent.uplink;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.eclipse.paho.mqttv5.client.IMqttMessageListener;
import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.client.MqttCallback;
import org.eclipse.paho.mqttv5.client.MqttClientException;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.MqttDisconnectResponse;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.MqttSubscription;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;
import org.gridshare.protocol.Address;
import org.gridshare.protocol.Topics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The box's one MQTT 5 connection (Eclipse Paho), shared by the reading uplink ({@link MqttUplink}),
 * the market (statements, orders, fills) and Home Assistant: a persistent session (clean start off,
 * 7-day expiry), reconnect with exponential backoff and jitter ({@link ReconnectLoop}, 1 s to 60 s),
 * and a retained online status with a Last Will that says "offline" when the box drops. Over TLS
 * ({@code ssl://}) with the CA and optional client certificate of {@link MqttTls}, host name verified.
 * Every subscription is renewed after a reconnect, so a broker that lost its sessions still delivers.
 */
public final class MqttSession implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(MqttSession.class);
    /** How long a connect, the status publish or a disconnect may take. */
    static final long TIMEOUT_MS = 10_000;
    /** A connection lost this soon after its CONNACK makes the next connect a clean start (see below). */
    private static final long SHORT_CONNECTION_MS = 10_000;

    private final MqttAsyncClient client;
    private final String serverUri;
    private final MqttTls tls;
    private final String zone;
    private final Address device;
    private final Clock clock;
    private final ReconnectLoop reconnect = new ReconnectLoop(
            "gridshare-uplink-connect",
            () -> this.closed || isConnected(),
            this::connectNow,
            () -> this.maxReconnectDelaySeconds * 1000L);
    /** Exact topic (or filter) → handler; kept so a reconnect subscribes them all again. */
    private final Map<String, Consumer<byte[]>> subscriptions = new ConcurrentHashMap<>();

    private final List<Runnable> onConnected = new CopyOnWriteArrayList<>();
    private volatile boolean closed;
    /**
     * The session is persistent (clean start off, 7-day expiry) so acks, verdicts and fills queued while
     * the box was away arrive when it is back. After a half-open link swallowed in-flight packets, Paho
     * 1.2.5's resumed session made Mosquitto drop every reconnect as a protocol error (NetworkCutIT): a
     * connection lost within {@link #SHORT_CONNECTION_MS} of its CONNACK makes the next connect a clean
     * start, once; the outbox, not the MQTT session, is what guarantees delivery.
     */
    private volatile boolean cleanStartNext;

    private volatile long connectedAtMs;
    private volatile int keepAliveSeconds = 30;
    private volatile int maxReconnectDelaySeconds = 60;

    /**
     * A session with the broker at {@code serverUri}: plain ({@code tcp://}), or TLS with the given CA and
     * optional client certificate ({@code tls} null: the JVM's trust store for an {@code ssl://} URI).
     * Nothing is sent before {@link #connect()}.
     *
     * @param device the box's address: the client id, and the device segment of its status topic
     * @param clock the agent's clock (how long a connection lasted)
     * @throws IllegalArgumentException when {@code tls} is given for a URI that is not {@code ssl://}
     */
    public MqttSession(String serverUri, String zone, Address device, MqttTls tls, Clock clock) throws MqttException {
        if (tls != null && !serverUri.startsWith("ssl://") && !serverUri.startsWith("wss://")) {
            throw new IllegalArgumentException("mqtt.tls is set but " + serverUri + " is not an ssl:// or wss:// URI");
        }
        this.zone = zone;
        this.device = device;
        this.serverUri = serverUri;
        this.tls = tls;
        this.clock = clock;
        this.client = new MqttAsyncClient(serverUri, "gridshare-agent-" + device.toHex(), new MemoryPersistence());
    }

    /** Connects now (waits at most about 10 s); the exception names the server and the cause. */
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
        client.setCallback(new Callback());
        boolean fresh = cleanStartNext;
        try {
            client.connect(options(fresh)).waitForCompletion(TIMEOUT_MS);
        } catch (MqttException e) {
            // Paho 1.2.5 waits for a CONNACK forever on a half-open link and refuses every later connect while
            // that one is pending: cut it, so the reconnect loop's next attempt can start (NetworkCutIT)
            ConnackWatchdog.cut(client);
            throw e;
        }
        connectedAtMs = clock.millis();
        if (fresh) {
            cleanStartNext = false;
            LOG.warn(
                    "MQTT broker {}: the resumed session was dropped at once, so this connection started a clean "
                            + "session; messages queued for the box were discarded, the outbox re-sends every unacknowledged "
                            + "reading and later reconnects resume this new session",
                    serverUri);
        }
        try {
            subscriptions.forEach(this::subscribeNow);
            client.publish(statusTopic(), statusMessage("online")).waitForCompletion(TIMEOUT_MS);
        } catch (MqttException e) {
            noteShortConnection();
            throw e;
        }
        onConnected.forEach(MqttSession::runQuietly);
    }

    private MqttConnectionOptions options(boolean cleanStart) throws MqttException {
        MqttConnectionOptions options = new MqttConnectionOptions();
        options.setCleanStart(cleanStart);
        options.setSessionExpiryInterval(7L * 24 * 3600);
        // our own reconnect loop adds jitter, which Paho's automatic reconnect does not
        options.setAutomaticReconnect(false);
        options.setConnectionTimeout(10);
        options.setHttpsHostnameVerificationEnabled(true);
        if (tls != null) {
            try {
                options.setSocketFactory(tls.socketFactory());
            } catch (java.io.IOException | java.security.GeneralSecurityException e) {
                throw new MqttException(MqttClientException.REASON_CODE_SSL_CONFIG_ERROR, e);
            }
        }
        options.setKeepAliveInterval(keepAliveSeconds);
        options.setWill(statusTopic(), statusMessage("offline"));
        return options;
    }

    /** What Paho reports on its own thread: a lost connection, and messages of the resumed session. */
    private final class Callback implements MqttCallback {
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
            // a message of the resumed session can arrive before its subscription's listener is set
            Consumer<byte[]> handler = subscriptions.get(topic);
            if (handler != null) {
                handler.accept(message.getPayload());
            }
        }

        @Override
        public void deliveryComplete(IMqttToken token) {}

        @Override
        public void connectComplete(boolean reconnect, String serverUri) {
            if (reconnect) {
                subscriptions.forEach(MqttSession.this::subscribeNow);
                onConnected.forEach(MqttSession::runQuietly);
            }
        }

        @Override
        public void authPacketArrived(int reasonCode, MqttProperties properties) {}
    }

    private void noteShortConnection() {
        if (clock.millis() - connectedAtMs < SHORT_CONNECTION_MS) {
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
     * Delivers messages on {@code topicFilter} (QoS 1) to {@code listener} (on the MQTT client's thread);
     * subscribed now when connected and again on every (re)connect, before the online status.
     */
    public void subscribe(String topicFilter, Consumer<byte[]> listener) {
        subscriptions.put(topicFilter, listener);
        if (client.isConnected()) {
            subscribeNow(topicFilter, listener);
        }
    }

    private void subscribeNow(String topicFilter, Consumer<byte[]> listener) {
        try {
            // Paho 1.2.5's subscribe(String, int, listener) recurses forever: use the array form
            client.subscribe(
                    new MqttSubscription[] {new MqttSubscription(topicFilter, 1)},
                    null,
                    null,
                    new IMqttMessageListener[] {(topic, msg) -> listener.accept(msg.getPayload())},
                    new MqttProperties());
        } catch (MqttException e) {
            // renewed on the next reconnect; until then an unacknowledged reading or statement is re-sent
        }
    }

    /**
     * Publishes {@code payload} on any topic without waiting (statements, orders, Home Assistant's
     * discovery and state); returns false when not connected, the caller publishes again later.
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

    /** Publishes {@code payload} with QoS 1; the token completes on PUBACK (Paho's in-flight limit throws). */
    IMqttToken publishQos1(String topic, byte[] payload) throws MqttException {
        MqttMessage m = new MqttMessage(payload);
        m.setQos(1);
        return client.publish(topic, m);
    }

    /** The retained status topic carrying {@code {"state":"online"|"offline"}} (Last Will on drop). */
    public String statusTopic() {
        return Topics.status(zone, device);
    }

    public String zone() {
        return zone;
    }

    /** The box's address this session speaks for. */
    public Address device() {
        return device;
    }

    /** The broker, for logs and the status page. */
    public String serverUri() {
        return serverUri;
    }

    /**
     * Keeps trying to connect on a daemon thread with exponential backoff (1 s doubling to 60 s) and
     * jitter, for a box that starts while its network or broker is down and after every lost
     * connection. One loop at a time.
     */
    public void reconnectInBackground() {
        reconnect.start();
    }

    public boolean isConnected() {
        return client.isConnected();
    }

    private static void runQuietly(Runnable r) {
        try {
            r.run();
        } catch (RuntimeException e) {
            LOG.warn("on-connect action failed: {}", e.toString());
        }
    }

    private static MqttMessage statusMessage(String state) {
        MqttMessage m = new MqttMessage(("{\"state\":\"" + state + "\"}").getBytes(StandardCharsets.UTF_8));
        m.setQos(1);
        m.setRetained(true);
        return m;
    }

    /** Says offline (retained), disconnects and releases the client; the Last Will covers an unclean end. */
    @Override
    public void close() {
        closed = true;
        try {
            if (client.isConnected()) {
                client.publish(statusTopic(), statusMessage("offline")).waitForCompletion(TIMEOUT_MS);
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
