package org.gridshare.backend.ingest.coap;

import java.util.List;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.eclipse.californium.core.CoapResource;
import org.eclipse.californium.core.coap.CoAP;
import org.eclipse.californium.core.coap.CoAP.ResponseCode;
import org.eclipse.californium.core.coap.MediaTypeRegistry;
import org.eclipse.californium.core.server.resources.CoapExchange;
import org.eclipse.californium.core.server.resources.Resource;
import org.gridshare.backend.ingest.IngestRecords;
import org.gridshare.protocol.MeterReading;
import org.gridshare.protocol.RejectReason;
import org.gridshare.protocol.Signed;
import org.gridshare.protocol.Topics;
import org.gridshare.protocol.wire.CborWire;
import org.gridshare.protocol.wire.JsonWire;
import org.gridshare.protocol.wire.WireFormatException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code /gridshare/v1/{zone}/{meter}/readings} (POST, CBOR) and {@code /gridshare/v1/{zone}/{meter}/acks}
 * (GET, observable with confirmable notifications): one resource serves the whole subtree, reading
 * zone and meter from the path like the MQTT bridge reads them from the topic.
 */
final class IngestResource extends CoapResource {
    private static final Logger LOG = LoggerFactory.getLogger(IngestResource.class);

    private final CoapIngest ingest;
    private final KafkaProducer<String, byte[]> producer;
    private final AckBoard board;

    IngestResource(CoapIngest ingest, KafkaProducer<String, byte[]> producer, AckBoard board) {
        super("gridshare");
        this.ingest = ingest;
        this.producer = producer;
        this.board = board;
        setObservable(true);
        setObserveType(CoAP.Type.CON); // a lost notification is retransmitted, not silently dropped
    }

    /** Every path below {@code /gridshare} lands here. */
    @Override
    public Resource getChild(String name) {
        return this;
    }

    /** zone, meter, kind of {@code gridshare/v1/{zone}/{meter}/{kind}}, or null. */
    private static String[] parse(CoapExchange exchange) {
        List<String> p = exchange.getRequestOptions().getUriPath();
        if (p.size() != 5
                || !p.get(0).equals("gridshare")
                || !p.get(1).equals("v1")
                || p.get(2).isEmpty()
                || p.get(3).isEmpty()) {
            return null;
        }
        return new String[] {p.get(2), p.get(3).toLowerCase(java.util.Locale.ROOT), p.get(4)};
    }

    /** The meter of the DTLS session when it may use {@code meter}'s resources; else answers 4.01/4.03. */
    private boolean authorized(CoapExchange exchange, String meter) {
        String peer = ingest.keys()
                .meterOf(exchange.advanced().getRequest().getSourceContext().getPeerIdentity());
        if (peer == null) {
            exchange.respond(ResponseCode.UNAUTHORIZED, "DTLS identity is not a known device");
            return false;
        }
        if (!peer.equals(meter)) {
            LOG.warn("device of meter {} tried to use the resources of meter {}", peer, meter);
            exchange.respond(ResponseCode.FORBIDDEN, "this DTLS session belongs to meter " + peer);
            return false;
        }
        return true;
    }

    @Override
    public void handleGET(CoapExchange exchange) {
        String[] path = parse(exchange);
        if (path == null || !path[2].equals("acks")) {
            exchange.respond(ResponseCode.NOT_FOUND, "GET gridshare/v1/{zone}/{meter}/acks");
            return;
        }
        if (!authorized(exchange, path[1])) {
            return;
        }
        board.know(path[1]);
        exchange.respond(ResponseCode.CONTENT, board.notification(path[1]), MediaTypeRegistry.APPLICATION_JSON);
    }

