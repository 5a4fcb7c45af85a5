package org.gridshare.backend.market.settlement;

import java.math.BigInteger;
import java.util.List;
import org.gridshare.contracts.SettlementBatch;

/** What {@link BatchBuilder} makes of a cleared book: a batch ready to submit, or held for statements. */
public sealed interface BatchPlan {
    /**
     * Every participant has its statement.
     *
     * @param fingerprint the statement digests used, to tell a new attempt from a repeated one
     */
    record Ready(SettlementBatch batch, List<Part> parts, String fingerprint) implements BatchPlan {}

    /** Statements are missing for these accounts (ascending); nothing may be submitted. */
    record Held(List<String> missingAccounts) implements BatchPlan {}

    /**
     * One participant as the contract will settle it.
     *
     * @param meteredMilliWh exported energy for a seller, imported for a buyer, from the statement
     * @param net credit − debit, as the contract computes it
     */
    record Part(
            String account,
            String zone,
            String meter,
            String orderDigest,
            int side,
            long filledMilliWh,
            long meteredMilliWh,
            long deliveredMilliWh,
            BigInteger net) {}
}
