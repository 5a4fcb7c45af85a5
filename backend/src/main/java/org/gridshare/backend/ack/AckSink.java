package org.gridshare.backend.ack;

import java.util.List;
import org.gridshare.protocol.downlink.Ack;

/**
 * Where {@link AckPublisher} hands the acks of one Kafka poll: MQTT ({@link MqttAckSink}) or the CoAP
 * ingest's observable ack resources. {@link #deliver} returns only when the acks are handed over (for
 * MQTT: every PUBACK received); the publisher commits its Kafka offsets after that, so a failure means
 * the acks are computed and delivered again, never lost (acks are cumulative and idempotent).
 */
public interface AckSink extends AutoCloseable {
    /** One ack for the meter's device in {@code zone}. */
    record Addressed(String zone, Ack ack) {}

    void deliver(List<Addressed> acks) throws Exception;

    @Override
    void close();
}