    @Override
    public void handlePOST(CoapExchange exchange) {
        String[] path = parse(exchange);
        if (path == null || !path[2].equals("readings")) {
            exchange.respond(ResponseCode.NOT_FOUND, "POST gridshare/v1/{zone}/{meter}/readings");
            return;
        }
        if (!authorized(exchange, path[1])) {
            return;
        }
        String zone = path[0];
        String meter = path[1];
        board.know(meter);
        ingest.received.incrementAndGet();
        String topic =
                "gridshare/v1/" + zone + "/" + meter + "/readings"; // what the verifier checks zone and signer against
        long now = ingest.clock().millis();
        Intake intake = intake(meter, topic, exchange.getRequestPayload(), now);
        IngestRecords.stamp(intake.record, topic, now);
        intake.record.headers().add("ingest.transport", "coap".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        forward(exchange, meter, intake);
    }

    /**
     * What one POST puts into Kafka and answers once Kafka has it: the reading in canonical JSON and
     * 2.04, or a rejection record and the error code with its diagnostic.
     */
    private record Intake(ProducerRecord<String, byte[]> record, ResponseCode code, String diagnostic) {}

    private static Intake intake(String meter, String topic, byte[] payload, long now) {
        if (payload.length > CborWire.MAX_PAYLOAD_BYTES) {
            return new Intake(
                    IngestRecords.rejection(
                            RejectReason.OVERSIZED,
                            "payload of " + payload.length + " bytes exceeds " + CborWire.MAX_PAYLOAD_BYTES
                                    + " on coap " + topic,
                            meter,
                            topic,
                            payload,
                            now),
                    ResponseCode.REQUEST_ENTITY_TOO_LARGE,
                    "OVERSIZED: " + payload.length + " bytes, limit " + CborWire.MAX_PAYLOAD_BYTES);
        }
        try {
            Signed<MeterReading> reading = CborWire.decodeReading(payload);
            // canonical JSON: the verifier, the archive and MQTT readings stay one format
            return new Intake(
                    new ProducerRecord<>(Topics.READINGS, meter, JsonWire.encodeReading(reading)),
                    ResponseCode.CHANGED,
                    null);
        } catch (WireFormatException e) {
            RejectReason reason = e.reason() == WireFormatException.Reason.BAD_SIGNATURE_ENCODING
                    ? RejectReason.BAD_SIGNATURE
                    : RejectReason.fromName(e.reason().name(), RejectReason.BAD_FIELD);
            return new Intake(
                    IngestRecords.rejection(reason, e.getMessage() + " on coap " + topic, meter, topic, payload, now),
                    ResponseCode.BAD_REQUEST,
                    reason == RejectReason.fromName(e.reason().name(), null)
                            ? e.getMessage()
                            : reason + ": " + e.getMessage());
        }
    }

    /** Sends the record; the device gets its answer only once Kafka took it (else 5.03, and it sends again). */
    private void forward(CoapExchange exchange, String meter, Intake intake) {
        try {
            // the callback sees the outcome; the future adds nothing
            var unused = producer.send(intake.record, (meta, error) -> {
                if (error != null) {
                    // no 2.04: the device keeps the reading and sends it again
                    ingest.kafkaFailures.incrementAndGet();
                    LOG.error("Kafka did not take a reading of {}: answering 5.03", meter, error);
                    exchange.respond(ResponseCode.SERVICE_UNAVAILABLE, "Kafka did not take the reading");
                } else if (intake.diagnostic == null) {
                    ingest.forwarded.incrementAndGet();
                    exchange.respond(
                            ResponseCode.CHANGED, board.acceptedThrough(meter), MediaTypeRegistry.APPLICATION_JSON);
                } else {
                    ingest.rejected.incrementAndGet();
                    exchange.respond(intake.code, intake.diagnostic);
                }
            });
        } catch (RuntimeException e) {
            ingest.kafkaFailures.incrementAndGet();
            LOG.error("could not hand a reading of {} to Kafka: answering 5.03", meter, e);
            exchange.respond(ResponseCode.SERVICE_UNAVAILABLE, "Kafka did not take the reading");
        }
    }
}
