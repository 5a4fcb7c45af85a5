package org.gridshare.agent.uplink;

import java.util.random.RandomGenerator;

/**
 * Exponential backoff with jitter for reconnect attempts: the n-th delay is drawn uniformly from
 * [d/2, d] where d = min(max, initial·2^n), so a fleet of boxes that lost the same broker does not
 * come back in lockstep. Reset after a successful connect. Not thread-safe (one reconnect loop).
 */
public final class Backoff {
    private final long initialMs;
    private final long maxMs;
    private final RandomGenerator random;
    private long currentMs;

    public Backoff(long initialMs, long maxMs, RandomGenerator random) {
        if (initialMs < 2 || maxMs < initialMs) {
            throw new IllegalArgumentException("backoff needs 2 <= initial <= max: " + initialMs + ", " + maxMs);
        }
        this.initialMs = initialMs;
        this.maxMs = maxMs;
        this.random = random;
        this.currentMs = initialMs;
    }

    /** The delay before the next attempt; each call doubles the ceiling up to the maximum. */
    public long nextDelayMs() {
        long d = currentMs;
        currentMs = Math.min(maxMs, currentMs * 2);
        return random.nextLong(d / 2, d + 1);
    }

    /** Back to the initial delay (after a successful connect). */
    public void reset() {
        currentMs = initialMs;
    }
}
