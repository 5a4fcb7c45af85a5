package org.gridshare.agent.market;

import java.util.List;
import java.util.OptionalLong;

/**
 * Forecasts the household's net energy (export − import, mWh) of the next market interval from the
 * metered net energy of past intervals (the agent's own interval statements), by <b>persistence with
 * exponential smoothing</b>:
 *
 * <pre>
 *   S₁ = x₁                                  (persistence: the first interval as it was)
 *   Sₜ = α·xₜ + (1 − α)·Sₜ₋₁                 (each new interval pulls the level by α)
 *   forecast = Sₙ                            (the level after the latest complete interval)
 * </pre>
 *
 * α is given in percent (default {@value #DEFAULT_ALPHA_PERCENT}): 100 is pure persistence (the next
 * interval will be like the last), small values average over many intervals. Each step rounds half
 * away from zero to whole mWh; everything is integer arithmetic (exact for |x| below 9·10¹⁶ mWh).
 * Pure: no clock, no I/O.
 */
public final class NetForecaster {
    /** α = 0.5: the latest interval weighs as much as all earlier ones together. */
    public static final int DEFAULT_ALPHA_PERCENT = 50;

    private NetForecaster() {}

    /** The persistence forecast: the latest interval's net energy; empty without history. */
    public static OptionalLong persistence(List<Long> netsOldestFirst) {
        return netsOldestFirst.isEmpty()
                ? OptionalLong.empty()
                : OptionalLong.of(netsOldestFirst.get(netsOldestFirst.size() - 1));
    }

    /**
     * The exponentially smoothed forecast over {@code netsOldestFirst}; empty without history.
     *
     * @throws IllegalArgumentException when α is not in 1..100
     */
    public static OptionalLong smoothed(List<Long> netsOldestFirst, int alphaPercent) {
        if (alphaPercent < 1 || alphaPercent > 100) {
            throw new IllegalArgumentException("alpha must be 1..100 percent: " + alphaPercent);
        }
        if (netsOldestFirst.isEmpty()) {
            return OptionalLong.empty();
        }
        long level = netsOldestFirst.get(0);
        for (int i = 1; i < netsOldestFirst.size(); i++) {
            long weighted = Math.addExact(
                    Math.multiplyExact(alphaPercent, netsOldestFirst.get(i)),
                    Math.multiplyExact(100 - alphaPercent, level));
            level = divideRounded(weighted, 100);
        }
        return OptionalLong.of(level);
    }

    /** {@code n / d} rounded half away from zero (d > 0). */
    static long divideRounded(long n, long d) {
        long q = n / d;
        long r = n % d;
        if (Math.abs(r) * 2 >= d) {
            q += n < 0 ? -1 : 1;
        }
        return q;
    }
}
