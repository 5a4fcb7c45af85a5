package org.gridshare.agent.uplink;

import java.util.function.Consumer;
import org.gridshare.protocol.Address;

/**
 * A link that carries signed readings to the backend and brings back its end-to-end acknowledgements
 * (the ack of docs/protocol.md, decoded by {@link org.gridshare.protocol.downlink.Downlink#decodeAck}). Implemented by
 * {@link MqttUplink} (MQTT 5 over an {@link MqttSession}, optionally TLS) and
 * {@link org.gridshare.agent.uplink.coap.CoapUplink} (CoAP over DTLS); the
 * {@link org.gridshare.agent.outbox.OutboxDrain} drives either the same way. A link-level confirmation
 * (PUBACK, CoAP 2.04) never removes a reading from the outbox: only an end-to-end ack does.
 */
public interface ReadingUplink extends AutoCloseable {

    /** Handle of one send; completes when the link has taken the reading (PUBACK or CoAP 2.04). */
    interface Sent {
        /** Waits at most {@code timeoutMs}; throws when the link refused or lost the reading. */
        void await(long timeoutMs) throws UplinkException;
    }

    /** Delivers every end-to-end ack for this device to {@code listener}. Set before {@link #connect()}. */
    void onAck(Consumer<byte[]> listener);

    /** Connects now (waits at most about 10 s); the exception names the server and the cause. */
    void connect() throws UplinkException;

    /** Keeps trying to connect in the background with exponential backoff and jitter until connected. */
    void reconnectInBackground();

    boolean isConnected();

    /**
     * Sends one reading given in its JSON wire form (as stored in the outbox); the link may re-encode
     * it (CoAP sends CBOR). Throws {@link UplinkException#busy()} when too many sends await confirmation.
     */
    Sent send(Address meter, byte[] jsonPayload) throws UplinkException;

    /** How many sends may await their link-level confirmation at once (the drain waits beyond that). */
    int maxUnconfirmed();

    /** The server this link talks to, for logs and the status page. */
    String serverUri();

    @Override
    void close();
}
