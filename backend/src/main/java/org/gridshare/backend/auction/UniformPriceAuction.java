package org.gridshare.backend.auction;

/**
 * Clears one sealed-bid double auction (one interval, one grid zone) at one uniform price. Every
 * implementation must return the same result for the same book: the rules are in docs/market-rules.md.
 */
public interface UniformPriceAuction {
    /** Clears the book; never modifies it. */
    ClearingResult clear(OrderBook book, PriceRule rule);
}
