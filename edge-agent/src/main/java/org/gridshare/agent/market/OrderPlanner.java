package org.gridshare.agent.market;

import java.math.BigInteger;
import java.util.Optional;
import org.gridshare.protocol.Order;

/**
 * Decides the household's one order for an interval from the forecast net energy and its limits
 * (pure, integers only):
 *
 * <ul>
 *   <li>forecast surplus above the reserve → SELL {@code forecast − reserve} at the minimum sell price;
 *   <li>forecast deficit → BUY {@code −forecast} at the maximum buy price, cut so that the worst-case
 *       spend of today's buys ({@link #worstCaseCost}) stays within the daily budget;
 *   <li>otherwise (surplus within the reserve, or no budget left) no order.
 * </ul>
 * Prices are clamped to the tariff range ({@link TradingLimits}).
 */
public final class OrderPlanner {
    private static final BigInteger MILLI_WH_PER_KWH = BigInteger.valueOf(1_000_000);
    private static final BigInteger LONG_MAX = BigInteger.valueOf(Long.MAX_VALUE);

    private OrderPlanner() {}

    /** What to place: side ({@link Order#BUY} / {@link Order#SELL}), energy (mWh, > 0) and limit price. */
    public record Plan(int side, long energyMilliWh, long limitPricePerKWh) {}

    /**
     * The order to place for an interval, or none.
     *
     * @param forecastNetMilliWh forecast export − import of the interval
     * @param spentTodayBaseUnits worst-case spend of today's open and filled buy orders so far
     */
    public static Optional<Plan> plan(long forecastNetMilliWh, TradingLimits limits, long spentTodayBaseUnits) {
        if (forecastNetMilliWh > limits.reserveMilliWh()) {
            return Optional.of(new Plan(Order.SELL, forecastNetMilliWh - limits.reserveMilliWh(), limits.sellPrice()));
        }
        if (forecastNetMilliWh >= 0) {
            return Optional.empty();
        }
        long wanted = forecastNetMilliWh == Long.MIN_VALUE ? Long.MAX_VALUE : -forecastNetMilliWh;
        long price = limits.buyPrice();
        long energy = Math.min(wanted, affordable(limits.dailyBudgetBaseUnits() - spentTodayBaseUnits, price));
        return energy > 0 ? Optional.of(new Plan(Order.BUY, energy, price)) : Optional.empty();
    }

    /** The most energy whose worst-case cost at {@code price} fits {@code remaining} base units. */
    static long affordable(long remaining, long price) {
        if (remaining <= 0 && price > 0) {
            return 0;
        }
        if (price == 0) {
            return Long.MAX_VALUE;
        }
        return BigInteger.valueOf(remaining)
                .multiply(MILLI_WH_PER_KWH)
                .divide(BigInteger.valueOf(price))
                .min(LONG_MAX)
                .longValueExact();
    }

    /**
     * What a buy of {@code energyMilliWh} at {@code pricePerKWh} can cost at most, rounded up to whole
     * base units (the settlement rounds down, so this never undercounts); saturates at Long.MAX_VALUE.
     */
    public static long worstCaseCost(long energyMilliWh, long pricePerKWh) {
        BigInteger[] qr = BigInteger.valueOf(energyMilliWh)
                .multiply(BigInteger.valueOf(pricePerKWh))
                .divideAndRemainder(MILLI_WH_PER_KWH);
        BigInteger cost = qr[1].signum() > 0 ? qr[0].add(BigInteger.ONE) : qr[0];
        return cost.min(LONG_MAX).longValueExact();
    }
}
