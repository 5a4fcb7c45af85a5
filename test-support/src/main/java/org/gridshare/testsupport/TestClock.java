package org.gridshare.testsupport;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicLong;

/** A clock the test moves: time passes only when the test says so. Thread-safe, millisecond resolution, UTC. */
public final class TestClock extends Clock {
    private final AtomicLong millis;

    private TestClock(long startMs) {
        this.millis = new AtomicLong(startMs);
    }

    /** A clock standing at {@code startMs} (epoch milliseconds). */
    public static TestClock at(long startMs) {
        return new TestClock(startMs);
    }

    /** A clock standing at {@code start}. */
    public static TestClock at(Instant start) {
        return new TestClock(start.toEpochMilli());
    }

    /** Puts the clock at {@code ms}; it may go backwards (a stepped system clock). */
    public void set(long ms) {
        millis.set(ms);
    }

    /** Puts the clock at {@code instant}. */
    public void set(Instant instant) {
        millis.set(instant.toEpochMilli());
    }

    /** Moves the clock by {@code d} (negative steps it back) and returns the new time in epoch milliseconds. */
    public long advance(Duration d) {
        return millis.addAndGet(d.toMillis());
    }

    /** Moves the clock by {@code ms} milliseconds and returns the new time. */
    public long advanceMillis(long ms) {
        return millis.addAndGet(ms);
    }

    @Override
    public long millis() {
        return millis.get();
    }

    @Override
    public Instant instant() {
        return Instant.ofEpochMilli(millis.get());
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        return this;
    }
}
