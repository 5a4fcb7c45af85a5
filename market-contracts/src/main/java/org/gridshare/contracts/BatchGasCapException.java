package org.gridshare.contracts;

import java.math.BigInteger;
import org.gridshare.protocol.Bytes32;

/**
 * A batch whose {@code eth_estimateGas} exceeds the per-transaction gas cap: it cannot be settled in
 * one transaction and nothing was sent. The caller must split the interval's trades or shrink the batch.
 */
public final class BatchGasCapException extends ChainCallException {
    private final transient Bytes32 zone;
    private final long intervalStartMs;
    private final int participants;
    private final BigInteger estimate;
    private final long cap;

    public BatchGasCapException(
            String contract,
            Bytes32 batchId,
            Bytes32 zone,
            long intervalStartMs,
            int participants,
            BigInteger estimate,
            long cap) {
        super(
                contract,
                "submitBatch",
                "batch " + batchId + " (zone " + zone + ", interval "
                        + Long.toUnsignedString(intervalStartMs) + ", " + participants + " participants) estimates "
                        + estimate + " gas, above the per-transaction cap of " + cap,
                null);
        this.zone = zone;
        this.intervalStartMs = intervalStartMs;
        this.participants = participants;
        this.estimate = estimate;
        this.cap = cap;
    }

    public Bytes32 zone() {
        return zone;
    }

    public long intervalStartMs() {
        return intervalStartMs;
    }

    public int participants() {
        return participants;
    }

    /** The node's {@code eth_estimateGas}, before any margin. */
    public BigInteger estimate() {
        return estimate;
    }

    public long cap() {
        return cap;
    }
}
