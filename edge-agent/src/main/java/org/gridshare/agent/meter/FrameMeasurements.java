package org.gridshare.agent.meter;

import java.time.Duration;
import java.time.OffsetDateTime;
import org.gridshare.drivers.NormalizedReading;
import org.gridshare.drivers.StatusFlag;
import org.gridshare.protocol.MeterStatus;

/**
 * Turns one decoded frame into a {@link Measurement}: the meter's own cumulative registers exactly as
 * decoded (mWh), its power, and the status bits a signed reading carries. Pure apart from the state of
 * the previous frame (for registers that must stay present and for power when the frame has none).
 *
 * <ul>
 *   <li>{@link StatusFlag#METER_ERROR} → {@link MeterStatus#METER_ERROR}.
 *   <li>A frame with a zoned meter timestamp (DSMR 4/5, Smarty: clocks the grid operator keeps in
 *       sync) that differs from the box clock by more than {@code maxClockSkew} →
 *       {@link MeterStatus#CLOCK_UNSYNCHRONISED}: one of the two clocks is wrong, so the signed time
 *       cannot be trusted to that precision. The meter's own "no zone / not synchronised" flag says
 *       nothing about the box clock and is not mapped.
 *   <li>No import register → no measurement ({@link MeterReadException.Reason#INCOMPLETE}). No export
 *       register on a meter that never sent one → 0 (an import-only meter); once an export register
 *       was seen, a frame without it is incomplete rather than a drop to 0.
 *   <li>No power value → the exact average since the previous frame (as for S0), 0 for the first.
 *   <li>A frame without checksum ({@link StatusFlag#NO_CHECKSUM}: DSMR 2.2/3, IEC mode D) is signed only
 *       when the frame received before it confirms it: no register went back, and the registers grew
 *       by no more than {@value #NO_CHECKSUM_MAX_POWER_MILLIW} mW over the time between them (plus 1 Wh
 *       of register resolution). A garbled digit costs that frame and the next one; the first frame
 *       after a start waits for a second ({@link MeterReadException.Reason#IMPLAUSIBLE}).
 * </ul>
 * Not thread-safe: one instance per source, fed in frame order.
 */
public final class FrameMeasurements {
    /** The most power a household connection can draw or feed in, for cross-checking frames without checksum. */
    public static final long NO_CHECKSUM_MAX_POWER_MILLIW = 100_000_000L;

    private final String meter;
    private final Duration maxClockSkew;
    private boolean exportSeen;
    private long lastNetMilliWh;
    private long lastMs = Long.MIN_VALUE;
    private long prevImport = -1;
    private long prevExport;
    private long prevMs;

    public FrameMeasurements(String meter, Duration maxClockSkew) {
        this.meter = meter;
        this.maxClockSkew = maxClockSkew;
    }

    /**
     * The measurement of {@code r}, received at {@code receivedMs} by the box clock.
     *
     * @throws MeterReadException INCOMPLETE when the frame lacks a register a signed reading needs
     */
    public Measurement measure(NormalizedReading r, long receivedMs) {
        if (r.importMilliWh() == null) {
            throw new MeterReadException(
                    MeterReadException.Reason.INCOMPLETE,
                    meter,
                    r.protocol() + " frame without an import register (1-0:1.8.x)");
        }
        if (r.exportMilliWh() == null && exportSeen) {
            throw new MeterReadException(
                    MeterReadException.Reason.INCOMPLETE,
                    meter,
                    r.protocol() + " frame without the export register (1-0:2.8.x) the meter sent before");
        }
        exportSeen |= r.exportMilliWh() != null;
        long imp = r.importMilliWh();
        long exp = r.exportMilliWh() == null ? 0 : r.exportMilliWh();
        long confirmedBy = prevImport;
        long prevExp = prevExport;
        long prevAt = prevMs;
        prevImport = imp;
        prevExport = exp;
        prevMs = receivedMs;
        if (r.status().contains(StatusFlag.NO_CHECKSUM)) {
            crossCheck(r.protocol(), imp, exp, receivedMs, confirmedBy, prevExp, prevAt);
        }
        long net = imp - exp;
        long power;
        if (r.powerMilliW() != null) {
            power = r.powerMilliW();
        } else if (lastMs != Long.MIN_VALUE && receivedMs > lastMs) {
            power = Math.multiplyExact(net - lastNetMilliWh, 3_600_000L) / (receivedMs - lastMs);
        } else {
            power = 0;
        }
        lastNetMilliWh = net;
        lastMs = receivedMs;
        return new Measurement(imp, exp, power, status(r, receivedMs, maxClockSkew));
    }

    private void crossCheck(String protocol, long imp, long exp, long at, long prevImp, long prevExp, long prevAt) {
        if (prevImp < 0) {
            throw new MeterReadException(
                    MeterReadException.Reason.IMPLAUSIBLE,
                    meter,
                    protocol + " frame without checksum and none before it to confirm it");
        }
        if (imp < prevImp || exp < prevExp) {
            throw new MeterReadException(
                    MeterReadException.Reason.IMPLAUSIBLE,
                    meter,
                    protocol
                            + " frame without checksum has a register below the frame before it (import " + prevImp
                            + " -> " + imp
                            + ", export " + prevExp + " -> " + exp + " mWh)");
        }
        long limit = Math.max(0, at - prevAt) * (NO_CHECKSUM_MAX_POWER_MILLIW / 1000) / 3_600 + 1_000;
        if ((imp - prevImp) + (exp - prevExp) > limit) {
            throw new MeterReadException(
                    MeterReadException.Reason.IMPLAUSIBLE,
                    meter,
                    protocol
                            + " frame without checksum moved its registers by " + ((imp - prevImp) + (exp - prevExp))
                            + " mWh in "
                            + (at - prevAt) + " ms (at most " + limit + ")");
        }
    }

    /** The signed status bits for {@code r} received at {@code receivedMs}. */
    static long status(NormalizedReading r, long receivedMs, Duration maxClockSkew) {
        long status = MeterStatus.OK;
        if (r.status().contains(StatusFlag.METER_ERROR)) {
            status |= MeterStatus.METER_ERROR;
        }
        OffsetDateTime t = r.timestamp();
        if (t != null && Math.abs(t.toInstant().toEpochMilli() - receivedMs) > maxClockSkew.toMillis()) {
            status |= MeterStatus.CLOCK_UNSYNCHRONISED;
        }
        return status;
    }
}
