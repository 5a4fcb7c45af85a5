package org.gridshare.agent.uplink;

import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Unsticks a Paho connect that waits for its CONNACK. Paho 1.2.5 waits for a CONNACK forever once the
 * TCP connection is up (eclipse-paho/paho.mqtt.java#1028, #511) and refuses every later connect while
 * that one is pending: on a half-open link (a blackholing router, a NAT that lost its state) the box
 * would never reconnect, even after the network is back. Found by the network-cut test; the uplink's
 * own reconnect loop cuts a connect that timed out before it tries again.
 */
final class ConnackWatchdog {
    private static final Logger LOG = LoggerFactory.getLogger(ConnackWatchdog.class);

    private ConnackWatchdog() {}

    /** Cuts a connect that is still waiting for its CONNACK (no DISCONNECT packet), so the next may start. */
    static void cut(MqttAsyncClient client) {
        try {
            client.disconnectForcibly(0, 0, false);
        } catch (MqttException | RuntimeException e) {
            LOG.debug("cutting the pending connect: {}", e.toString());
        }
    }
}
