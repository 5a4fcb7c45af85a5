package org.gridshare.backend.market.statements;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.gridshare.backend.RecordJson;
import org.gridshare.backend.kafka.ConsumerLoop;
import org.gridshare.backend.verify.VerifiedReading;
import org.gridshare.protocol.Topics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps a {@link VerifiedReadingChains} table up to date from {@code gridshare.readings.verified.v1}: read
 * from the beginning at every start (read_committed, so only what the exactly-once verifier committed),
 * no consumer group. The table is rebuilt from the topic rather than kept in a store of its own, so it
 * can never disagree with the verified chain; the topic's retention must cover the intervals not yet
 * stated (docs/architecture.md, "Statements bound to the verified readings").
 */
public final class VerifiedReadingFeed implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(VerifiedReadingFeed.class);

    private final VerifiedReadingChains chains;
    private final ConsumerLoop loop;

    private VerifiedReadingFeed(String bootstrap, String name, VerifiedReadingChains chains) {
        this.chains = chains;
        this.loop = ConsumerLoop.fromBeginning(name, bootstrap, Topics.READINGS_VERIFIED)
                .onRecords(records -> records.forEach(this::apply));
    }

    /** Starts following the verified readings into {@code chains}. */
    public static VerifiedReadingFeed start(String bootstrap, String name, VerifiedReadingChains chains) {
        VerifiedReadingFeed f = new VerifiedReadingFeed(bootstrap, name, chains);
        f.loop.start();
        return f;
    }

    private void apply(ConsumerRecord<String, byte[]> r) {
        VerifiedReading reading;
        try {
            reading = RecordJson.read(r.value(), VerifiedReading.class);
        } catch (RuntimeException e) {
            // the verifier wrote it; an unreadable record means a version mismatch, not a meter's fault:
            // its meter's statements will not match until it is fixed, which the rejections then show
            LOG.error("unreadable verified reading {}-{}@{}", r.topic(), r.partition(), r.offset(), e);
            return;
        }
        chains.add(reading);
    }

    public VerifiedReadingChains chains() {
        return chains;
    }

    @Override
    public void close() {
        loop.close();
    }
}
