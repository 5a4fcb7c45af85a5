package org.gridshare.protocol;

/**
 * The tamper-evident chain of a meter's readings: the {@code prev} of the next reading is the
 * EIP-712 digest of this one; the first reading of a meter key has {@code prev = Bytes32.ZERO}.
 */
public final class ReadingChain {
    private ReadingChain() {}

    /** The value the next reading's {@code prev} must carry. */
    public static Bytes32 link(Eip712Domain domain, MeterReading reading) {
        return Eip712.digest(domain, reading);
    }

    /**
     * True when {@code next} directly follows {@code previous}: same meter, {@code seq} strictly
     * greater (unsigned) and {@code next.prev()} equal to {@link #link} of {@code previous}.
     */
    public static boolean follows(Eip712Domain domain, MeterReading previous, MeterReading next) {
        return previous.meter().equals(next.meter())
                && Long.compareUnsigned(next.seq(), previous.seq()) > 0
                && next.prev().equals(link(domain, previous));
    }
}
