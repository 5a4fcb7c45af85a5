package org.gridshare.protocol;

import java.util.Objects;

/**
 * One reading as the meter reports it, signed at source with the meter key.
 *
 * <p>uint64 fields ({@code seq}, {@code timeMs}, {@code importMilliWh}, {@code exportMilliWh}) are
 * held in a long and read as UNSIGNED 64-bit (max uint64 is {@code -1L}; compare with
 * {@link Long#compareUnsigned}). {@code powerMilliW} is a signed int64 (negative = exporting).
 * {@code status} is a uint32 of {@link MeterStatus} bits. {@code prev} is the EIP-712 digest of the
 * meter's previous reading ({@link ReadingChain}), {@link Bytes32#ZERO} for the first.
 *
 * @param meter meter address (the signer)
 * @param seq strictly increasing per meter, never reused
 * @param timeMs Unix time in milliseconds, UTC, from the meter box clock
 * @param importMilliWh cumulative import register in mWh
 * @param exportMilliWh cumulative export register in mWh
 * @param powerMilliW instantaneous active power in mW, positive = import
 * @param status {@link MeterStatus} bit flags, 0..2^32-1
 * @param prev digest of the previous reading of this meter
 */
public record MeterReading(
        Address meter,
        long seq,
        long timeMs,
        long importMilliWh,
        long exportMilliWh,
        long powerMilliW,
        long status,
        Bytes32 prev)
        implements TypedMessage {
    public static final String PRIMARY_TYPE = "MeterReading";
    public static final String TYPE = "MeterReading(address meter,uint64 seq,uint64 timeMs,uint64 importMilliWh,"
            + "uint64 exportMilliWh,int64 powerMilliW,uint32 status,bytes32 prev)";
    private static final byte[] TYPE_HASH = StructEncoder.typeHash(TYPE);

    public MeterReading {
        Objects.requireNonNull(meter, "meter");
        Objects.requireNonNull(prev, "prev");
        if (status < 0 || status > 0xFFFF_FFFFL) {
            throw new MalformedValueException("status", -1, "uint32 out of range: " + status);
        }
    }

    @Override
    public String primaryType() {
        return PRIMARY_TYPE;
    }

    @Override
    public Bytes32 structHash() {
        return new StructEncoder(TYPE_HASH, 8)
                .address(meter)
                .uint(seq)
                .uint(timeMs)
                .uint(importMilliWh)
                .uint(exportMilliWh)
                .int64(powerMilliW)
                .uint(status)
                .bytes32(prev)
                .hash();
    }

    @Override
    public String toString() {
        return "MeterReading[meter=" + meter + ", seq=" + Long.toUnsignedString(seq)
                + ", timeMs=" + Long.toUnsignedString(timeMs)
                + ", importMilliWh=" + Long.toUnsignedString(importMilliWh)
                + ", exportMilliWh=" + Long.toUnsignedString(exportMilliWh)
                + ", powerMilliW=" + powerMilliW + ", status=" + status + ", prev=" + prev + "]";
    }
}
