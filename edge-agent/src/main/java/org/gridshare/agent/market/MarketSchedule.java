package org.gridshare.agent.market;

import java.util.ArrayList;
import java.util.List;

/**
 * When orders go out (pure): intervals of {@code intervalSeconds} aligned to the Unix epoch; the book of
 * the interval starting at S closes at S − {@code gateClosureSeconds}. The agent places an interval's
 * order from {@link #lead()} before its gate closure on (late enough that the forecast has the latest
 * statements, early enough for re-sends), and never later than {@link #SAFETY_MS} before it.
 */
public record MarketSchedule(long intervalSeconds, long gateClosureSeconds) {
    /** No order is first published closer to gate closure than this. */
    public static final long SAFETY_MS = 500;

    public MarketSchedule {
        if (intervalSeconds < 1 || gateClosureSeconds < 0) {
            throw new IllegalArgumentException(
                    "interval " + intervalSeconds + " s, gate closure " + gateClosureSeconds + " s");
        }
    }

    public long lengthMs() {
        return intervalSeconds * 1000;
    }

    /** Gate closure of the interval starting at {@code startMs}. */
    public long gateClosureMs(long startMs) {
        return startMs - gateClosureSeconds * 1000;
    }

    /** How long before gate closure ordering opens: half an interval, at most a minute. */
    public long lead() {
        return Math.min(60_000, lengthMs() / 2);
    }

    /** The intervals whose order window is open at {@code nowMs} (ordering opened, gate not yet closed). */
    public List<Long> orderable(long nowMs) {
        List<Long> out = new ArrayList<>();
        long s = nowMs - Math.floorMod(nowMs, lengthMs()) + lengthMs();
        while (gateClosureMs(s) - lead() <= nowMs) {
            if (nowMs < gateClosureMs(s) - SAFETY_MS) {
                out.add(s);
            }
            s += lengthMs();
        }
        return out;
    }
}
