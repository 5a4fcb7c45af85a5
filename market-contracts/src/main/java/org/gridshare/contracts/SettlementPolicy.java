package org.gridshare.contracts;

import java.time.Duration;
import java.util.Objects;

/**
 * How {@link SettlementSubmitter} sends and waits.
 *
 * @param gasMarginPercent added to {@code eth_estimateGas} for the gas limit: the estimate is exact for
 *     the state it ran on, and the batch's cold/warm slots may differ by the time it is mined
 * @param gasCap per-transaction gas cap; an estimate above it is refused, a limit above it is cut to it
 * @param feeBumpPercent raise of every fee field when a dropped transaction is sent again (nodes
 *     accept a replacement only from +10%)
 * @param confirmations blocks from the settling one to the latest, the settling one included, before
 *     {@code SETTLED} is returned (1 = mined)
 * @param dropTimeout how long a sent transaction may be absent from the node (no transaction, no
 *     receipt) before it counts as dropped and is sent again with the same nonce
 * @param deadline how long one {@code submit} may take in all
 * @param pollInterval pause between polls of the node
 * @param legacyTransactions send type-0 transactions priced by {@code eth_gasPrice} even when the chain
 *     has a base fee (for nodes or relays that refuse EIP-1559 transactions); without a base fee the
 *     submitter sends them anyway
 */
public record SettlementPolicy(
        int gasMarginPercent,
        long gasCap,
        int feeBumpPercent,
        int confirmations,
        Duration dropTimeout,
        Duration deadline,
        Duration pollInterval,
        boolean legacyTransactions) {

    /** Margin over the estimate: 20%. */
    public static final int DEFAULT_GAS_MARGIN_PERCENT = 20;
    /** Fee bump on resubmission: 20% (two bumps clear the +10% rule even after integer rounding). */
    public static final int DEFAULT_FEE_BUMP_PERCENT = 20;
    /**
     * Production confirmations: 3. On a proof-of-stake chain a block is final after two epochs
     * (about 13 minutes); on the permissioned QBFT chain of the design a block is final at once,
     * and 3 blocks only guard against a client serving a stale head.
     */
    public static final int PRODUCTION_CONFIRMATIONS = 3;

    /** EIP-1559 transactions whenever the chain has a base fee. */
    public SettlementPolicy(
            int gasMarginPercent,
            long gasCap,
            int feeBumpPercent,
            int confirmations,
            Duration dropTimeout,
            Duration deadline,
            Duration pollInterval) {
        this(gasMarginPercent, gasCap, feeBumpPercent, confirmations, dropTimeout, deadline, pollInterval, false);
    }

    public SettlementPolicy {
        Objects.requireNonNull(dropTimeout, "dropTimeout");
        Objects.requireNonNull(deadline, "deadline");
        Objects.requireNonNull(pollInterval, "pollInterval");
        if (gasMarginPercent < 0 || gasMarginPercent > 100) {
            throw new IllegalArgumentException("gasMarginPercent must be 0..100, got " + gasMarginPercent);
        }
        if (gasCap <= 21_000) {
            throw new IllegalArgumentException("gasCap must exceed 21000, got " + gasCap);
        }
        if (feeBumpPercent < 10) {
            throw new IllegalArgumentException(
                    "feeBumpPercent must be at least 10 (nodes refuse smaller replacements), got " + feeBumpPercent);
        }
        if (confirmations < 1) {
            throw new IllegalArgumentException("confirmations must be at least 1, got " + confirmations);
        }
        if (dropTimeout.isNegative() || deadline.isNegative() || pollInterval.isNegative() || pollInterval.isZero()) {
            throw new IllegalArgumentException("durations must be non-negative and pollInterval positive");
        }
    }

    /**
     * Production defaults: 20% gas margin, the 16,777,216 cap, 20% fee bump, {@value #PRODUCTION_CONFIRMATIONS}
     * confirmations, a transaction missing for 60 s is dropped, 10 minutes in all, poll every second.
     */
    public static SettlementPolicy production() {
        return new SettlementPolicy(
                DEFAULT_GAS_MARGIN_PERCENT,
                MarketClient.TX_GAS_CAP,
                DEFAULT_FEE_BUMP_PERCENT,
                PRODUCTION_CONFIRMATIONS,
                Duration.ofSeconds(60),
                Duration.ofMinutes(10),
                Duration.ofSeconds(1));
    }

    /** A local dev chain (anvil): 1 confirmation, dropped after 1 s, 60 s in all, poll every 50 ms. */
    public static SettlementPolicy devChain() {
        return new SettlementPolicy(
                DEFAULT_GAS_MARGIN_PERCENT,
                MarketClient.TX_GAS_CAP,
                DEFAULT_FEE_BUMP_PERCENT,
                1,
                Duration.ofSeconds(1),
                Duration.ofSeconds(60),
                Duration.ofMillis(50));
    }

    public SettlementPolicy withConfirmations(int n) {
        return new SettlementPolicy(
                gasMarginPercent, gasCap, feeBumpPercent, n, dropTimeout, deadline, pollInterval, legacyTransactions);
    }

    public SettlementPolicy withGasCap(long cap) {
        return new SettlementPolicy(
                gasMarginPercent,
                cap,
                feeBumpPercent,
                confirmations,
                dropTimeout,
                deadline,
                pollInterval,
                legacyTransactions);
    }

    public SettlementPolicy withDropTimeout(Duration d) {
        return new SettlementPolicy(
                gasMarginPercent, gasCap, feeBumpPercent, confirmations, d, deadline, pollInterval, legacyTransactions);
    }

    public SettlementPolicy withDeadline(Duration d) {
        return new SettlementPolicy(
                gasMarginPercent,
                gasCap,
                feeBumpPercent,
                confirmations,
                dropTimeout,
                d,
                pollInterval,
                legacyTransactions);
    }

    /** The same policy sending legacy (type-0, {@code gasPrice}) transactions when {@code legacy}. */
    public SettlementPolicy withLegacyTransactions(boolean legacy) {
        return new SettlementPolicy(
                gasMarginPercent, gasCap, feeBumpPercent, confirmations, dropTimeout, deadline, pollInterval, legacy);
    }
}
