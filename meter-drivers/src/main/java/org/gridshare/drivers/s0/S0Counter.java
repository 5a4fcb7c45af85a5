package org.gridshare.drivers.s0;

/**
 * Debounced S0 (EN 62053-31) pulse counter. Pure: no GPIO, no clock; the caller passes a monotonic
 * timestamp with every edge.
 *
 * <p>A pulse is counted on a rising edge (low to high) unless it comes within {@code debounceNanos} of
 * the last counted pulse; contact bounce therefore never counts twice. A second "high" without a "low"
 * in between is not an edge and is ignored. Thread-safe: edges may arrive on a GPIO event thread while
 * another thread reads {@link #pulses()}.
 *
 * <p>Restarts: the owner persists {@link #pulses()} and passes it back as {@code initialPulses}.
 */
public final class S0Counter {

    /** Largest accepted impulse constant; keeps {@link #importMilliWh()} free of overflow. */
    public static final long MAX_IMPULSES_PER_KWH = 1_000_000_000L;

    private static final long MILLI_WH_PER_KWH = 1_000_000L;

    private final long impulsesPerKWh;
    private final long debounceNanos;
    private long pulses;
    private boolean high;
    private boolean counted;
    private long lastCountedNanos;

    /**
     * @param impulsesPerKWh the meter's impulse constant (printed on the meter, e.g. 1000 imp/kWh), 1 to
     *     {@value #MAX_IMPULSES_PER_KWH}
     * @param debounceNanos minimum time between two counted pulses, {@code >= 0}
     * @param initialPulses the count persisted before the last restart, {@code >= 0}
     */
    public S0Counter(long impulsesPerKWh, long debounceNanos, long initialPulses) {
        if (impulsesPerKWh < 1 || impulsesPerKWh > MAX_IMPULSES_PER_KWH) {
            throw new IllegalArgumentException(
                    "impulsesPerKWh must be 1.." + MAX_IMPULSES_PER_KWH + ": " + impulsesPerKWh);
        }
        if (debounceNanos < 0) {
            throw new IllegalArgumentException("debounceNanos must be >= 0: " + debounceNanos);
        }
        if (initialPulses < 0) {
            throw new IllegalArgumentException("initialPulses must be >= 0: " + initialPulses);
        }
        this.impulsesPerKWh = impulsesPerKWh;
        this.debounceNanos = debounceNanos;
        this.pulses = initialPulses;
    }

    /**
     * Feeds one observed level change.
     *
     * @param high the new level of the S0 line
     * @param monotonicNanos a {@link System#nanoTime()}-like timestamp (differences matter, not values)
     * @return true when this edge was counted as a pulse
     */
    public synchronized boolean onEdge(boolean high, long monotonicNanos) {
        boolean rising = high && !this.high;
        this.high = high;
        if (!rising) {
            return false;
        }
        // subtraction, not comparison, so a wrapping nanoTime still debounces correctly
        if (counted && monotonicNanos - lastCountedNanos < debounceNanos) {
            return false;
        }
        counted = true;
        lastCountedNanos = monotonicNanos;
        pulses = Math.addExact(pulses, 1);
        return true;
    }

    /**
     * Records the line's current level without counting, e.g. when a transport opens while a pulse is
     * in progress: that pulse's rising edge happened before this process watched the line.
     */
    public synchronized void observeLevel(boolean high) {
        this.high = high;
    }

    /** Pulses counted so far, including {@code initialPulses}. */
    public synchronized long pulses() {
        return pulses;
    }

    /** The impulse constant this counter was built with. */
    public long impulsesPerKWh() {
        return impulsesPerKWh;
    }

    /**
     * Imported energy in milliwatt-hours: {@code floor(pulses * 1_000_000 / impulsesPerKWh)}, computed in
     * exact integer arithmetic (no overflow for any pulse count, no floating point). With 800 imp/kWh one
     * pulse is exactly 1250 mWh; with 3 imp/kWh the fraction is cut, never rounded up.
     */
    public long importMilliWh() {
        long p = pulses();
        // split so that p * 1e6 never overflows: the remainder term is < impulsesPerKWh * 1e6 <= 1e15
        long whole = p / impulsesPerKWh;
        long rest = p % impulsesPerKWh;
        return Math.addExact(Math.multiplyExact(whole, MILLI_WH_PER_KWH), rest * MILLI_WH_PER_KWH / impulsesPerKWh);
    }
}
