package org.gridshare.agent.statement;

import java.util.ArrayList;
import java.util.List;
import org.gridshare.protocol.Address;
import org.gridshare.protocol.Bytes32;
import org.gridshare.protocol.IntervalStatement;
import org.gridshare.protocol.ReadingsRoot;

/**
 * Builds the {@link IntervalStatement} of one market interval from the meter's readings (pure).
 * Intervals are aligned to the Unix epoch; the statement covers the readings with {@code timeMs} in
 * {@code [start, start + length)}; its start registers are those of the last reading before the
 * interval (so consecutive statements chain without gaps), or of its first reading when there is none.
 */
public final class StatementBuilder {
    private StatementBuilder() {}

    /** The start of the epoch-aligned interval of {@code lengthMs} that contains {@code timeMs}. */
    public static long intervalStart(long timeMs, long lengthMs) {
        return timeMs - Math.floorMod(timeMs, lengthMs);
    }

    /**
     * Builds the interval's statement from its readings.
     *
     * @param before the last reading before the interval, or null when the agent has none
     * @param readings the interval's readings in seq order, at least one
     * @throws IllegalArgumentException when a reading lies outside the interval, the seqs are not
     *     increasing, or there is no reading
     */
    public static IntervalStatement build(
            Address meter,
            long intervalStartMs,
            long intervalSeconds,
            JournaledReading before,
            List<JournaledReading> readings) {
        if (readings.isEmpty()) {
            throw new IllegalArgumentException("interval " + intervalStartMs + " has no readings: no statement");
        }
        long endMs = intervalStartMs + intervalSeconds * 1000;
        List<Bytes32> leaves = new ArrayList<>(readings.size());
        long previousSeq = before == null ? Long.MIN_VALUE : before.seq();
        for (JournaledReading r : readings) {
            if (r.timeMs() < intervalStartMs || r.timeMs() >= endMs) {
                throw new IllegalArgumentException("reading seq " + r.seq() + " at " + r.timeMs()
                        + " is outside interval [" + intervalStartMs + ", " + endMs + ")");
            }
            if (r.seq() <= previousSeq) {
                throw new IllegalArgumentException("reading seq " + r.seq() + " does not follow seq " + previousSeq);
            }
            previousSeq = r.seq();
            leaves.add(r.digest());
        }
        JournaledReading first = readings.get(0);
        JournaledReading last = readings.get(readings.size() - 1);
        JournaledReading start = before == null ? first : before;
        return new IntervalStatement(
                meter,
                intervalStartMs,
                intervalSeconds,
                start.importMilliWh(),
                last.importMilliWh(),
                start.exportMilliWh(),
                last.exportMilliWh(),
                first.seq(),
                last.seq(),
                ReadingsRoot.of(leaves));
    }

    /** Net energy of a statement: exported minus imported over the interval, mWh. */
    public static long netMilliWh(IntervalStatement s) {
        return Math.subtractExact(
                Math.subtractExact(s.exportEnd(), s.exportStart()), Math.subtractExact(s.importEnd(), s.importStart()));
    }
}
