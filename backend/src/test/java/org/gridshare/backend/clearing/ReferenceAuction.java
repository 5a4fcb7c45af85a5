package org.gridshare.backend.clearing;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.TreeSet;

/**
 * The rules read literally, for cross-checking: volume = max over every limit price p of
 * min(D(p), S(p)); marginal bid = highest p with D(p) >= volume, marginal ask = lowest p with
 * S(p) >= volume; then each side is filled in priority order until the volume is used up. Quadratic on
 * purpose: it shares no code or idea with {@link PartitioningAuction}.
 */
public final class ReferenceAuction implements UniformPriceAuction {
    @Override
    public ClearingResult clear(OrderBook book, PriceRule rule) {
        int n = book.size();
        TreeSet<Long> prices = new TreeSet<>();
        for (int i = 0; i < n; i++) {
            prices.add(book.limitPrice(i));
        }
        long volume = 0;
        for (long p : prices) {
            volume = Math.max(volume, Math.min(demand(book, p), supply(book, p)));
        }
        if (volume == 0) {
            return ClearingResult.noMatch(n);
        }
        long bid = Long.MIN_VALUE;
        long ask = Long.MAX_VALUE;
        for (long p : prices) {
            if (demand(book, p) >= volume) {
                bid = Math.max(bid, p);
            }
            if (supply(book, p) >= volume) {
                ask = Math.min(ask, p);
            }
        }
        long[] fills = new long[n];
        allocate(book, Side.BUY, Comparator.comparingLong((Integer i) -> -book.limitPrice(i)), volume, fills);
        allocate(book, Side.SELL, Comparator.comparingLong(book::limitPrice), volume, fills);
        return ClearingResult.matched(rule.price(bid, ask), volume, bid, ask, fills);
    }

    private static long demand(OrderBook book, long price) {
        long sum = 0;
        for (int i = 0; i < book.size(); i++) {
            if (book.side(i) == Side.BUY && book.limitPrice(i) >= price) {
                sum += book.energyMilliWh(i);
            }
        }
        return sum;
    }

    private static long supply(OrderBook book, long price) {
        long sum = 0;
        for (int i = 0; i < book.size(); i++) {
            if (book.side(i) == Side.SELL && book.limitPrice(i) <= price) {
                sum += book.energyMilliWh(i);
            }
        }
        return sum;
    }

    private static void allocate(OrderBook book, Side side, Comparator<Integer> byPrice, long volume, long[] fills) {
        List<Integer> orders = new ArrayList<>();
        for (int i = 0; i < book.size(); i++) {
            if (book.side(i) == side) {
                orders.add(i);
            }
        }
        orders.sort(byPrice.thenComparingLong(book::timeMs).thenComparingLong(book::id));
        long left = volume;
        for (int i : orders) {
            long fill = Math.min(left, book.energyMilliWh(i));
            fills[i] = fill;
            left -= fill;
        }
    }
}
