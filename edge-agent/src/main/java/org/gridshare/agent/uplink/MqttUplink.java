package org.gridshare.agent.uplink;

import java.util.function.Consumer;
import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttClientException;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.gridshare.protocol.Address;
import org.gridshare.protocol.Topics;

/**
 * The reading uplink over MQTT 5: signed readings as JSON with QoS 1 on {@code …/{meter}/readings}, the
 * backend's end-to-end acks from the device's acks topic. Rides on an {@link MqttSession} (connection,
 * TLS, persistent session, reconnects, status and Last Will), which the market and Home Assistant share.
 * A PUBACK only means the broker has the message; end-to-end acknowledgement is the outbox's job.
 */
public final class MqttUplink implements ReadingUplink {
    private static final int MAX_UNCONFIRMED = 8;

    private final MqttSession session;

    /** A reading uplink over {@code session}; closing the uplink closes the session. */
    public MqttUplink(MqttSession session) {
        this.session = session;
    }

    /** The session this uplink rides on, for the market and Home Assistant. */
    public MqttSession session() {
        return session;
    }

    /**
     * Delivers every message on this device's acks topic to {@code listener} (on the MQTT client's
     * thread). Set before {@link #connect()}; the subscription is renewed on every (re)connect, so a
     * broker that lost its sessions still delivers acks.
     */
    @Override
    public void onAck(Consumer<byte[]> listener) {
        session.subscribe(Topics.acks(session.zone(), session.device()), listener);
    }

    @Override
    public void connect() throws UplinkException {
        session.connect();
    }

    @Override
    public Sent send(Address meter, byte[] jsonPayload) throws UplinkException {
        IMqttToken token;
        try {
            // an already encoded payload: a re-send from the outbox is byte-identical
            token = session.publishQos1(Topics.readings(session.zone(), meter), jsonPayload);
        } catch (MqttException e) {
            if (e.getReasonCode() == MqttClientException.REASON_CODE_MAX_INFLIGHT) {
                throw UplinkException.busy("MQTT broker " + serverUri(), e);
            }
            throw new UplinkException("MQTT broker " + serverUri(), "publish failed", e);
        }
        return timeoutMs -> {
            try {
                token.waitForCompletion(timeoutMs);
            } catch (MqttException e) {
                throw new UplinkException("MQTT broker " + serverUri(), "no PUBACK", e);
            }
        };
    }

    @Override
    public int maxUnconfirmed() {
        return MAX_UNCONFIRMED;
    }

    @Override
    public String serverUri() {
        return session.serverUri();
    }

    /** Keeps the session reconnecting in the background ({@link MqttSession#reconnectInBackground()}). */
    @Override
    public void reconnectInBackground() {
        session.reconnectInBackground();
    }

    @Override
    public boolean isConnected() {
        return session.isConnected();
    }

    @Override
    public void close() {
        session.close();
    }
}
