package org.gridshare.agent.meter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.gridshare.drivers.NormalizedReading;
import org.gridshare.drivers.StatusFlag;
import org.gridshare.protocol.MeterStatus;
import org.junit.jupiter.api.Test;

class FrameMeasurementsTest {
    private static final OffsetDateTime METER_TIME =
            OffsetDateTime.of(2026, 11, 25, 15, 0, 0, 0, ZoneOffset.ofHours(1));
    private static final long AT = METER_TIME.toInstant().toEpochMilli();

    private static NormalizedReading frame(Long imp, Long exp, Long power, OffsetDateTime t, Set<StatusFlag> flags) {
        return new NormalizedReading(
                "dsmr", "5.0", "M1", t, imp, exp, power, List.of(), Map.of(), flags, List.of(), List.of(), null);
    }

    @Test
    void meter_error_and_a_box_clock_far_from_a_zoned_meter_time_are_signed_as_status_bits() {
        FrameMeasurements f = new FrameMeasurements("p1", Duration.ofSeconds(60));
        assertEquals(
                MeterStatus.OK,
                f.measure(frame(10L, 1L, 5L, METER_TIME, Set.of()), AT + 60_000).status());
        assertEquals(
                MeterStatus.CLOCK_UNSYNCHRONISED,
                f.measure(frame(10L, 1L, 5L, METER_TIME, Set.of()), AT + 60_001).status());
        assertEquals(
                MeterStatus.CLOCK_UNSYNCHRONISED,
                f.measure(frame(10L, 1L, 5L, METER_TIME, Set.of()), AT - 60_001).status());
        assertEquals(
                MeterStatus.METER_ERROR,
                f.measure(frame(10L, 1L, 5L, null, Set.of(StatusFlag.METER_ERROR, StatusFlag.CLOCK_UNSYNCHRONISED)), AT)
                        .status(),
                "the meter's own unsynchronised flag says nothing about the box clock");
    }

    @Test
    void a_frame_without_import_or_with_a_vanished_export_register_is_no_measurement() {
        FrameMeasurements f = new FrameMeasurements("p1", Duration.ofSeconds(60));
        assertEquals(
                MeterReadException.Reason.INCOMPLETE,
                assertThrows(MeterReadException.class, () -> f.measure(frame(null, 1L, 5L, null, Set.of()), AT))
                        .reason());
        assertEquals(0, f.measure(frame(10L, null, 5L, null, Set.of()), AT).exportMilliWh(), "import-only meter");
        f.measure(frame(10L, 3L, 5L, null, Set.of()), AT);
        assertEquals(
                MeterReadException.Reason.INCOMPLETE,
                assertThrows(MeterReadException.class, () -> f.measure(frame(11L, null, 5L, null, Set.of()), AT))
                        .reason());
    }

    @Test
    void power_is_the_frame_s_or_else_the_exact_average_since_the_previous_frame() {
        FrameMeasurements f = new FrameMeasurements("p1", Duration.ofSeconds(60));
        assertEquals(0, f.measure(frame(1_000L, 0L, null, null, Set.of()), AT).powerMilliW());
        // 500 mWh net in 1 s = 1800 W
        assertEquals(
                1_800_000,
                f.measure(frame(1_500L, 0L, null, null, Set.of()), AT + 1_000).powerMilliW());
        assertEquals(
                -7,
                f.measure(frame(1_600L, 0L, -7L, null, Set.of()), AT + 2_000).powerMilliW());
    }

    @Test
    void a_frame_without_checksum_is_signed_only_when_the_frame_before_confirms_it() {
        FrameMeasurements f = new FrameMeasurements("p1", Duration.ofSeconds(60));
        Set<StatusFlag> noCrc = Set.of(StatusFlag.NO_CHECKSUM);
        assertEquals(
                MeterReadException.Reason.IMPLAUSIBLE,
                assertThrows(MeterReadException.class, () -> f.measure(frame(5_000_000L, 0L, 1L, null, noCrc), AT))
                        .reason(),
                "nothing before it to confirm it");
        assertEquals(
                5_000_010L,
                f.measure(frame(5_000_010L, 0L, 1L, null, noCrc), AT + 10_000).importMilliWh());
        // a garbled digit: 5,000,010 -> 9,000,010 mWh in 10 s would be 1.4 MW
        assertEquals(
                MeterReadException.Reason.IMPLAUSIBLE,
                assertThrows(
                                MeterReadException.class,
                                () -> f.measure(frame(9_000_010L, 0L, 1L, null, noCrc), AT + 20_000))
                        .reason());
        // and the frame after it goes back from the garbled one: not confirmed either
        assertEquals(
                MeterReadException.Reason.IMPLAUSIBLE,
                assertThrows(
                                MeterReadException.class,
                                () -> f.measure(frame(5_000_030L, 0L, 1L, null, noCrc), AT + 30_000))
                        .reason());
        assertEquals(
                5_000_040L,
                f.measure(frame(5_000_040L, 0L, 1L, null, noCrc), AT + 40_000).importMilliWh());
        // 100 kW for 10 s is 277,777 mWh (+ 1 Wh resolution): still a household
        assertEquals(
                5_278_817L,
                f.measure(frame(5_278_817L, 0L, 1L, null, noCrc), AT + 50_000).importMilliWh());
        // a frame with a checksum is the meter's word, whatever came before
        assertEquals(
                1L, f.measure(frame(1L, 0L, 1L, null, Set.of()), AT + 60_000).importMilliWh());
    }
}
