package org.gridshare.backend.aggregate;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.gridshare.backend.RecordJson;
import org.gridshare.backend.kafka.ConsumerLoop;
import org.gridshare.backend.rejects.Rejection;
import org.gridshare.backend.verify.VerifiedReading;
import org.gridshare.protocol.RejectReason;
import org.gridshare.protocol.Topics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A read model for the demo and the tests: follows {@code intervals.v1}, {@code rejected.v1} and
 * {@code readings.verified.v1} from the beginning (read_committed, so only what the exactly-once
 * Streams application committed) and keeps the latest totals per (meter, interval), every rejection,
 * and every verified reading. One background thread; the accessors are safe from any thread.
 */
public final class IntervalTable implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(IntervalTable.class);

    /** Key of one interval row. */
    public record Key(String meter, long intervalStartMs) {}

    private final ConsumerLoop loop;
    private final Map<Key, IntervalTotals> intervals = new ConcurrentHashMap<>();
    private final List<Rejection> rejections = new CopyOnWriteArrayList<>();
    private final List<VerifiedReading> verified = new CopyOnWriteArrayList<>();

    private IntervalTable(String bootstrap) {
        loop = ConsumerLoop.fromBeginning(
                        "interval-table", bootstrap, Topics.INTERVALS, Topics.REJECTED, Topics.READINGS_VERIFIED)
                .onRecords(records -> records.forEach(this::apply))
                .start();
    }

    /** Starts following the backend's output topics on {@code bootstrap} (the topics must exist). */
    public static IntervalTable start(String bootstrap) {
        return new IntervalTable(bootstrap);
    }

    private void apply(ConsumerRecord<String, byte[]> r) {
        try {
            switch (r.topic()) {
                case Topics.INTERVALS -> {
                    IntervalTotals t = RecordJson.read(r.value(), IntervalTotals.class);
                    intervals.put(new Key(t.meter(), t.intervalStartMs()), t);
                }
                case Topics.REJECTED -> rejections.add(RecordJson.read(r.value(), Rejection.class));
                case Topics.READINGS_VERIFIED -> verified.add(RecordJson.read(r.value(), VerifiedReading.class));
                default -> {}
            }
        } catch (RuntimeException e) {
            LOG.warn("unreadable record {}-{}@{}", r.topic(), r.partition(), r.offset(), e);
        }
    }

    /** The latest totals of every (meter, interval), ordered by meter then interval start. */
    public List<IntervalTotals> intervals() {
        List<IntervalTotals> out = new ArrayList<>(intervals.values());
        out.sort(Comparator.comparing(IntervalTotals::meter).thenComparingLong(IntervalTotals::intervalStartMs));
        return out;
    }

    /** The latest totals of one meter in the interval starting at {@code intervalStartMs}. */
    public Optional<IntervalTotals> interval(String meter, long intervalStartMs) {
        return Optional.ofNullable(intervals.get(new Key(meter, intervalStartMs)));
    }

    /** How many rejections of each reason (only reasons seen). */
    public Map<RejectReason, Long> rejectsByReason() {
        Map<RejectReason, Long> out = new EnumMap<>(RejectReason.class);
        for (Rejection r : rejections) {
            out.merge(r.reason(), 1L, Long::sum);
        }
        return out;
    }

    /** Every rejection seen so far, in arrival order. */
    public List<Rejection> rejections() {
        return List.copyOf(rejections);
    }

    /** Every verified reading seen so far, in arrival order. */
    public List<VerifiedReading> verified() {
        return List.copyOf(verified);
    }

    @Override
    public void close() {
        loop.close();
    }
}
