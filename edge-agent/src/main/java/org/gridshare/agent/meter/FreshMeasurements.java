package org.gridshare.agent.meter;

import java.time.Duration;
import java.util.function.Supplier;

/**
 * Hands measurements from a push meter's reader thread to the signing loop, each at most once.
 * {@link #next} waits for a frame decoded <em>after</em> it was called, so the reading is signed
 * within moments of its decoding (the signed time is the frame's time) and an older frame is never
 * signed as a new one. No frame within the staleness limit → {@link MeterReadException.Reason#STALE}.
 */
final class FreshMeasurements {
    private final String meter;
    private final Duration staleAfter;
    private Measurement latest;
    private long arrivals;

    FreshMeasurements(String meter, Duration staleAfter) {
        this.meter = meter;
        this.staleAfter = staleAfter;
    }

    /** A newly decoded frame's measurement (reader thread). */
    synchronized void offer(Measurement m) {
        latest = m;
        arrivals++;
        notifyAll();
    }

    /**
     * The next measurement decoded after this call, waiting at most the staleness limit.
     *
     * @param why what the transport is doing now, for the STALE message (e.g. "reopening: port gone")
     */
    synchronized Measurement next(Supplier<String> why) {
        long start = arrivals;
        long deadline = System.nanoTime() + staleAfter.toNanos();
        while (arrivals == start) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new MeterReadException(
                        MeterReadException.Reason.STALE,
                        meter,
                        "no decodable frame for " + staleAfter.toMillis() + " ms (" + why.get() + ")");
            }
            try {
                wait(Math.max(1, left / 1_000_000L));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new MeterReadException(
                        MeterReadException.Reason.TRANSPORT, meter, "interrupted while waiting for a frame", e);
            }
        }
        return latest;
    }
}
