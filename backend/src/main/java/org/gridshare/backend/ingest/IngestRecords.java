package org.gridshare.backend.ingest;

import java.nio.charset.StandardCharsets;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.gridshare.backend.RecordJson;
import org.gridshare.backend.rejects.Rejection;
import org.gridshare.protocol.RejectReason;
import org.gridshare.protocol.Topics;

/**
 * What every ingest (MQTT bridge, CoAP) writes to Kafka, so the verifier cannot tell them apart: the
 * producer settings (idempotent, acks=all) and records keyed by the device segment with the headers
 * {@code mqtt.topic} (the MQTT topic the message was, or would have been, published on) and
 * {@code ingest.receivedMs}; and how a consumer reads those headers back.
 */
public final class IngestRecords {
    private IngestRecords() {}

    /** Idempotent producer, acks=all, bounded blocking (sends run on I/O threads). */
    public static Properties producerProps(String bootstrap, String clientId) {
        Properties p = org.gridshare.backend.kafka.KafkaClients.base(bootstrap);
        p.put(ProducerConfig.CLIENT_ID_CONFIG, clientId + "-producer");
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        p.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 5);
        p.put(ProducerConfig.LINGER_MS_CONFIG, 0);
        // send() runs on the transport's I/O thread: never block it for long waiting for Kafka metadata
        p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 10_000);
        return p;
    }

    /** A rejection record for {@code gridshare.rejected.v1}, keeping the payload (cut to 4096 bytes). */
    public static ProducerRecord<String, byte[]> rejection(
            RejectReason reason, String detail, String key, String topic, byte[] payload, long now) {
        Rejection r =
                Rejection.of(reason, detail, key, null, new Rejection.Source(null, null, null, topic), payload, now);
        return new ProducerRecord<>(Topics.REJECTED, key, RecordJson.write(r));
    }

    /** Adds the ingest headers every consumer relies on; returns {@code record}. */
    public static ProducerRecord<String, byte[]> stamp(
            ProducerRecord<String, byte[]> record, String mqttTopic, long receivedMs) {
        record.headers().add("mqtt.topic", mqttTopic.getBytes(StandardCharsets.UTF_8));
        record.headers().add("ingest.receivedMs", Long.toString(receivedMs).getBytes(StandardCharsets.UTF_8));
        return record;
    }

    /** A header's value as a string, or null. */
    public static String header(ConsumerRecord<?, ?> r, String name) {
        Header h = r.headers().lastHeader(name);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    /** The MQTT topic the record's message was (or would have been) published on, or null. */
    public static String mqttTopic(ConsumerRecord<?, ?> r) {
        return header(r, "mqtt.topic");
    }

    /** When the ingest received the record (its {@code ingest.receivedMs} header), else the record's timestamp. */
    public static long arrivalMs(ConsumerRecord<?, ?> r) {
        String s = header(r, "ingest.receivedMs");
        if (s != null) {
            try {
                return Long.parseLong(s);
            } catch (NumberFormatException e) {
                // fall through to the broker's timestamp
            }
        }
        return r.timestamp();
    }
}
