package org.gridshare.backend.verify;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.state.KeyValueStore;
import org.gridshare.backend.rejects.Rejection;
import org.gridshare.protocol.RejectReason;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs {@link ReadingVerifier} on each raw reading, reading and updating the meter's {@link ChainState}.
 * Accepted readings are forwarded with the reading's own time as record timestamp (event time for the
 * interval windows). No exception leaves {@link #process}: a fault becomes an INTERNAL_ERROR rejection
 * that keeps the payload.
 */
final class VerifyProcessor implements FixedKeyProcessor<String, byte[], Verdict> {
    private static final Logger LOG = LoggerFactory.getLogger(VerifyProcessor.class);

    private final ReadingVerifier verifier;
    private final String storeName;
    private final Clock clock;
    private FixedKeyProcessorContext<String, Verdict> context;
    private KeyValueStore<String, ChainState> store;

    VerifyProcessor(ReadingVerifier verifier, String storeName, Clock clock) {
        this.verifier = verifier;
        this.storeName = storeName;
        this.clock = clock;
    }

    @Override
    public void init(FixedKeyProcessorContext<String, Verdict> context) {
        this.context = context;
        this.store = context.getStateStore(storeName);
    }

    @Override
    public void process(FixedKeyRecord<String, byte[]> record) {
        Rejection.Source source =
                context.recordMetadata().map(VerifyProcessor::source).orElse(null);
        String key = record.key() == null ? "unknown" : record.key();
        IncomingReading in = new IncomingReading(
                key,
                header(record, "mqtt.topic"),
                record.value(),
                source,
                receivedMs(header(record, "ingest.receivedMs")));
        Verdict verdict;
        try {
            if (record.value() == null) {
                verdict = new Verdict.Rejected(Rejection.of(
                        RejectReason.MALFORMED_JSON, "empty record value", key, null, source, null, clock.millis()));
            } else {
                verdict = verifier.verify(in, store.get(key));
            }
        } catch (RuntimeException e) {
            LOG.error("verifying record {} of meter {} failed", source, key, e);
            verdict = new Verdict.Rejected(Rejection.of(
                    RejectReason.INTERNAL_ERROR,
                    e.getClass().getSimpleName() + ": " + e.getMessage(),
                    key,
                    null,
                    source,
                    record.value(),
                    clock.millis()));
        }
        if (verdict instanceof Verdict.Accepted accepted) {
            store.put(key, accepted.next());
            context.forward(record.withValue((Verdict) accepted)
                    .withTimestamp(accepted.reading().timeMs()));
        } else {
            context.forward(record.withValue(verdict));
        }
    }

    private static Rejection.Source source(RecordMetadata m) {
        return new Rejection.Source(m.topic(), m.partition(), m.offset(), null);
    }

    private static long receivedMs(String header) {
        if (header == null) {
            return 0;
        }
        try {
            return Long.parseLong(header);
        } catch (NumberFormatException e) {
            return 0; // a diagnostic field only: a producer without the bridge's header loses nothing
        }
    }

    private static String header(FixedKeyRecord<String, byte[]> record, String name) {
        Header h = record.headers().lastHeader(name);
        return h == null || h.value() == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }
}
