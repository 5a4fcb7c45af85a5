package org.gridshare.backend.verify;

import org.gridshare.backend.rejects.Rejection;

/**
 * One record of {@code gridshare.readings.v1} as the verifier sees it.
 *
 * @param key the Kafka key (the topic's meter segment, lowercased)
 * @param mqttTopic the {@code mqtt.topic} header, or null when the producer did not set it
 * @param payload the bytes exactly as received
 * @param source topic, partition and offset of the record
 * @param receivedAtMs the {@code ingest.receivedMs} header, 0 when absent
 */
// a carrier of received bytes: never compared or hashed
@SuppressWarnings("ArrayRecordComponent")
public record IncomingReading(
        String key, String mqttTopic, byte[] payload, Rejection.Source source, long receivedAtMs) {
    /** A record without a receive time. */
    public IncomingReading(String key, String mqttTopic, byte[] payload, Rejection.Source source) {
        this(key, mqttTopic, payload, source, 0);
    }
}
