package org.gridshare.backend.verify;

import org.gridshare.backend.rejects.Rejection;

/**
 * One record of {@code gridshare.readings.v1} as the verifier sees it.
 *
 * @param key the Kafka key (the topic's meter segment, lowercased)
 * @param mqttTopic the {@code mqtt.topic} header, or null when the producer did not set it
 * @param payload the bytes exactly as received
 * @param source topic, partition and offset of the record
 */
public record IncomingReading(String key, String mqttTopic, byte[] payload, Rejection.Source source) {}
