package org.gridshare.agent.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import org.gridshare.protocol.Address;
import org.gridshare.protocol.Bytes32;
import org.gridshare.protocol.MeterReading;
import org.junit.jupiter.api.Test;

class DailyEnergyTest {
    private static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");
    private static final Address METER = Address.fromHex("0x00000000000000000000000000000000000000aa");

    private static MeterReading at(long seq, String localTime, long imp, long exp) {
        long ms = ZonedDateTime.of(java.time.LocalDateTime.parse(localTime), BERLIN)
                .toInstant()
                .toEpochMilli();
        return new MeterReading(METER, seq, ms, imp, exp, 0, 0, Bytes32.ZERO);
    }

    @Test
    void counts_from_the_last_reading_before_local_midnight() {
        DailyEnergy d = new DailyEnergy(BERLIN);
        assertNull(d.today());
        d.accept(at(1, "2026-11-24T22:00:00", 1_000, 50));
        d.accept(at(2, "2026-11-24T23:59:59", 1_500, 60));
        assertEquals(500, d.today().importMilliWh(), "since the first reading of a process started mid-day");
        d.accept(at(3, "2026-11-25T00:00:01", 1_510, 60));
        d.accept(at(4, "2026-11-25T08:00:00", 4_000, 900));
        DailyEnergy.Today t = d.today();
        assertEquals(LocalDate.of(2026, 11, 25), t.date());
        assertEquals(2_500, t.importMilliWh());
        assertEquals(840, t.exportMilliWh());
        assertEquals(
                ZonedDateTime.of(2026, 11, 25, 0, 0, 0, 0, BERLIN).toInstant().toEpochMilli(), t.sinceMs());
    }
}
