package org.gridshare.drivers.capture;

import java.util.Arrays;
import java.util.Optional;

/** The meter protocols a capture file can hold, by the names installers type. */
public enum CaptureProtocol {
    DSMR("dsmr"),
    SML("sml"),
    IEC62056_21("iec62056-21"),
    BTHOME("bthome");

    private final String label;

    CaptureProtocol(String label) {
        this.label = label;
    }

    /** The name as typed and printed ({@code dsmr}, {@code sml}, {@code iec62056-21}, {@code bthome}). */
    public String label() {
        return label;
    }

    /** The protocol called {@code label}, if there is one. */
    public static Optional<CaptureProtocol> named(String label) {
        return Arrays.stream(values()).filter(p -> p.label.equals(label)).findFirst();
    }

    @Override
    public String toString() {
        return label;
    }
}
