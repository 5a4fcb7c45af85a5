package org.gridshare.backend.market.chain;

/**
 * The market contract's published tariffs, token base units per kWh.
 *
 * @param feedIn what the grid pays for exported energy: the floor of every limit price
 * @param retail what the grid charges for imported energy: the ceiling of every limit price
 * @param gridFee charged to buyers per locally delivered kWh
 */
public record Tariffs(long feedIn, long retail, long gridFee) {
    public Tariffs {
        if (feedIn < 0 || retail < feedIn || gridFee < 0) {
            throw new IllegalArgumentException("tariffs must satisfy 0 <= feedIn <= retail and gridFee >= 0: feedIn "
                    + feedIn + ", retail " + retail + ", gridFee " + gridFee);
        }
    }

    /** True when {@code limit} (uint64 read unsigned) lies in [feedIn, retail]. */
    public boolean admits(long limit) {
        return Long.compareUnsigned(limit, feedIn) >= 0 && Long.compareUnsigned(limit, retail) <= 0;
    }
}
