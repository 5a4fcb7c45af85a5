package org.gridshare.agent.market;

/**
 * The household's limits for trading, prices in settlement-token base units per kWh, energy in mWh,
 * money in base units. The market accepts limits only within [feed-in tariff, retail tariff], so the
 * household's prices are clamped into that range ({@link #sellPrice()}, {@link #buyPrice()}).
 *
 * @param minSellPricePerKWh never sell below this
 * @param maxBuyPricePerKWh never buy above this
 * @param dailyBudgetBaseUnits worst-case spend on buy orders per local day
 * @param reserveMilliWh surplus per interval the household keeps for itself (never offered)
 * @param feedInTariff the market's lowest allowed limit
 * @param retailTariff the market's highest allowed limit
 */
public record TradingLimits(
        long minSellPricePerKWh,
        long maxBuyPricePerKWh,
        long dailyBudgetBaseUnits,
        long reserveMilliWh,
        long feedInTariff,
        long retailTariff) {

    public TradingLimits {
        if (minSellPricePerKWh < 0
                || maxBuyPricePerKWh < 0
                || dailyBudgetBaseUnits < 0
                || reserveMilliWh < 0
                || feedInTariff < 0
                || retailTariff < 0) {
            throw new IllegalArgumentException("trading limits must not be negative: " + this);
        }
        if (feedInTariff > retailTariff) {
            throw new IllegalArgumentException(
                    "feed-in tariff " + feedInTariff + " is above the retail tariff " + retailTariff);
        }
    }

    /** The sell limit: the minimum sell price clamped to the tariffs. */
    public long sellPrice() {
        return Math.min(Math.max(minSellPricePerKWh, feedInTariff), retailTariff);
    }

    /** The buy limit: the maximum buy price clamped to the tariffs. */
    public long buyPrice() {
        return Math.min(Math.max(maxBuyPricePerKWh, feedInTariff), retailTariff);
    }
}
