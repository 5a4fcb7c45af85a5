package org.gridshare.protocol.downlink;

import java.util.Objects;
import org.gridshare.protocol.Bytes32;
import org.gridshare.protocol.Order;

/**
 * An accepted order's fill at clearing ({@code "type":"fill"}; 0 mWh when unfilled), at the uniform
 * clearing price (docs/protocol.md, "Fill").
 *
 * @param side {@link Order#BUY} or {@link Order#SELL} (on the wire {@code "buy"} / {@code "sell"})
 * @param energyMilliWh the order's energy, so the agent can check the fill is about its order
 */
public record Fill(
        Bytes32 orderDigest,
        long intervalStartMs,
        int side,
        long energyMilliWh,
        long filledMilliWh,
        long clearingPricePerKWh)
        implements FillsMessage {
    public Fill {
        Objects.requireNonNull(orderDigest, "orderDigest");
        if (side != Order.BUY && side != Order.SELL) {
            throw new IllegalArgumentException("side " + side + " is neither buy (0) nor sell (1)");
        }
    }

    /** The side's wire name. */
    public String sideName() {
        return side == Order.BUY ? "buy" : "sell";
    }
}
