package org.gridshare.backend.market;

import java.time.Duration;
import java.util.Objects;
import org.gridshare.backend.auction.PriceRule;
import org.gridshare.contracts.SettlementPolicy;
import org.gridshare.protocol.Address;
import org.web3j.crypto.Credentials;

/**
 * What the backend needs to run the market pipeline (orders, clearing, statements, settlement).
 *
 * @param marketAddress the EnergyMarket contract: the EIP-712 verifying contract of orders and
 *     statements, the source of the tariffs, and where batches settle
 * @param operator the key holding the market's OPERATOR_ROLE; settles batches (never logged)
 * @param interval market interval (default 15 min); intervals are aligned to the Unix epoch
 * @param gateClosure how long before an interval starts its book closes (default 5 min)
 * @param statementGrace how long after an interval ends the backend waits for statements before it
 *     settles (default one interval); later statements still release a HELD batch
 * @param clearingDelay how long after gate closure the book is cleared, so that orders the bridge
 *     received just before gate closure are in Kafka (default 2 s)
 * @param priceRule the price inside the marginal gap (default midpoint)
 * @param settlementPolicy confirmations, gas and fee policy of {@code SettlementSubmitter}
 *     (default production: 3 confirmations)
 * @param chainMaxAge how long a tariff or household-meter answer of the chain is trusted (default 2 s)
 * @param logsFromBlock first block searched for MeterRegistered and BatchSettled events (the
 *     deployment block of registry and market; 0 on a dev chain)
 * @param horizon how far ahead of its arrival an order's interval may start (default 2 days): bounds
 *     the books kept in memory
 */
public record MarketSettings(
        Address marketAddress,
        Credentials operator,
        Duration interval,
        Duration gateClosure,
        Duration statementGrace,
        Duration clearingDelay,
        PriceRule priceRule,
        SettlementPolicy settlementPolicy,
        Duration chainMaxAge,
        long logsFromBlock,
        Duration horizon) {

    public static final Duration DEFAULT_INTERVAL = Duration.ofMinutes(15);
    public static final Duration DEFAULT_GATE_CLOSURE = Duration.ofMinutes(5);
    public static final Duration DEFAULT_CLEARING_DELAY = Duration.ofSeconds(2);
    public static final Duration DEFAULT_CHAIN_MAX_AGE = Duration.ofSeconds(2);
    public static final Duration DEFAULT_HORIZON = Duration.ofDays(2);

    public MarketSettings {
        Objects.requireNonNull(marketAddress, "marketAddress");
        Objects.requireNonNull(operator, "operator");
        Objects.requireNonNull(interval, "interval");
        Objects.requireNonNull(gateClosure, "gateClosure");
        Objects.requireNonNull(statementGrace, "statementGrace");
        Objects.requireNonNull(clearingDelay, "clearingDelay");
        Objects.requireNonNull(priceRule, "priceRule");
        Objects.requireNonNull(settlementPolicy, "settlementPolicy");
        Objects.requireNonNull(chainMaxAge, "chainMaxAge");
        Objects.requireNonNull(horizon, "horizon");
        if (interval.toMillis() < 1000 || interval.toMillis() % 1000 != 0) {
            throw new IllegalArgumentException("market interval must be whole seconds, at least 1 s: " + interval);
        }
        if (gateClosure.isNegative()
                || statementGrace.isNegative()
                || clearingDelay.isNegative()
                || chainMaxAge.isNegative()
                || horizon.isNegative()) {
            throw new IllegalArgumentException("market durations must not be negative");
        }
        if (logsFromBlock < 0) {
            throw new IllegalArgumentException("logsFromBlock must not be negative: " + logsFromBlock);
        }
    }

    /** The defaults: 15 min intervals, gate closure 5 min, grace one interval, production settlement policy. */
    public static MarketSettings of(Address marketAddress, Credentials operator) {
        return new MarketSettings(
                marketAddress,
                operator,
                DEFAULT_INTERVAL,
                DEFAULT_GATE_CLOSURE,
                DEFAULT_INTERVAL,
                DEFAULT_CLEARING_DELAY,
                PriceRule.MIDPOINT,
                SettlementPolicy.production(),
                DEFAULT_CHAIN_MAX_AGE,
                0,
                DEFAULT_HORIZON);
    }

    /** A copy with another interval; the statement grace follows it (one interval). */
    public MarketSettings withInterval(Duration i) {
        return new MarketSettings(
                marketAddress,
                operator,
                i,
                gateClosure,
                i,
                clearingDelay,
                priceRule,
                settlementPolicy,
                chainMaxAge,
                logsFromBlock,
                horizon);
    }

    public MarketSettings withGateClosure(Duration g) {
        return new MarketSettings(
                marketAddress,
                operator,
                interval,
                g,
                statementGrace,
                clearingDelay,
                priceRule,
                settlementPolicy,
                chainMaxAge,
                logsFromBlock,
                horizon);
    }

    public MarketSettings withStatementGrace(Duration g) {
        return new MarketSettings(
                marketAddress,
                operator,
                interval,
                gateClosure,
                g,
                clearingDelay,
                priceRule,
                settlementPolicy,
                chainMaxAge,
                logsFromBlock,
                horizon);
    }

    public MarketSettings withClearingDelay(Duration d) {
        return new MarketSettings(
                marketAddress,
                operator,
                interval,
                gateClosure,
                statementGrace,
                d,
                priceRule,
                settlementPolicy,
                chainMaxAge,
                logsFromBlock,
                horizon);
    }

    public MarketSettings withPriceRule(PriceRule r) {
        return new MarketSettings(
                marketAddress,
                operator,
                interval,
                gateClosure,
                statementGrace,
                clearingDelay,
                r,
                settlementPolicy,
                chainMaxAge,
                logsFromBlock,
                horizon);
    }

    public MarketSettings withSettlementPolicy(SettlementPolicy p) {
        return new MarketSettings(
                marketAddress,
                operator,
                interval,
                gateClosure,
                statementGrace,
                clearingDelay,
                priceRule,
                p,
                chainMaxAge,
                logsFromBlock,
                horizon);
    }

    /** A copy whose settlement waits for {@code n} confirmations. */
    public MarketSettings withConfirmations(int n) {
        return withSettlementPolicy(settlementPolicy.withConfirmations(n));
    }

    public MarketSettings withChainMaxAge(Duration a) {
        return new MarketSettings(
                marketAddress,
                operator,
                interval,
                gateClosure,
                statementGrace,
                clearingDelay,
                priceRule,
                settlementPolicy,
                a,
                logsFromBlock,
                horizon);
    }

    public MarketSettings withLogsFromBlock(long b) {
        return new MarketSettings(
                marketAddress,
                operator,
                interval,
                gateClosure,
                statementGrace,
                clearingDelay,
                priceRule,
                settlementPolicy,
                chainMaxAge,
                b,
                horizon);
    }

    /** Interval length in ms. */
    public long intervalMs() {
        return interval.toMillis();
    }

    /** Gate closure of the interval starting at {@code intervalStartMs}. */
    public long gateClosureMs(long intervalStartMs) {
        return intervalStartMs - gateClosure.toMillis();
    }

    @Override
    public String toString() { // never print the operator key
        return "MarketSettings[market=" + marketAddress + ", operator=" + operator.getAddress() + ", interval="
                + interval + ", gateClosure=" + gateClosure + ", statementGrace=" + statementGrace + ", clearingDelay="
                + clearingDelay + ", priceRule=" + priceRule + ", confirmations=" + settlementPolicy.confirmations()
                + "]";
    }
}
