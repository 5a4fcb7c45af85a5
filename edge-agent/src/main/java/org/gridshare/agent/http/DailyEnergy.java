package org.gridshare.agent.http;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import org.gridshare.protocol.MeterReading;

/**
 * Today's import and export from the cumulative registers: the difference between the latest reading
 * and the last reading before the local day began. A process that started during the day has no
 * reading from before midnight, so it counts from its first reading ({@link Today#sinceMs} says from
 * when). Integers throughout (mWh).
 */
public final class DailyEnergy {
    private final ZoneId zone;
    private LocalDate day;
    private long baseImport;
    private long baseExport;
    private long sinceMs;
    private MeterReading last;

    /** Today's energy so far. */
    public record Today(LocalDate date, long importMilliWh, long exportMilliWh, long sinceMs) {}

    public DailyEnergy(ZoneId zone) {
        this.zone = zone;
    }

    /** Takes a committed reading (in seq order). */
    public synchronized void accept(MeterReading r) {
        LocalDate d = Instant.ofEpochMilli(r.timeMs()).atZone(zone).toLocalDate();
        if (day == null) {
            day = d;
            baseImport = r.importMilliWh();
            baseExport = r.exportMilliWh();
            sinceMs = r.timeMs();
        } else if (d.isAfter(day)) {
            // the previous reading is the last one before the day began
            day = d;
            baseImport = last.importMilliWh();
            baseExport = last.exportMilliWh();
            sinceMs = d.atStartOfDay(zone).toInstant().toEpochMilli();
        }
        last = r;
    }

    /** The latest reading, or null before the first. */
    public synchronized MeterReading last() {
        return last;
    }

    /** Today's energy as of the latest reading, or null before the first reading. */
    public synchronized Today today() {
        if (last == null) {
            return null;
        }
        return new Today(day, last.importMilliWh() - baseImport, last.exportMilliWh() - baseExport, sinceMs);
    }
}
