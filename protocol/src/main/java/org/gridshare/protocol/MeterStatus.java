package org.gridshare.protocol;

/**
 * Bit flags of {@link MeterReading#status()} (uint32). Unassigned bits are reserved: signers write
 * them as 0; verifiers keep them (they are signed) and must not treat them as errors.
 */
public final class MeterStatus {
    /** No flag set: the meter reported a valid reading with a synchronised clock. */
    public static final long OK = 0;
    /** Bit 0: the meter or its driver reported an error; the registers may be unreliable. */
    public static final long METER_ERROR = 1;
    /** Bit 1: the box clock was not synchronised (NTP/GNSS) when {@code timeMs} was taken. */
    public static final long CLOCK_UNSYNCHRONISED = 2;
    /** Bit 2: the box clock stepped backwards since the previous reading; {@code timeMs} may not be monotonic. */
    public static final long CLOCK_STEPPED_BACK = 4;

    private MeterStatus() {}

    /** True when every bit of {@code flag} is set in {@code status}. */
    public static boolean has(long status, long flag) {
        return (status & flag) == flag;
    }
}
