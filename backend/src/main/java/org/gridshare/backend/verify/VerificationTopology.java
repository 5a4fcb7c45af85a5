package org.gridshare.backend.verify;

import java.time.Clock;
import java.time.Duration;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Grouped;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.TimeWindows;
import org.apache.kafka.streams.state.Stores;
import org.apache.kafka.streams.state.WindowStore;
import org.gridshare.backend.RecordJson;
import org.gridshare.backend.aggregate.IntervalTotals;
import org.gridshare.protocol.Topics;

/**
 * The backend's Streams topology: {@code readings.v1} → verify (per-meter state store) → {@code
 * readings.verified.v1} and {@code rejected.v1}; verified readings → tumbling event-time windows of
 * {@code interval} with {@code grace} → {@code intervals.v1}. Interval records are updates (no
 * suppress): a consumer keeps the latest per (meter, intervalStartMs); readings later than the grace
 * period are dropped by the window and counted in Streams' dropped-records metric.
 */
public final class VerificationTopology {
    /** Name of the per-meter chain state store. */
    public static final String CHAIN_STORE = "meter-chain";
    /** Name of the interval window store. */
    public static final String INTERVAL_STORE = "interval-totals";

    private VerificationTopology() {}

    public static Topology build(ReadingVerifier verifier, Duration interval, Duration grace, Clock clock) {
        Serde<String> keys = Serdes.String();
        Serde<ChainState> chainSerde = RecordJson.serde(ChainState.class);
        Serde<VerifiedReading> verifiedSerde = RecordJson.serde(VerifiedReading.class);
        Serde<IntervalTotals> totalsSerde = RecordJson.serde(IntervalTotals.class);
        long intervalSeconds = interval.toSeconds();

        StreamsBuilder builder = new StreamsBuilder();
        builder.addStateStore(
                Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(CHAIN_STORE), keys, chainSerde));

        KStream<String, Verdict> verdicts = builder.stream(Topics.READINGS, Consumed.with(keys, Serdes.ByteArray()))
                .processValues(() -> new VerifyProcessor(verifier, CHAIN_STORE, clock), CHAIN_STORE);

        verdicts.filter((k, v) -> v instanceof Verdict.Rejected)
                .mapValues(v -> RecordJson.write(((Verdict.Rejected) v).rejection()))
                .to(Topics.REJECTED, Produced.with(keys, Serdes.ByteArray()));

        KStream<String, VerifiedReading> accepted = verdicts.filter((k, v) -> v instanceof Verdict.Accepted)
                .mapValues(v -> ((Verdict.Accepted) v).reading());
        accepted.to(Topics.READINGS_VERIFIED, Produced.with(keys, verifiedSerde));

        accepted.groupByKey(Grouped.with(keys, verifiedSerde))
                .windowedBy(TimeWindows.ofSizeAndGrace(interval, grace))
                .aggregate(
                        IntervalTotals::empty,
                        (meter, reading, totals) -> totals.add(reading),
                        Materialized.<String, IntervalTotals, WindowStore<Bytes, byte[]>>as(INTERVAL_STORE)
                                .withKeySerde(keys)
                                .withValueSerde(totalsSerde))
                .toStream()
                .map((window, totals) ->
                        KeyValue.pair(window.key(), totals.at(window.window().start(), intervalSeconds)))
                .to(Topics.INTERVALS, Produced.with(keys, totalsSerde));
        return builder.build();
    }
}
