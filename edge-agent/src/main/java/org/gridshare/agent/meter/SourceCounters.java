package org.gridshare.agent.meter;

import java.time.Clock;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import org.gridshare.drivers.DecodeException;
import org.gridshare.drivers.StreamDecoder;
import org.gridshare.drivers.health.MeterHealth;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Counts and logs what a meter source's decoder and transport report, and keeps the meter's
 * {@link MeterHealth}. Decode errors are logged with their typed detail (kind, field, offset, hex
 * window); a noisy line logs the first {@value #LOG_FIRST} and then every {@value #LOG_EVERY}th, so a
 * wrong baud rate cannot fill the SD card. Thread-safe.
 */
final class SourceCounters {
    private static final Logger LOG = LoggerFactory.getLogger(SourceCounters.class);
    static final int LOG_FIRST = 10;
    static final int LOG_EVERY = 100;

    private final String meter;
    private final MeterHealth health;
    private final Map<DecodeException.Kind, Long> decodeErrors = new EnumMap<>(DecodeException.Kind.class);
    private long frames;
    private long incomplete;
    private long skippedBytes;
    private long bytesReceived;
    private long reopens;
    private String lastError;

    SourceCounters(String meter, Clock clock, Duration staleAfter) {
        this.meter = meter;
        this.health = new MeterHealth(clock, 3, staleAfter);
    }

    /** Records a stream decoder's event; returns the decoded frame's reading event or null. */
    StreamDecoder.Decoded record(StreamDecoder.Event e) {
        health.record(e);
        switch (e) {
            case StreamDecoder.Decoded d -> {
                synchronized (this) {
                    frames++;
                }
                return d;
            }
            case StreamDecoder.Failed f -> countError(f.error());
            case StreamDecoder.Skipped s -> {
                synchronized (this) {
                    skippedBytes += s.length();
                }
            }
        }
        return null;
    }

    /** A frame or register block that did not decode (for sources without a stream decoder). */
    void decodeError(DecodeException error) {
        health.record(new StreamDecoder.Failed(0, error));
        countError(error);
    }

    private void countError(DecodeException error) {
        long n;
        synchronized (this) {
            decodeErrors.merge(error.kind(), 1L, Long::sum);
            n = decodeErrors.values().stream().mapToLong(Long::longValue).sum();
            lastError = error.getMessage();
        }
        if (n <= LOG_FIRST || n % LOG_EVERY == 0) {
            LOG.warn("meter {}: bad frame #{} not signed: {}", meter, n, error.getMessage());
        }
    }

    /** A frame decoded and counted by {@link #record} or {@link #decoded}, but not signable (INCOMPLETE, IMPLAUSIBLE). */
    void incomplete(MeterReadException e) {
        long n;
        synchronized (this) {
            n = ++incomplete;
            lastError = e.getMessage();
        }
        if (n <= LOG_FIRST || n % LOG_EVERY == 0) {
            LOG.warn("frame #{} not signed: {}", n, e.getMessage());
        }
    }

    /** Bytes read from the transport. */
    synchronized void received(int n) {
        bytesReceived += n;
    }

    /** A frame decoded outside a stream decoder (Modbus poll, BLE advertisement). */
    void decoded() {
        health.record(new StreamDecoder.Decoded(0, null));
        synchronized (this) {
            frames++;
        }
    }

    /** The transport failed; {@code reopening} when it is about to be opened again. */
    void transportFailed(String problem, boolean reopening) {
        synchronized (this) {
            if (reopening) {
                reopens++;
            }
            lastError = problem;
        }
    }

    MeterHealth.State health() {
        return health.state();
    }

    synchronized String lastError() {
        return lastError;
    }

    synchronized MeterSourceStats snapshot() {
        return new MeterSourceStats(
                health.state(),
                bytesReceived,
                frames,
                Map.copyOf(decodeErrors),
                incomplete,
                skippedBytes,
                reopens,
                lastError);
    }
}
