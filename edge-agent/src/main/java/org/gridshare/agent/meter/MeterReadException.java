package org.gridshare.agent.meter;

/**
 * A meter source has no new measurement to give: the meter fell silent, its transport is down or its
 * frame could not be read. The agent records it as {@code METER_FAILED} and signs nothing for that
 * round; a value is never repeated or guessed in its place.
 */
public final class MeterReadException extends RuntimeException {
    /** Why there is no measurement. */
    public enum Reason {
        /** No decodable frame arrived within the staleness limit. */
        STALE,
        /** The port, connection or adapter failed or is being reopened. */
        TRANSPORT,
        /** A frame or register block arrived but did not decode (see the cause). */
        DECODE,
        /** A frame decoded but lacks the registers a signed reading needs. */
        INCOMPLETE,
        /** A frame without checksum that its predecessor does not confirm (registers back or too far ahead). */
        IMPLAUSIBLE
    }

    private final Reason reason;
    private final String meter;

    /**
     * @param meter where the meter is attached ({@code /dev/ttyUSB0}, {@code 10.0.0.5:502}, a BLE address)
     */
    public MeterReadException(Reason reason, String meter, String message, Throwable cause) {
        super(reason + " " + meter + ": " + message, cause);
        this.reason = reason;
        this.meter = meter;
    }

    public MeterReadException(Reason reason, String meter, String message) {
        this(reason, meter, message, null);
    }

    public Reason reason() {
        return reason;
    }

    /** Where the meter is attached. */
    public String meter() {
        return meter;
    }
}
