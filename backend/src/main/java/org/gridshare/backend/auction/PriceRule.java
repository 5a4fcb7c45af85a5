package org.gridshare.backend.auction;

/**
 * Where the uniform clearing price lies inside the marginal gap {@code [marginalAsk, marginalBid]}: the
 * limit of the last (lowest-priority) sell order that trades and the limit of the last buy order that
 * trades. Every price in that gap gives the same, maximal, volume; the rule only splits the surplus.
 */
public enum PriceRule {
    /**
     * {@code ask + floor((bid - ask) / 2)}, as Quartierstrom. With {@code 0 <= ask <= bid} the difference
     * is non-negative, so Java's truncating division is a floor, nothing overflows, and
     * {@code ask <= price <= ask + (bid - ask) = bid}. Rounding down favours buyers by at most half a base unit.
     */
    MIDPOINT,
    /** The marginal bid: sellers take the whole surplus of the marginal pair. */
    BUYER_SIDE,
    /** The marginal ask: buyers take the whole surplus of the marginal pair. */
    SELLER_SIDE;

    /** The clearing price for a gap with {@code 0 <= marginalAsk <= marginalBid}. */
    public long price(long marginalBid, long marginalAsk) {
        if (marginalAsk < 0 || marginalBid < marginalAsk) {
            throw new IllegalArgumentException(
                    "not a marginal gap: ask " + marginalAsk + " must satisfy 0 <= ask <= bid " + marginalBid);
        }
        return switch (this) {
            case MIDPOINT -> marginalAsk + (marginalBid - marginalAsk) / 2;
            case BUYER_SIDE -> marginalBid;
            case SELLER_SIDE -> marginalAsk;
        };
    }
}
