package org.gridshare.backend.market.settlement;

import java.math.BigInteger;
import org.gridshare.backend.auction.Payments;
import org.gridshare.backend.market.chain.Tariffs;

/**
 * A participant's money change in a settled batch, exactly as {@code EnergyMarket._amounts} computes
 * it, with {@code pay(e, p) = floor(e × p / 1,000,000)} ({@link Payments#paymentBaseUnits}):
 * a seller gets {@code pay(delivered, P) − pay(fill − delivered, retail − P)}, a buyer pays
 * {@code pay(delivered, P) + pay(delivered, gridFee) + pay(fill − delivered, P − feedIn)}.
 */
public final class NetAmounts {
    private NetAmounts() {}

    /** Energy counted as delivered: min(fill, metered), metered read unsigned. */
    public static long delivered(long fillMilliWh, long meteredMilliWh) {
        return Long.compareUnsigned(fillMilliWh, meteredMilliWh) <= 0 ? fillMilliWh : meteredMilliWh;
    }

    /**
     * The net change (credit − debit) in token base units.
     *
     * @param sell true for a seller (metered = exported energy), false for a buyer (metered = imported)
     * @param price the batch's clearing price per kWh, within the tariffs
     */
    public static BigInteger net(boolean sell, long fillMilliWh, long meteredMilliWh, long price, Tariffs tariffs) {
        if (price < tariffs.feedIn() || price > tariffs.retail()) {
            throw new IllegalArgumentException(
                    "price " + price + " outside the tariffs [" + tariffs.feedIn() + ", " + tariffs.retail() + "]");
        }
        long delivered = delivered(fillMilliWh, meteredMilliWh);
        long shortfall = fillMilliWh - delivered;
        if (sell) {
            return BigInteger.valueOf(Payments.paymentBaseUnits(delivered, price))
                    .subtract(BigInteger.valueOf(Payments.paymentBaseUnits(shortfall, tariffs.retail() - price)));
        }
        return BigInteger.valueOf(Payments.paymentBaseUnits(delivered, price))
                .add(BigInteger.valueOf(Payments.paymentBaseUnits(delivered, tariffs.gridFee())))
                .add(BigInteger.valueOf(Payments.paymentBaseUnits(shortfall, price - tariffs.feedIn())))
                .negate();
    }
}
