package org.gridshare.backend.market.orders;

import org.gridshare.backend.rejects.Rejection;

/**
 * One record of {@code gridshare.orders.v1} as the validator sees it.
 *
 * @param mqttTopic the topic the bridge received it on (header {@code mqtt.topic}), may be null
 * @param payload the bytes as received
 * @param arrivalMs when the bridge received it (header {@code ingest.receivedMs})
 * @param source where the record is in Kafka
 */
// a carrier of received bytes: never compared or hashed
@SuppressWarnings("ArrayRecordComponent")
public record IncomingOrder(String mqttTopic, byte[] payload, long arrivalMs, Rejection.Source source) {}
