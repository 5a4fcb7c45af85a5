package org.gridshare.backend.market.statements;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import org.gridshare.backend.verify.VerifiedReading;
import org.gridshare.protocol.Bytes32;
import org.gridshare.protocol.ReadingsRoot;

/**
 * The verified reading chain of every meter, summarised per market interval: exactly what an honest
 * interval statement must carry (boundary registers, seq range, {@code readingsRoot}), as the agent's
 * {@code StatementBuilder} defines them: the interval's readings are those with {@code timeMs} in
 * {@code [start, start + interval)} in seq order; the start registers are those of the last reading
 * before the interval, or of the interval's first reading when the meter has none before it.
 *
 * <p>Fed in order, per meter, from {@code gridshare.readings.verified.v1} (that topic is keyed by meter and
 * the verifier admits only seq = last + 1, so a meter's readings arrive here in seq order). A reading at or
 * below the meter's last seq is a re-delivery and ignored. Intervals that started more than {@code
 * retentionMs} before the newest reading of their meter are dropped. Thread-safe (one writer, many readers).
 */
public final class VerifiedReadingChains {
    /**
     * How long an interval's summary is kept: far beyond the statement deadline (a statement later than
     * this is past settlement anyway), and small enough to keep a few hundred bytes per meter and interval.
     */
    public static final java.time.Duration RETENTION = java.time.Duration.ofDays(2);

    private static final String ZERO_PREV = Bytes32.ZERO.toHex();

    /**
     * What the verified chain says about one (meter, interval).
     *
     * @param startKnown false when the reading before the interval's first one was never seen here (the
     *     verified topic was truncated by retention): the start registers cannot be checked
     * @param ordered false when a reading of a later interval came before one of this interval (the
     *     meter's clock went backwards): no statement can match the agent's rule
     */
    public record IntervalChain(
            long firstSeq,
            long lastSeq,
            long importStart,
            long exportStart,
            long importEnd,
            long exportEnd,
            Bytes32 readingsRoot,
            boolean startKnown,
            boolean ordered) {}

    /**
     * The answer for a statement: how far the meter's chain is verified and the interval's summary if any.
     *
     * @param any false when no verified reading of the meter was seen at all
     * @param verifiedThroughSeq the highest verified seq of the meter (uint64, when {@code any})
     */
    public record Lookup(boolean any, long verifiedThroughSeq, Optional<IntervalChain> interval) {
        /** True when every reading up to {@code seq} (uint64) is verified. */
        public boolean verifiedThrough(long seq) {
            return any && Long.compareUnsigned(verifiedThroughSeq, seq) >= 0;
        }
    }

    private static final class Building {
        final long firstSeq;
        final long importStart;
        final long exportStart;
        final boolean startKnown;
        long lastSeq;
        long importEnd;
        long exportEnd;
        boolean ordered = true;
        List<Bytes32> digests = new ArrayList<>();
        Bytes32 root;

        Building(long firstSeq, long importStart, long exportStart, boolean startKnown) {
            this.firstSeq = firstSeq;
            this.importStart = importStart;
            this.exportStart = exportStart;
            this.startKnown = startKnown;
        }

        IntervalChain summary() {
            if (root == null) {
                root = ReadingsRoot.of(digests);
            }
            return new IntervalChain(
                    firstSeq, lastSeq, importStart, exportStart, importEnd, exportEnd, root, startKnown, ordered);
        }

        /** Closes the interval: its root is fixed, the digests are no longer needed. */
        void freeze() {
            if (digests != null) {
                summary();
                digests = null;
            }
        }
    }

    private static final class MeterChain {
        boolean seen;
        long lastSeq;
        long lastImport;
        long lastExport;
        long lastIntervalStart = Long.MIN_VALUE;
        final TreeMap<Long, Building> intervals = new TreeMap<>();
    }

    private final long intervalMs;
    private final long retentionMs;
    private final Map<String, MeterChain> meters = new HashMap<>();

    /**
     * @param intervalMs the market interval
     * @param retentionMs how long (in reading time) an interval's summary is kept after it started
     */
    public VerifiedReadingChains(long intervalMs, long retentionMs) {
        if (intervalMs <= 0 || retentionMs < intervalMs) {
            throw new IllegalArgumentException("interval " + intervalMs + " ms must be positive and retention "
                    + retentionMs + " ms at least one");
        }
        this.intervalMs = intervalMs;
        this.retentionMs = retentionMs;
    }

    /** Adds one verified reading (in the meter's seq order). */
    public synchronized void add(VerifiedReading r) {
        Objects.requireNonNull(r, "reading");
        String meter = r.meter().toLowerCase(Locale.ROOT);
        MeterChain m = meters.computeIfAbsent(meter, k -> new MeterChain());
        if (m.seen && Long.compareUnsigned(r.seq(), m.lastSeq) <= 0) {
            return; // re-delivered
        }
        long start = r.timeMs() - Math.floorMod(r.timeMs(), intervalMs);
        Building b = m.intervals.get(start);
        if (b == null) {
            boolean first = !m.seen;
            // a first reading with a non-zero prev follows readings this backend never saw
            boolean startKnown = !first || ZERO_PREV.equalsIgnoreCase(r.prev());
            b = first
                    ? new Building(r.seq(), r.importMilliWh(), r.exportMilliWh(), startKnown)
                    : new Building(r.seq(), m.lastImport, m.lastExport, true);
            m.intervals.put(start, b);
        } else if (b.digests == null) {
            b.ordered = false; // a reading came back into an interval already closed
        }
        if (start < m.lastIntervalStart) {
            b.ordered = false;
            Building later = m.intervals.get(m.lastIntervalStart);
            if (later != null) {
                later.ordered = false;
            }
        }
        if (b.digests != null) {
            b.digests.add(Bytes32.fromHex(r.digest()));
            b.root = null;
        }
        b.lastSeq = r.seq();
        b.importEnd = r.importMilliWh();
        b.exportEnd = r.exportMilliWh();
        if (start > m.lastIntervalStart) {
            // every interval before this one is closed for good (readings arrive in time order)
            m.intervals.headMap(start, false).values().forEach(Building::freeze);
            m.lastIntervalStart = start;
        }
        m.seen = true;
        m.lastSeq = r.seq();
        m.lastImport = r.importMilliWh();
        m.lastExport = r.exportMilliWh();
        m.intervals.headMap(start - retentionMs, false).clear();
    }

    /** What the verified chain of {@code meter} says about the interval starting at {@code intervalStartMs}. */
    public synchronized Lookup lookup(String meter, long intervalStartMs) {
        MeterChain m = meters.get(meter.toLowerCase(Locale.ROOT));
        if (m == null) {
            return new Lookup(false, 0, Optional.empty());
        }
        Building b = m.intervals.get(intervalStartMs);
        return new Lookup(m.seen, m.lastSeq, b == null ? Optional.empty() : Optional.of(b.summary()));
    }
}
