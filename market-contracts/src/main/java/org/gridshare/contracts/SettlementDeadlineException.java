package org.gridshare.contracts;

import java.util.List;

/**
 * The submission deadline passed before the batch settled with its confirmations. The transactions
 * sent so far may still be mined: submitting the same batch again is safe (it checks the chain
 * first and never settles twice).
 */
public final class SettlementDeadlineException extends ChainCallException {
    private final List<String> sentTransactions;

    public SettlementDeadlineException(String contract, String message, List<String> sentTransactions) {
        super(contract, "submitBatch", message + "; sent " + sentTransactions, null);
        this.sentTransactions = List.copyOf(sentTransactions);
    }

    /** Hashes of every transaction sent for the batch, oldest first. */
    public List<String> sentTransactions() {
        return sentTransactions;
    }
}
