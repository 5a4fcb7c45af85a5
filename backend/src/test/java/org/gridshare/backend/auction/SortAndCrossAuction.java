package org.gridshare.backend.auction;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The straightforward way: one object per order, both sides sorted by priority, then crossed with two
 * pointers while the best remaining bid is at least the best remaining ask. The benchmark's baseline,
 * and a second independent check in the property tests.
 */
public final class SortAndCrossAuction implements UniformPriceAuction {
    private record Order(int index, long limit, long time, long id, long energy) {}

    /** Buy priority: higher limit, then earlier time, then lower id. */
    private static final Comparator<Order> BUY_PRIORITY = (x, y) -> {
        int c = Long.compare(y.limit, x.limit);
        return c != 0 ? c : timeThenId(x, y);
    };

    /** Sell priority: lower limit, then earlier time, then lower id. */
    private static final Comparator<Order> SELL_PRIORITY = (x, y) -> {
        int c = Long.compare(x.limit, y.limit);
        return c != 0 ? c : timeThenId(x, y);
    };

    private static int timeThenId(Order x, Order y) {
        int c = Long.compare(x.time, y.time);
        return c != 0 ? c : Long.compare(x.id, y.id);
    }

    @Override
    public ClearingResult clear(OrderBook book, PriceRule rule) {
        List<Order> buys = new ArrayList<>(book.size());
        List<Order> sells = new ArrayList<>(book.size());
        for (int i = 0; i < book.size(); i++) {
            Order o = new Order(i, book.limitPrice(i), book.timeMs(i), book.id(i), book.energyMilliWh(i));
            (book.side(i) == Side.BUY ? buys : sells).add(o);
        }
        buys.sort(BUY_PRIORITY);
        sells.sort(SELL_PRIORITY);
        long[] fills = new long[book.size()];
        int b = 0;
        int s = 0;
        long buyLeft = buys.isEmpty() ? 0 : buys.get(0).energy();
        long sellLeft = sells.isEmpty() ? 0 : sells.get(0).energy();
        long volume = 0;
        long bid = 0;
        long ask = 0;
        while (b < buys.size()
                && s < sells.size()
                && buys.get(b).limit() >= sells.get(s).limit()) {
            Order buy = buys.get(b);
            Order sell = sells.get(s);
            long quantity = Math.min(buyLeft, sellLeft);
            if (quantity > 0) {
                fills[buy.index()] += quantity;
                fills[sell.index()] += quantity;
                volume += quantity;
                bid = buy.limit();
                ask = sell.limit();
            }
            buyLeft -= quantity;
            sellLeft -= quantity;
            if (buyLeft == 0 && ++b < buys.size()) {
                buyLeft = buys.get(b).energy();
            }
            if (sellLeft == 0 && ++s < sells.size()) {
                sellLeft = sells.get(s).energy();
            }
        }
        if (volume == 0) {
            return ClearingResult.noMatch(book.size());
        }
        return ClearingResult.matched(rule.price(bid, ask), volume, bid, ask, fills);
    }
}
