package org.gridshare.agent.uplink;

import java.nio.charset.StandardCharsets;
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
 * MQTT 5 uplink (Eclipse Paho): signed readings as JSON with QoS 1, a persistent session, automatic
 * reconnect, and a retained online status with a Last Will that says "offline" when the box drops.
 * A PUBACK only means the broker has the message; end-to-end acknowledgement is the outbox's job.
 */
public final class MqttUplink implements AutoCloseable {
  private static final long TIMEOUT_MS = 10_000;
  private final MqttAsyncClient client;
  private final String zone;
  private final Address device;

  public MqttUplink(String serverUri, String zone, Address device) throws MqttException {
    this.zone = zone;
    this.device = device;
    this.client = new MqttAsyncClient(serverUri, "gridshare-agent-" + device.toHex(), new MemoryPersistence());
  }

  public void connect() throws MqttException {
    MqttConnectionOptions options = new MqttConnectionOptions();
    options.setCleanStart(false);
    options.setSessionExpiryInterval(7L * 24 * 3600);
    options.setAutomaticReconnect(true);
    options.setAutomaticReconnectDelay(1, 60);
    options.setConnectionTimeout(10);
    options.setKeepAliveInterval(30);
    options.setWill(Topics.status(zone, device), statusMessage("offline"));
    client.connect(options).waitForCompletion(TIMEOUT_MS);
    client.publish(Topics.status(zone, device), statusMessage("online")).waitForCompletion(TIMEOUT_MS);
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

  public boolean isConnected() {
    return client.isConnected();
  }

  @Override
  public void close() {
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
