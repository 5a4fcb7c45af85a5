package org.gridshare.agent.clock;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * The clock the agent signs with: {@link Clock#systemUTC()}.
 *
 * <p><b>Test only:</b> with the system property {@value #TEST_OFFSET_FILE_PROPERTY} set to a file
 * holding a signed number of milliseconds, the clock is the system clock plus that offset, read
 * again at every tick. The fault tests use it to step the clock of an agent in its own JVM backwards
 * (as NTP or a user would step the real clock) without root or faketime. Nothing sets the property
 * in production; the agent logs a warning when it is set.
 */
public final class AgentClock {
    /** Test-only system property naming the offset file. */
    public static final String TEST_OFFSET_FILE_PROPERTY = "gridshare.test.clockOffsetFile";

    private AgentClock() {}

    /** The system clock, or the test's offset clock when {@value #TEST_OFFSET_FILE_PROPERTY} is set. */
    public static Clock fromSystemProperties() {
        String file = System.getProperty(TEST_OFFSET_FILE_PROPERTY);
        return file == null ? Clock.systemUTC() : new OffsetFileClock(Path.of(file));
    }

    /** The system clock plus the milliseconds in a file (re-read on every call). */
    static final class OffsetFileClock extends Clock {
        private final Path file;

        OffsetFileClock(Path file) {
            this.file = file;
        }

        @Override
        public long millis() {
            return System.currentTimeMillis() + offsetMs();
        }

        private long offsetMs() {
            String text;
            try {
                text = Files.readString(file, StandardCharsets.US_ASCII).trim();
            } catch (IOException e) {
                throw new UncheckedIOException("test clock offset file " + file + " unreadable", e);
            }
            try {
                return Long.parseLong(text);
            } catch (NumberFormatException e) {
                throw new IllegalStateException(
                        "test clock offset file " + file + " holds '" + text + "', not a number of milliseconds", e);
            }
        }

        @Override
        public Instant instant() {
            return Instant.ofEpochMilli(millis());
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            if (zone.equals(ZoneOffset.UTC)) {
                return this;
            }
            throw new UnsupportedOperationException("the agent's clock is UTC");
        }

        @Override
        public String toString() {
            return "OffsetFileClock[" + file + "]";
        }
    }
}
