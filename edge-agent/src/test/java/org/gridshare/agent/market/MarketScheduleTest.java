package org.gridshare.agent.market;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class MarketScheduleTest {
    @Test
    void a_fifteen_minute_order_window_opens_a_minute_before_gate_closure() {
        MarketSchedule s = new MarketSchedule(900, 300);
        long start = 1_764_000_000_000L - 1_764_000_000_000L % 900_000 + 900_000; // an interval start
        assertEquals(start - 300_000, s.gateClosureMs(start));
        assertEquals(List.of(), s.orderable(start - 360_001));
        assertEquals(List.of(start), s.orderable(start - 360_000));
        assertEquals(List.of(start), s.orderable(start - 300_501));
        assertEquals(List.of(), s.orderable(start - 300_500), "too close to gate closure");
    }

    @Test
    void ten_second_intervals_leave_five_seconds_to_order() {
        MarketSchedule s = new MarketSchedule(10, 3);
        assertEquals(List.of(), s.orderable(1_000_001_000L));
        assertEquals(List.of(1_000_010_000L), s.orderable(1_000_002_000L));
        assertEquals(List.of(1_000_010_000L), s.orderable(1_000_006_499L));
        assertEquals(List.of(), s.orderable(1_000_006_500L));
    }
}
