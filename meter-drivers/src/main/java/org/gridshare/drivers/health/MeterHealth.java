package org.gridshare.drivers.health;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;
import org.gridshare.drivers.DecodeException;
import org.gridshare.drivers.StreamDecoder;

/**
 * A meter's debounced health, fed with the events of its {@link StreamDecoder}: field faults become a
 * state, not exceptions unwinding the agent loop. One bad frame is line noise; {@code failuresToDegrade}
 * bad frames in a row make the meter DEGRADED; no good frame for {@code silenceToFail} makes it FAILED;
 * the next good frame makes it OK again. Thread-safe; time comes from the injected clock.
 */
public final class MeterHealth {

    /** The meter's state as the agent reports it. */
    public enum State {
        /** No frame decoded yet, and not silent for long enough to call it failed. */
        UNKNOWN,
        /** The last frame decoded. */
        OK,
        /** Several frames in a row were bad (wiring, baud rate, key, interference). */
        DEGRADED,
        /** No good frame for the silence limit: meter unplugged, port dead or wrong protocol. */
        FAILED
    }

    private final Clock clock;
    private final int failuresToDegrade;
    private final Duration silenceToFail;
    private final Instant started;
    private final Map<DecodeException.Kind, Long> failures = new EnumMap<>(DecodeException.Kind.class);
    private Instant lastSuccess;
    private int consecutiveFailures;
    private DecodeException lastError;

    /**
     * @param failuresToDegrade consecutive bad frames before DEGRADED, at least 1
     * @param silenceToFail time without a good frame before FAILED (e.g. 10 x the meter's frame interval)
     */
    public MeterHealth(Clock clock, int failuresToDegrade, Duration silenceToFail) {
        this.clock = Objects.requireNonNull(clock, "clock");
        if (failuresToDegrade < 1 || silenceToFail.isNegative() || silenceToFail.isZero()) {
            throw new IllegalArgumentException("failuresToDegrade >= 1 and a positive silence are needed");
        }
        this.failuresToDegrade = failuresToDegrade;
        this.silenceToFail = silenceToFail;
        this.started = clock.instant();
    }

    /** Records what the decoder found; skipped bytes between frames do not count either way. */
    public synchronized void record(StreamDecoder.Event event) {
        switch (event) {
            case StreamDecoder.Decoded d -> {
                lastSuccess = clock.instant();
                consecutiveFailures = 0;
            }
            case StreamDecoder.Failed f -> {
                consecutiveFailures++;
                failures.merge(f.error().kind(), 1L, Long::sum);
                lastError = f.error();
            }
            case StreamDecoder.Skipped s -> {
                // noise outside frames: normal at start-up and after a cable is plugged in
            }
        }
    }

    /** The state now. */
    public synchronized State state() {
        Instant now = clock.instant();
        Instant reference = lastSuccess != null ? lastSuccess : started;
        if (Duration.between(reference, now).compareTo(silenceToFail) >= 0) {
            return State.FAILED;
        }
        if (consecutiveFailures >= failuresToDegrade) {
            return State.DEGRADED;
        }
        return lastSuccess == null ? State.UNKNOWN : State.OK;
    }

    /** Bad frames so far, by kind (CORRUPT counts line noise, MALFORMED a wrong protocol or key...). */
    public synchronized Map<DecodeException.Kind, Long> failureCounts() {
        return Map.copyOf(failures);
    }

    /** The most recent decode error, or null. */
    public synchronized DecodeException lastError() {
        return lastError;
    }

    /** When the last good frame arrived, or null. */
    public synchronized Instant lastSuccess() {
        return lastSuccess;
    }
}
