package org.gridshare.cli.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class DemoOptionsTest {
    @Test
    void defaults_are_three_minutes_of_one_minute_intervals_with_three_meters() {
        assertEquals(
                new DemoOptions(Duration.ofMinutes(3), Duration.ofSeconds(30), 3), DemoOptions.parse(new String[0]));
    }

    @Test
    void reads_seconds_minutes_hours_and_iso_durations() {
        DemoOptions o = DemoOptions.parse(new String[] {"--duration", "90s", "--interval", "PT30S", "--meters", "2"});
        assertEquals(Duration.ofSeconds(90), o.duration());
        assertEquals(Duration.ofSeconds(30), o.interval());
        assertEquals(2, o.meters());
        assertEquals(
                Duration.ofHours(1),
                DemoOptions.parse(new String[] {"--duration", "1h"}).duration());
    }

    @Test
    void rejects_bad_options_naming_the_option() {
        assertMessage("--duration", "--duration", "soon");
        assertMessage("--duration", "--duration", "-3m");
        assertMessage("--interval", "--interval", "5s");
        assertMessage("--meters", "--meters", "9");
        assertMessage("--meters", "--meters", "two");
        assertMessage("--colour", "--colour", "red");
        assertMessage("needs a value", "--duration");
    }

    @Test
    void kilowatt_hours_are_printed_from_integers_without_rounding_up() {
        assertEquals("0.017", DemoReport.kWh(17_999));
        assertEquals("12.345", DemoReport.kWh(12_345_678));
        assertEquals("0.000", DemoReport.kWh(0));
    }

    private static void assertMessage(String expected, String... args) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> DemoOptions.parse(args));
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }
}
