package org.gridshare.backend.auction;

import java.util.Arrays;
import java.util.NoSuchElementException;

/**
 * The outcome of clearing one book: the uniform price (absent when nothing matches), the matched
 * volume, the marginal gap and one fill per order, indexed like the book.
 */
public final class ClearingResult {
    private final boolean priced;
    private final long clearingPrice;
    private final long matchedMilliWh;
    private final long marginalBid;
    private final long marginalAsk;
    private final long[] fills;

    private ClearingResult(
            boolean priced, long clearingPrice, long matchedMilliWh, long marginalBid, long marginalAsk, long[] fills) {
        this.priced = priced;
        this.clearingPrice = clearingPrice;
        this.matchedMilliWh = matchedMilliWh;
        this.marginalBid = marginalBid;
        this.marginalAsk = marginalAsk;
        this.fills = fills;
    }

    /** Nothing matches: no price, every fill 0. */
    public static ClearingResult noMatch(int orders) {
        return new ClearingResult(false, 0, 0, 0, 0, new long[orders]);
    }

    /**
     * A match of {@code matchedMilliWh > 0} at {@code clearingPrice}; the array becomes owned by the result.
     */
    public static ClearingResult matched(
            long clearingPrice, long matchedMilliWh, long marginalBid, long marginalAsk, long[] fills) {
        if (matchedMilliWh <= 0 || clearingPrice < marginalAsk || clearingPrice > marginalBid) {
            throw new IllegalArgumentException("inconsistent clearing: price " + clearingPrice + ", gap [" + marginalAsk
                    + ", " + marginalBid + "], volume " + matchedMilliWh);
        }
        return new ClearingResult(true, clearingPrice, matchedMilliWh, marginalBid, marginalAsk, fills);
    }

    /** Whether anything matched (and so whether there is a clearing price). */
    public boolean hasPrice() {
        return priced;
    }

    /** The uniform price in token base units per kWh. */
    public long clearingPrice() {
        if (!priced) {
            throw new NoSuchElementException("nothing matched: there is no clearing price");
        }
        return clearingPrice;
    }

    /** Limit of the lowest-priority buy order that trades. */
    public long marginalBid() {
        clearingPrice();
        return marginalBid;
    }

    /** Limit of the lowest-priority sell order that trades. */
    public long marginalAsk() {
        clearingPrice();
        return marginalAsk;
    }

    /** Energy bought, which equals energy sold. */
    public long matchedMilliWh() {
        return matchedMilliWh;
    }

    /** Number of orders (fills) in the result. */
    public int size() {
        return fills.length;
    }

    /** The energy traded by the order at this book index (0 when unfilled). */
    public long fillMilliWh(int index) {
        return fills[index];
    }

    /** A copy of all fills, indexed like the book. */
    public long[] fills() {
        return fills.clone();
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof ClearingResult r
                && priced == r.priced
                && clearingPrice == r.clearingPrice
                && matchedMilliWh == r.matchedMilliWh
                && marginalBid == r.marginalBid
                && marginalAsk == r.marginalAsk
                && Arrays.equals(fills, r.fills);
    }

    @Override
    public int hashCode() {
        return Long.hashCode(clearingPrice) * 31 + Long.hashCode(matchedMilliWh) * 17 + Arrays.hashCode(fills);
    }

    @Override
    public String toString() {
        if (!priced) {
            return "ClearingResult[no match, " + fills.length + " orders]";
        }
        return "ClearingResult[price " + clearingPrice + " in [" + marginalAsk + ", " + marginalBid + "], matched "
                + matchedMilliWh + " mWh, fills "
                + (fills.length <= 20 ? Arrays.toString(fills) : fills.length + " orders")
                + "]";
    }
}
