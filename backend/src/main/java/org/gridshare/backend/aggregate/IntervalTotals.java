package org.gridshare.backend.aggregate;

import com.fasterxml.jackson.annotation.JsonProperty;
import org.gridshare.backend.verify.VerifiedReading;

/**
 * Energy of one meter in one interval, as written to {@code gridshare.intervals.v1}. Each accepted
 * reading adds the change of the cumulative registers since the meter's previous accepted reading,
 * to the interval that contains the reading's {@code timeMs}.
 */
public record IntervalTotals(
        @JsonProperty("meter") String meter,
        @JsonProperty("zone") String zone,
        @JsonProperty("intervalStartMs") long intervalStartMs,
        @JsonProperty("intervalSeconds") long intervalSeconds,
        @JsonProperty("importMilliWh") long importMilliWh,
        @JsonProperty("exportMilliWh") long exportMilliWh,
        @JsonProperty("readings") long readings,
        @JsonProperty("firstSeq") long firstSeq,
        @JsonProperty("lastSeq") long lastSeq) {

    /** Nothing yet for this meter and interval. */
    public static IntervalTotals empty() {
        return new IntervalTotals(null, null, 0, 0, 0, 0, 0, 0, 0);
    }

    /** These totals plus one accepted reading. Overflow throws: energy is never silently wrapped. */
    public IntervalTotals add(VerifiedReading r) {
        return new IntervalTotals(
                r.meter(),
                r.zone(),
                intervalStartMs,
                intervalSeconds,
                Math.addExact(importMilliWh, r.importDeltaMilliWh()),
                Math.addExact(exportMilliWh, r.exportDeltaMilliWh()),
                readings + 1,
                readings == 0 ? r.seq() : Math.min(firstSeq, r.seq()),
                readings == 0 ? r.seq() : Math.max(lastSeq, r.seq()));
    }

    /** The same totals placed in their interval. */
    public IntervalTotals at(long startMs, long seconds) {
        return new IntervalTotals(
                meter, zone, startMs, seconds, importMilliWh, exportMilliWh, readings, firstSeq, lastSeq);
    }
}
