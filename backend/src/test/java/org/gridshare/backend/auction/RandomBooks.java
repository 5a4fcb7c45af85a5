package org.gridshare.backend.auction;

import java.util.SplittableRandom;

/** Seeded random books for the property tests and the benchmark. */
public final class RandomBooks {
    private RandomBooks() {}

    /**
     * A book of {@code n} orders with limits on {@code levels} price levels between the tariffs, times
     * from {@code times} distinct values and ids shuffled, so that price and time ties are common; about
     * one order in 50 has zero energy.
     */
    public static OrderBook book(SplittableRandom random, int n, int levels, int times, long maxEnergy) {
        long feedIn = random.nextLong(0, 200_000);
        long retail = feedIn + random.nextLong(levels, levels * 1_000L + 1);
        long step = Math.max(1, (retail - feedIn) / levels);
        OrderBook book = new OrderBook(feedIn, retail, n);
        long[] ids = new long[n];
        for (int i = 0; i < n; i++) {
            ids[i] = i * 7L + random.nextInt(7);
        }
        for (int i = n - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            long t = ids[i];
            ids[i] = ids[j];
            ids[j] = t;
        }
        for (int i = 0; i < n; i++) {
            long limit = Math.min(retail, feedIn + step * random.nextInt(levels + 1));
            long energy = random.nextInt(50) == 0 ? 0 : random.nextLong(1, maxEnergy + 1);
            long time = 1_700_000_000_000L + random.nextInt(times) * 1000L;
            try {
                book.add(ids[i], random.nextBoolean() ? Side.BUY : Side.SELL, energy, limit, time);
            } catch (OrderRejectedException e) {
                throw new IllegalStateException("generator made an invalid order", e);
            }
        }
        return book;
    }

    /** The same orders admitted in another (seeded) order; {@code index[k]} is the source index of order k. */
    public static OrderBook shuffled(OrderBook book, SplittableRandom random, int[] index) {
        int n = book.size();
        for (int i = 0; i < n; i++) {
            index[i] = i;
        }
        for (int i = n - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = index[i];
            index[i] = index[j];
            index[j] = t;
        }
        OrderBook copy = new OrderBook(book.feedInTariff(), book.retailTariff(), n);
        for (int k = 0; k < n; k++) {
            int i = index[k];
            try {
                copy.add(book.id(i), book.side(i), book.energyMilliWh(i), book.limitPrice(i), book.timeMs(i));
            } catch (OrderRejectedException e) {
                throw new IllegalStateException(e);
            }
        }
        return copy;
    }
}
