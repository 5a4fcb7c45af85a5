package org.gridshare.protocol;

import java.util.Objects;

/**
 * What a meter attests for one market interval; the only metering the contract sees. All long
 * fields except {@code intervalSeconds} are uint64 read as UNSIGNED; {@code intervalSeconds} is a
 * uint32 (0..2^32-1, checked).
 *
 * @param meter meter address (the signer)
 * @param intervalStartMs interval start, Unix ms UTC
 * @param intervalSeconds interval length in seconds
 * @param importStart import register (mWh) at the interval start
 * @param importEnd import register (mWh) at the interval end
 * @param exportStart export register (mWh) at the interval start
 * @param exportEnd export register (mWh) at the interval end
 * @param firstSeq seq of the first reading used
 * @param lastSeq seq of the last reading used
 * @param readingsRoot root committing to the readings of the interval
 */
public record IntervalStatement(
        Address meter,
        long intervalStartMs,
        long intervalSeconds,
        long importStart,
        long importEnd,
        long exportStart,
        long exportEnd,
        long firstSeq,
        long lastSeq,
        Bytes32 readingsRoot)
        implements TypedMessage {
    public static final String PRIMARY_TYPE = "IntervalStatement";
    public static final String TYPE = "IntervalStatement(address meter,uint64 intervalStartMs,uint32 intervalSeconds,"
            + "uint64 importStart,uint64 importEnd,uint64 exportStart,uint64 exportEnd,uint64 firstSeq,"
            + "uint64 lastSeq,bytes32 readingsRoot)";
    private static final byte[] TYPE_HASH = StructEncoder.typeHash(TYPE);

    public IntervalStatement {
        Objects.requireNonNull(meter, "meter");
        Objects.requireNonNull(readingsRoot, "readingsRoot");
        if (intervalSeconds < 0 || intervalSeconds > 0xFFFF_FFFFL) {
            throw new MalformedValueException("intervalSeconds", -1, "uint32 out of range: " + intervalSeconds);
        }
    }

    @Override
    public String primaryType() {
        return PRIMARY_TYPE;
    }

    @Override
    public Bytes32 structHash() {
        return new StructEncoder(TYPE_HASH, 10)
                .address(meter)
                .uint(intervalStartMs)
                .uint(intervalSeconds)
                .uint(importStart)
                .uint(importEnd)
                .uint(exportStart)
                .uint(exportEnd)
                .uint(firstSeq)
                .uint(lastSeq)
                .bytes32(readingsRoot)
                .hash();
    }

    @Override
    public String toString() {
        return "IntervalStatement[meter=" + meter + ", intervalStartMs=" + Long.toUnsignedString(intervalStartMs)
                + ", intervalSeconds=" + intervalSeconds
                + ", importStart=" + Long.toUnsignedString(importStart)
                + ", importEnd=" + Long.toUnsignedString(importEnd)
                + ", exportStart=" + Long.toUnsignedString(exportStart)
                + ", exportEnd=" + Long.toUnsignedString(exportEnd)
                + ", firstSeq=" + Long.toUnsignedString(firstSeq)
                + ", lastSeq=" + Long.toUnsignedString(lastSeq) + ", readingsRoot=" + readingsRoot + "]";
    }
}
