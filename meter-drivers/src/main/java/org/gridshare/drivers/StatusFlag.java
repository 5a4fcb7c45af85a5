package org.gridshare.drivers;

/** Conditions a frame reports about the meter or about how far the frame can be trusted. */
public enum StatusFlag {
    /** The frame carries no checksum (DSMR 2.2/3, IEC mode without BCC): integrity unchecked. */
    NO_CHECKSUM,
    /** The meter's timestamp is in daylight saving time (DSMR "S"). */
    DAYLIGHT_SAVING_TIME,
    /** The meter's clock is not synchronised or its timestamp has no zone. */
    CLOCK_UNSYNCHRONISED,
    /** The meter reports an internal error (SML status word, IEC F.F not zero). */
    METER_ERROR,
    /** The meter's breaker or switch reports "disconnected" (DSMR 0-0:96.3.10 = 0). */
    DISCONNECTED,
    /** The frame was decrypted and its authentication tag verified (Smarty, BTHome). */
    AUTHENTICATED
}
