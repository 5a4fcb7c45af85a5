package org.gridshare.agent.uplink;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gets Paho's automatic reconnect going again when a connect attempt hangs. Paho 1.2.5 waits for a
 * CONNACK forever once the TCP connection is up (eclipse-paho/paho.mqtt.java#1028, #511): on a
 * half-open link (a blackholing router, a NAT that lost its state) the reconnect cycle then stops for
 * good and the box never reconnects, even after the network is back. Found by the network-cut test.
 *
 * <p>Every second: when the client has not been connected for {@code stuckAfterMs} (longer than the
 * longest reconnect pause plus the connect timeout plus keep-alive, so a healthy backoff is never
 * cut), the pending connect is cut ({@code disconnectForcibly} without a DISCONNECT packet) and a new
 * reconnect cycle is started.
 */
final class ConnackWatchdog implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ConnackWatchdog.class);
  private final MqttAsyncClient client;
  private final long stuckAfterMs;
  private final ScheduledExecutorService timer;
  private long lastProgressMs = System.currentTimeMillis();

  ConnackWatchdog(MqttAsyncClient client, long stuckAfterMs) {
    this.client = client;
    this.stuckAfterMs = stuckAfterMs;
    this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "gridshare-uplink-watchdog");
      t.setDaemon(true);
      return t;
    });
    timer.scheduleWithFixedDelay(this::check, 1, 1, TimeUnit.SECONDS);
  }

  private void check() {
    long now = System.currentTimeMillis();
    if (client.isConnected()) {
      lastProgressMs = now;
      return;
    }
    if (now - lastProgressMs < stuckAfterMs) {
      return;
    }
    lastProgressMs = now;
    LOG.warn("not connected to the broker for {} s: cutting any connect that waits for a CONNACK and reconnecting",
        stuckAfterMs / 1000);
    cut(client);
    try {
      client.reconnect();
    } catch (MqttException | RuntimeException e) {
      LOG.debug("reconnect not started: {}", e.toString());
    }
  }

  /** Cuts a connect that is still waiting for its CONNACK, so the next connect may start. */
  static void cut(MqttAsyncClient client) {
    try {
      client.disconnectForcibly(0, 0, false);
    } catch (MqttException | RuntimeException e) {
      LOG.debug("cutting the pending connect: {}", e.toString());
    }
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }
}
