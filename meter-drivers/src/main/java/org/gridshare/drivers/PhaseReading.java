package org.gridshare.drivers;

/**
 * Instantaneous values of one phase (1, 2 or 3), each null when the meter did not send it. Integers in
 * milli-units; finer fractions are cut toward zero.
 */
public record PhaseReading(
        int phase, Long voltageMilliV, Long currentMilliA, Long importPowerMilliW, Long exportPowerMilliW) {

    /** True when no value is present. */
    public boolean isEmpty() {
        return voltageMilliV == null && currentMilliA == null && importPowerMilliW == null && exportPowerMilliW == null;
    }
}
