package org.gridshare.agent.uplink;

import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;
import org.eclipse.paho.mqttv5.client.IMqttMessageListener;
import org.eclipse.paho.mqttv5.client.MqttCallback;
import org.eclipse.paho.mqttv5.client.MqttDisconnectResponse;
import org.eclipse.paho.mqttv5.common.MqttSubscription;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;
import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.gridshare.protocol.Address;
import org.gridshare.protocol.MeterReading;
import org.gridshare.protocol.Signed;
import org.gridshare.protocol.wire.JsonWire;

/**
 * MQTT 5 uplink (Eclipse Paho): signed readings as JSON with QoS 1, a clean session on every connect
 * (the outbox re-sends what is unacknowledged), automatic reconnect kept alive by a
 * {@link ConnackWatchdog}, and a retained online status with a Last Will that says "offline" when the box drops.
 * A PUBACK only means the broker has the message; end-to-end acknowledgement is the outbox's job.
 */
public final class MqttUplink implements AutoCloseable {
  private static final long TIMEOUT_MS = 10_000;
  private final MqttAsyncClient client;
  private final String zone;
  private final Address device;
  private volatile Consumer<byte[]> ackListener;
  private final java.util.Map<String, Consumer<byte[]>> extraSubscriptions = new java.util.concurrent.ConcurrentHashMap<>();
  private final java.util.List<Runnable> onConnected = new java.util.concurrent.CopyOnWriteArrayList<>();
  private volatile boolean closed;
  private volatile int keepAliveSeconds = 30;
  private volatile int maxReconnectDelaySeconds = 60;
  private ConnackWatchdog watchdog;

  public MqttUplink(String serverUri, String zone, Address device) throws MqttException {
    this.zone = zone;
    this.device = device;
    this.client = new MqttAsyncClient(serverUri, "gridshare-agent-" + device.toHex(), new MemoryPersistence());
  }

  /**
   * Delivers every message on this device's acks topic to {@code listener} (on the MQTT client's
   * thread). Set before {@link #connect()}; the subscription is renewed on every (re)connect, so a
   * broker that lost its sessions still delivers acks.
   */
  public void onAck(Consumer<byte[]> listener) {
    this.ackListener = listener;
  }

  public void connect() throws MqttException {
    client.setCallback(new MqttCallback() {
      @Override
      public void disconnected(MqttDisconnectResponse r) {}

      @Override
      public void mqttErrorOccurred(MqttException e) {}

      @Override
      public void messageArrived(String topic, MqttMessage message) {
        // an ack can arrive before the per-subscription listener is set
        Consumer<byte[]> listener = ackListener;
        if (listener != null && topic.equals(Topics.acks(zone, device))) {
          listener.accept(message.getPayload());
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
    // A clean session on every connect: the outbox is the durable state and re-sends everything
    // unacknowledged after a reconnect. Resuming Paho's own session after a half-open link had
    // swallowed its in-flight packets made Mosquitto drop every reconnect as a protocol error
    // (NetworkCutTest), so the box never came back.
    options.setCleanStart(true);
    options.setSessionExpiryInterval(0L);
    options.setAutomaticReconnect(true);
    options.setAutomaticReconnectDelay(1, maxReconnectDelaySeconds);
    options.setConnectionTimeout(10);
    options.setKeepAliveInterval(keepAliveSeconds);
    options.setWill(Topics.status(zone, device), statusMessage("offline"));
    client.connect(options).waitForCompletion(TIMEOUT_MS);
    synchronized (this) {
      if (watchdog == null && !closed) {
        watchdog = new ConnackWatchdog(client,
            (maxReconnectDelaySeconds + options.getConnectionTimeout() + 2L * keepAliveSeconds) * 1000);
      }
    }
    subscribeAcks();
    client.publish(Topics.status(zone, device), statusMessage("online")).waitForCompletion(TIMEOUT_MS);
    extraSubscriptions.forEach(this::subscribeNow);
    onConnected.forEach(MqttUplink::runQuietly);
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
      client.subscribe(new MqttSubscription[] {new MqttSubscription(topicFilter, 1)}, null, null,
          new IMqttMessageListener[] {(topic, msg) -> listener.accept(msg.getPayload())}, new MqttProperties());
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
      client.subscribe(new MqttSubscription[] {new MqttSubscription(Topics.acks(zone, device), 1)},
          null, null, new IMqttMessageListener[] {(topic, msg) -> listener.accept(msg.getPayload())},
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
   * Keeps trying {@link #connect()} on a daemon thread with exponential backoff (1 s doubling to
   * 60 s) and full jitter, for a box that starts while its network or broker is down. Once connected,
   * Paho's automatic reconnect takes over.
   */
  public void reconnectInBackground() {
    Thread t = new Thread(() -> {
      long delayMs = 1000;
      java.util.concurrent.ThreadLocalRandom random = java.util.concurrent.ThreadLocalRandom.current();
      while (!closed && !client.isConnected()) {
        try {
          Thread.sleep(random.nextLong(delayMs / 2, delayMs + 1)); // backoff between attempts, not a wait for a condition
          connect();
        } catch (MqttException e) {
          ConnackWatchdog.cut(client); // a connect that timed out waiting for its CONNACK would block the next
          delayMs = Math.min(60_000, delayMs * 2);
        } catch (InterruptedException e) {
          return;
        }
      }
    }, "gridshare-uplink-connect");
    t.setDaemon(true);
    t.start();
  }

  public boolean isConnected() {
    return client.isConnected();
  }

  @Override
  public void close() {
    closed = true;
    synchronized (this) {
      if (watchdog != null) {
        watchdog.close();
      }
    }
    try {
      if (client.isConnected()) {
        client.publish(Topics.status(zone, device), statusMessage("offline")).waitForCompletion(TIMEOUT_MS);
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
