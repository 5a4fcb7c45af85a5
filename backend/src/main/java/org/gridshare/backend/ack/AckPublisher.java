package org.gridshare.backend.ack;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.gridshare.backend.RecordJson;
import org.gridshare.backend.ingest.IngestRecords;
import org.gridshare.backend.kafka.ConsumerLoop;
import org.gridshare.backend.kafka.KafkaClients;
import org.gridshare.backend.rejects.Rejection;
import org.gridshare.backend.verify.VerifiedReading;
import org.gridshare.protocol.RejectReason;
import org.gridshare.protocol.Topics;
import org.gridshare.protocol.downlink.Ack;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Acknowledges readings end to end: consumes {@code gridshare.readings.verified.v1} and
 * {@code gridshare.rejected.v1} (read_committed) and hands, per meter and poll, one {@link Ack} to an
 * {@link AckSink}: over MQTT to {@code gridshare/v1/{zone}/{meter}/acks} with QoS 1
 * ({@link MqttAckSink}), or to the CoAP ingest's observable ack resources. Offsets are committed only
 * after the sink took every ack of the poll (for MQTT: every PUBACK), so an ack is never lost, only
 * possibly repeated (acks are cumulative and idempotent).
 *
 * <p>A DUPLICATE rejection (the same reading as the meter's last accepted one) counts as evidence of
 * acceptance: after a restart of this component it re-establishes {@code acceptedThrough} as soon as
 * an agent re-sends. The zone of a rejected reading comes from the verified stream, or else from the
 * {@code mqtt.topic} header of the rejected input record.
 *
 * <pre>{@code
 * try (AckPublisher acks = AckPublisher.start(kafka.bootstrapServers(), broker.serverUri(), "gridshare-acks")) { ... }
 * }</pre>
 */
public final class AckPublisher implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(AckPublisher.class);

    private final ConsumerLoop loop;
    private final KafkaConsumer<String, byte[]> lookup;
    private final AckSink sink;
    private final AtomicLong published = new AtomicLong();
    private final Map<String, Long> highest = new HashMap<>();
    private final Map<String, String> zones = new HashMap<>();

    private AckPublisher(String kafkaBootstrap, String groupId, AckSink sink) {
        this.sink = sink;
        this.lookup = KafkaClients.consumer(kafkaBootstrap, null);
        try {
            this.loop = ConsumerLoop.subscribe(
                            "gridshare-acks",
                            kafkaBootstrap,
                            groupId,
                            List.of(Topics.READINGS_VERIFIED, Topics.REJECTED))
                    .pollTimeout(Duration.ofMillis(200))
                    .onRecords(records -> publish(collect(records)));
        } catch (RuntimeException e) {
            lookup.close(CloseOptions.timeout(Duration.ofSeconds(5)));
            throw e;
        }
    }

    /** Connects to the broker, subscribes to both Kafka topics as consumer group {@code groupId}, and starts. */
    public static AckPublisher start(String kafkaBootstrap, String mqttServerUri, String groupId) {
        return start(kafkaBootstrap, groupId, new MqttAckSink(mqttServerUri, groupId));
    }

    /**
     * Subscribes to both Kafka topics as consumer group {@code groupId} and hands the acks to {@code sink}.
     * Offsets are committed after the sink took every ack of a poll; a failed delivery re-reads the poll.
     */
    public static AckPublisher start(String kafkaBootstrap, String groupId, AckSink sink) {
        AckPublisher p = new AckPublisher(kafkaBootstrap, groupId, sink);
        p.loop.start();
        return p;
    }

    /** Ack messages published (each acknowledged by the broker). */
    public long acksPublished() {
        return published.get();
    }

    private Map<String, Ack> collect(ConsumerRecords<String, byte[]> records) {
        Map<String, Long> through = new LinkedHashMap<>();
        Map<String, List<Ack.Rejected>> rejected = new LinkedHashMap<>();
        for (ConsumerRecord<String, byte[]> r : records) {
            if (r.value() == null) {
                continue;
            }
            try {
                if (r.topic().equals(Topics.READINGS_VERIFIED)) {
                    VerifiedReading v = RecordJson.read(r.value(), VerifiedReading.class);
                    zones.put(v.meter(), v.zone());
                    highest.merge(v.meter(), v.seq(), Math::max);
                    through.put(v.meter(), highest.get(v.meter()));
                } else {
                    Rejection x = RecordJson.read(r.value(), Rejection.class);
                    if (x.meter() == null || x.seq() == null || !x.meter().startsWith("0x")) {
                        continue; // nothing an agent could match to one of its readings
                    }
                    if (x.reason() == RejectReason.DUPLICATE) {
                        highest.merge(x.meter(), x.seq(), Math::max);
                        through.put(x.meter(), highest.get(x.meter()));
                    }
                    if (!zones.containsKey(x.meter())) {
                        String zone = zoneOf(x);
                        if (zone == null) {
                            continue;
                        }
                        zones.put(x.meter(), zone);
                    }
                    rejected.computeIfAbsent(x.meter(), k -> new ArrayList<>()).add(rejected(x));
                    Long known = highest.get(x.meter());
                    if (known != null) {
                        through.put(x.meter(), known);
                    }
                }
            } catch (RuntimeException e) {
                LOG.warn("skipping unreadable record {}-{}@{}: {}", r.topic(), r.partition(), r.offset(), e.toString());
            }
        }
        Map<String, Ack> acks = new LinkedHashMap<>();
        for (String meter : union(through.keySet(), rejected.keySet())) {
            List<Ack.Rejected> rj = rejected.get(meter);
            acks.put(meter, new Ack(meter, through.get(meter), rj == null ? null : List.copyOf(rj)));
        }
        return acks;
    }

    private static List<String> union(java.util.Set<String> a, java.util.Set<String> b) {
        java.util.LinkedHashSet<String> u = new java.util.LinkedHashSet<>(a);
        u.addAll(b);
        return List.copyOf(u);
    }

    /** The zone named by the MQTT topic the rejected record arrived on. */
    private String zoneOf(Rejection x) {
        Rejection.Source s = x.source();
        if (s == null) {
            return null;
        }
        if (s.mqttTopic() != null) {
            return Topics.parse(s.mqttTopic()).map(Topics.Device::zone).orElse(null);
        }
        if (s.topic() == null || s.partition() == null || s.offset() == null) {
            return null;
        }
        TopicPartition tp = new TopicPartition(s.topic(), s.partition());
        lookup.assign(List.of(tp));
        lookup.seek(tp, s.offset());
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (System.nanoTime() < deadline) {
            for (ConsumerRecord<String, byte[]> r : lookup.poll(Duration.ofMillis(200))) {
                if (r.offset() == s.offset()) {
                    String topic = IngestRecords.mqttTopic(r);
                    return topic == null
                            ? null
                            : Topics.parse(topic).map(Topics.Device::zone).orElse(null);
                }
            }
        }
        return null;
    }

    private void publish(Map<String, Ack> acks) throws Exception {
        List<AckSink.Addressed> out = new ArrayList<>(acks.size());
        for (Ack ack : acks.values()) {
            out.add(new AckSink.Addressed(zones.get(ack.meter()), ack));
        }
        sink.deliver(out);
        published.addAndGet(acks.size());
    }

    @Override
    public void close() {
        try {
            loop.close();
        } finally {
            lookup.close(CloseOptions.timeout(Duration.ofSeconds(5)));
            sink.close();
        }
    }

    /** How a rejection of a reading appears in the meter's next ack (docs/protocol.md, "Ack"). */
    public static Ack.Rejected rejected(Rejection x) {
        return new Ack.Rejected(x.seq(), x.reason().name(), x.code(), x.detail());
    }
}
