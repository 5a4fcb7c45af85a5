package org.gridshare.drivers.s0;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class S0CounterTest {

    private static final long MS = 1_000_000L;

    @ParameterizedTest
    @CsvSource({
        "1000, 1, 1000",
        "1000, 1234567, 1234567000",
        "800, 1, 1250",
        "800, 3, 3750",
        "800, 800, 1000000",
        "10000, 1, 100",
        "10000, 12345, 1234500",
        "3, 1, 333333",
        "3, 2, 666666",
        "3, 3, 1000000",
    })
    void import_milli_wh_is_exact_floor_of_pulses_times_a_million_over_constant(
            long impPerKWh, long pulses, long expected) {
        assertEquals(expected, new S0Counter(impPerKWh, 0, pulses).importMilliWh());
    }

    @Test
    void import_milli_wh_does_not_overflow_for_huge_counts() {
        long pulses = Long.MAX_VALUE / 2_000_000L * 1000; // far beyond any meter's life, still exact
        S0Counter c = new S0Counter(1000, 0, pulses);
        assertEquals(pulses / 1000 * 1_000_000L, c.importMilliWh());
    }

    @Test
    void import_milli_wh_matches_a_naive_big_integer_reference() {
        Random random = new Random(1);
        for (int i = 0; i < 10_000; i++) {
            long imp = 1 + random.nextInt(100_000);
            long pulses = random.nextLong(0, Long.MAX_VALUE / 1_000_000L);
            long expected = java.math.BigInteger.valueOf(pulses)
                    .multiply(java.math.BigInteger.valueOf(1_000_000L))
                    .divide(java.math.BigInteger.valueOf(imp))
                    .longValueExact();
            assertEquals(expected, new S0Counter(imp, 0, pulses).importMilliWh(), "imp=" + imp + " pulses=" + pulses);
        }
    }

    @Test
    void counts_rising_edges_only() {
        S0Counter c = new S0Counter(1000, 30 * MS, 0);
        assertTrue(c.onEdge(true, 0));
        assertFalse(c.onEdge(false, 50 * MS));
        assertFalse(c.onEdge(false, 60 * MS));
        assertTrue(c.onEdge(true, 100 * MS));
        assertFalse(c.onEdge(true, 200 * MS), "high after high is not an edge");
        assertEquals(2, c.pulses());
    }

    @Test
    void ignores_bounce_within_debounce_window() {
        S0Counter c = new S0Counter(1000, 30 * MS, 0);
        assertTrue(c.onEdge(true, 0));
        assertFalse(c.onEdge(false, 1 * MS));
        assertFalse(c.onEdge(true, 2 * MS));
        assertFalse(c.onEdge(false, 29 * MS));
        assertFalse(c.onEdge(true, 29 * MS + 999_999));
        assertFalse(c.onEdge(false, 31 * MS));
        assertTrue(c.onEdge(true, 30 * MS + 30 * MS), "window measured from the last counted edge");
        assertEquals(2, c.pulses());
    }

    @Test
    void debounces_across_nano_time_wraparound() {
        S0Counter c = new S0Counter(1000, 30 * MS, 0);
        long t = Long.MAX_VALUE - 5 * MS;
        assertTrue(c.onEdge(true, t));
        c.onEdge(false, t + 1);
        assertFalse(c.onEdge(true, t + 10 * MS), "10 ms later, across the wrap");
        c.onEdge(false, t + 11 * MS);
        assertTrue(c.onEdge(true, t + 40 * MS));
    }

    @Test
    void continues_from_initial_pulses_after_restart() {
        S0Counter c = new S0Counter(800, 30 * MS, 4000);
        assertEquals(5_000_000, c.importMilliWh());
        c.onEdge(true, 0);
        assertEquals(4001, c.pulses());
        assertEquals(5_001_250, c.importMilliWh());
    }

    @Test
    void pulse_in_progress_at_start_is_not_counted_again() {
        S0Counter c = new S0Counter(1000, 0, 7);
        c.observeLevel(true);
        assertFalse(c.onEdge(true, 0));
        c.onEdge(false, 1);
        assertTrue(c.onEdge(true, 2));
        assertEquals(8, c.pulses());
    }

    @Test
    void rejects_nonsense_configuration() {
        assertThrows(IllegalArgumentException.class, () -> new S0Counter(0, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> new S0Counter(S0Counter.MAX_IMPULSES_PER_KWH + 1, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> new S0Counter(1000, -1, 0));
        assertThrows(IllegalArgumentException.class, () -> new S0Counter(1000, 0, -1));
    }
}
