package org.gridshare.drivers.health;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.gridshare.drivers.DecodeException;
import org.gridshare.drivers.StreamDecoder;
import org.gridshare.drivers.dsmr.DsmrDecoder;
import org.gridshare.drivers.fixtures.Fixtures;
import org.gridshare.drivers.health.MeterHealth.State;
import org.gridshare.testsupport.TestClock;
import org.junit.jupiter.api.Test;

class MeterHealthTest {

    private static StreamDecoder.Decoded good() throws DecodeException {
        return new StreamDecoder.Decoded(
                0, DsmrDecoder.decode(Fixtures.bytes(Fixtures.ROOT.resolve("dsmr/v5-iskra-am550-spec-example.p1"))));
    }

    private static StreamDecoder.Failed bad(DecodeException.Kind kind) {
        return new StreamDecoder.Failed(0, new DecodeException(kind, "test", null, null, -1));
    }

    @Test
    void one_bad_frame_is_noise_several_in_a_row_degrade_and_a_good_one_recovers() throws Exception {
        TestClock clock = TestClock.at(Instant.parse("2026-11-25T10:00:00Z"));
        MeterHealth health = new MeterHealth(clock, 3, Duration.ofSeconds(10));
        assertEquals(State.UNKNOWN, health.state());
        health.record(good());
        assertEquals(State.OK, health.state());
        health.record(bad(DecodeException.Kind.CORRUPT));
        health.record(new StreamDecoder.Skipped(0, 5));
        health.record(bad(DecodeException.Kind.CORRUPT));
        assertEquals(State.OK, health.state(), "two bad frames are still noise");
        health.record(bad(DecodeException.Kind.TRUNCATED));
        assertEquals(State.DEGRADED, health.state());
        health.record(good());
        assertEquals(State.OK, health.state());
        assertEquals(
                Map.of(DecodeException.Kind.CORRUPT, 2L, DecodeException.Kind.TRUNCATED, 1L), health.failureCounts());
        assertEquals(DecodeException.Kind.TRUNCATED, health.lastError().kind());
    }

    @Test
    void silence_fails_the_meter_and_a_good_frame_brings_it_back() throws Exception {
        TestClock clock = TestClock.at(Instant.parse("2026-11-25T10:00:00Z"));
        MeterHealth health = new MeterHealth(clock, 3, Duration.ofSeconds(10));
        clock.advance(Duration.ofSeconds(9));
        assertEquals(State.UNKNOWN, health.state());
        clock.advance(Duration.ofSeconds(1));
        assertEquals(State.FAILED, health.state(), "nothing decoded since start");
        health.record(good());
        assertEquals(State.OK, health.state());
        clock.advance(Duration.ofSeconds(10));
        assertEquals(State.FAILED, health.state());
    }
}
