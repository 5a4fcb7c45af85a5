package org.gridshare.agent.market;

import java.math.BigInteger;

/**
 * One order the agent signed, as kept in the outbox database, with what the backend said about it.
 * {@code status}: {@code sent} (no verdict yet), {@code accepted} or {@code rejected} (reason, code,
 * detail). {@code filledMilliWh}/{@code clearingPricePerKWh} are null until the fill arrives,
 * {@code netBaseUnits}/{@code deliveredMilliWh}/{@code txHash} until the settlement does.
 */
// a row of the outbox: never compared or hashed
@SuppressWarnings("ArrayRecordComponent")
public record PlacedOrder(
        long intervalStartMs,
        long nonce,
        String digest,
        int side,
        long energyMilliWh,
        long limitPricePerKWh,
        long expiryMs,
        long forecastNetMilliWh,
        byte[] payload,
        long createdAtMs,
        String status,
        String reason,
        Integer code,
        String detail,
        Long filledMilliWh,
        Long clearingPricePerKWh,
        BigInteger netBaseUnits,
        Long deliveredMilliWh,
        String txHash,
        Long blockNumber) {
    public static final String SENT = "sent";
    public static final String ACCEPTED = "accepted";
    public static final String REJECTED = "rejected";

    /** Not rejected and not yet cleared: still in the book as far as the household knows. */
    public boolean open() {
        return !status.equals(REJECTED) && filledMilliWh == null;
    }

    /** The worst-case spend this order stands for against the daily budget (0 for sells and refused orders). */
    public long worstCaseSpend() {
        if (side != org.gridshare.protocol.Order.BUY || status.equals(REJECTED)) {
            return 0;
        }
        return OrderPlanner.worstCaseCost(filledMilliWh == null ? energyMilliWh : filledMilliWh, limitPricePerKWh);
    }
}
