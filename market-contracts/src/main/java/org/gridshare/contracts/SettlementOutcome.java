package org.gridshare.contracts;

import java.util.Objects;
import org.gridshare.protocol.Bytes32;

/**
 * How a {@link SettlementSubmitter#submit} ended.
 *
 * @param status what happened
 * @param batchId the batch id, {@code keccak256(abi.encode(zone, uint64 intervalStartMs))}
 * @param txHash the settling transaction ({@code 0x} hex): ours for {@link Status#SETTLED}, the one
 *     found in the {@code BatchSettled} event for {@link Status#ALREADY_SETTLED} ({@code null} when no
 *     event was found in the searched range), ours for {@link Status#REVERTED} when it was mined,
 *     {@code null} when the revert was found before sending
 * @param blockNumber block of {@code txHash}, -1 when unknown
 * @param gasUsed gas used by our transaction ({@link Status#SETTLED}, a mined revert), else 0
 * @param confirmedAtBlock the latest block when the confirmations were counted ({@link Status#SETTLED}), else -1
 * @param revert the decoded revert ({@link Status#REVERTED} only), else {@code null}
 */
public record SettlementOutcome(
        Status status,
        Bytes32 batchId,
        String txHash,
        long blockNumber,
        long gasUsed,
        long confirmedAtBlock,
        RevertReason revert) {

    /** The three ways a submission ends without an exception. */
    public enum Status {
        /** Our transaction settled the batch and has the required confirmations. */
        SETTLED,
        /** The batch was settled before us (an earlier run, another process or a racing submitter); nothing was sent, or ours lost the race. */
        ALREADY_SETTLED,
        /** The contract rejects the batch; it is not retried. */
        REVERTED
    }

    public SettlementOutcome {
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(batchId, "batchId");
        if (status == Status.REVERTED) {
            Objects.requireNonNull(revert, "revert");
        }
    }

    /** The Solidity custom error of a {@link Status#REVERTED} outcome, else {@code null}. */
    public String errorName() {
        return revert == null ? null : revert.name();
    }

    /** True for {@link Status#SETTLED} and {@link Status#ALREADY_SETTLED}: the batch is settled on-chain. */
    public boolean settled() {
        return status != Status.REVERTED;
    }

    static SettlementOutcome settled(Bytes32 id, String tx, long block, long gasUsed, long confirmedAt) {
        return new SettlementOutcome(Status.SETTLED, id, tx, block, gasUsed, confirmedAt, null);
    }

    static SettlementOutcome alreadySettled(Bytes32 id, String tx, long block) {
        return new SettlementOutcome(Status.ALREADY_SETTLED, id, tx, block, 0, -1, null);
    }

    static SettlementOutcome reverted(Bytes32 id, String tx, long block, long gasUsed, RevertReason reason) {
        return new SettlementOutcome(Status.REVERTED, id, tx, block, gasUsed, -1, reason);
    }
}
