package org.gridshare.parts;

/** A running MQTT 5 broker listening on 127.0.0.1 only. */
public interface MqttBroker extends AutoCloseable {
    /** Where clients connect, {@code tcp://127.0.0.1:PORT}. */
    String serverUri();

    /** Which broker this is: {@code hivemq-ce-embedded} or {@code mosquitto}. */
    String name();

    /** Stops the broker and waits until its port is free again. Idempotent. */
    @Override
    void close();
}
