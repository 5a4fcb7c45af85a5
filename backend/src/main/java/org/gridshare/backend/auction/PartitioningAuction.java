package org.gridshare.backend.auction;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Clears a book in expected linear time without sorting it. Only three things need an order: the
 * crossing of the demand and supply curves (which gives the maximal volume), the price level of the
 * marginal order on each side, and the time/id order inside that one level.
 *
 * <p>One streaming pass sums energy per side into 2^14 price buckets. Because demand minus supply
 * never increases with price, the bucket totals already place every limit price on its side of the
 * crossing except those in one bucket; the same totals locate the bucket of each side's marginal order.
 * Inside those few buckets a quickselect-style partition over primitive {@code long[]} columns finishes
 * the job, and a last pass fills orders better than the marginal order completely and worse ones not at
 * all. No per-order objects are created.
 *
 * <p>Pivots are drawn from a fixed-seed generator; they change only the running time, never the result.
 * After {@code 3 log2(n) + 16} rounds of one search the pivot becomes the exact median of what is
 * left, so a book crafted against the generator costs at most O(n log n).
 */
public final class PartitioningAuction implements UniformPriceAuction {
    private static final long PIVOT_SEED = 0x6772696473686172L;
    private static final int BUCKET_BITS = 14;

    private final int bucketBits;
    private final int randomRoundsOverride;

    /** The production configuration. */
    public PartitioningAuction() {
        this(BUCKET_BITS, -1);
    }

    /**
     * Tests: {@code bucketBits} 0 leaves everything to the partitioning; {@code randomRounds >= 0} caps
     * the random-pivot rounds (0 = always the exact median).
     */
    PartitioningAuction(int bucketBits, int randomRounds) {
        if (bucketBits < 0 || bucketBits > 20) {
            throw new IllegalArgumentException("bucketBits " + bucketBits + " outside 0..20");
        }
        this.bucketBits = bucketBits;
        this.randomRoundsOverride = randomRounds;
    }

    @Override
    public ClearingResult clear(OrderBook book, PriceRule rule) {
        int n = book.size();
        Histogram h = histogram(book);
        if (h.totalBuy == 0 || h.totalSell == 0) {
            return ClearingResult.noMatch(n);
        }
        Crossing crossing = crossing(h);
        Search search = new Search(randomRounds(n));
        long volume = maxVolume(book, h, crossing, search);
        if (volume == 0) {
            return ClearingResult.noMatch(n);
        }
        Level bid = bidLevel(h, volume);
        Level ask = askLevel(h, volume);
        int[][] marginal = ordersIn(book, h, bid.bucket, ask.bucket);
        int[] bidOrders = marginal[0];
        int[] askOrders = marginal[1];
        // phase 6: each side's marginal price, and what is left of the volume at it, inside its bucket
        long marginalBid = -search.weightedSelect(
                gather(bidOrders, book.limit, true),
                gather(bidOrders, book.energy, false),
                bidOrders.length,
                volume - bid.before);
        long buyResidual = volume - bid.before - search.below;
        long marginalAsk = search.weightedSelect(
                gather(askOrders, book.limit, false),
                gather(askOrders, book.energy, false),
                askOrders.length,
                volume - ask.before);
        long sellResidual = volume - ask.before - search.below;
        long[] buyMargin = marginalOrder(book, bidOrders, marginalBid, buyResidual, search);
        long[] sellMargin = marginalOrder(book, askOrders, marginalAsk, sellResidual, search);
        long[] fills = fills(book, marginalBid, buyMargin, marginalAsk, sellMargin);
        return ClearingResult.matched(rule.price(marginalBid, marginalAsk), volume, marginalBid, marginalAsk, fills);
    }

    /** Energy and order counts per side in price buckets of {@code 2^shift} price units from the feed-in tariff. */
    private static final class Histogram {
        final long floor;
        final int shift;
        final int buckets;
        final long[] buyEnergy;
        final long[] sellEnergy;
        final int[] buyCount;
        final int[] sellCount;
        long totalBuy;
        long totalSell;

        Histogram(long floor, int shift, int buckets) {
            this.floor = floor;
            this.shift = shift;
            this.buckets = buckets;
            this.buyEnergy = new long[buckets];
            this.sellEnergy = new long[buckets];
            this.buyCount = new int[buckets];
            this.sellCount = new int[buckets];
        }

        int bucket(long limitPrice) {
            return (int) ((limitPrice - floor) >>> shift);
        }
    }

    /** The bucket holding the crossing, with the buy energy above it and the sell energy below it. */
    private record Crossing(int bucket, long buyAbove, long sellBelow) {}

    /** The bucket of a side's marginal order and that side's energy in the buckets before it, in priority order. */
    private record Level(int bucket, long before) {}

    /** Phase 1: one streaming pass sums each side's energy and orders per price bucket. */
    private Histogram histogram(OrderBook book) {
        long floor = book.feedInTariff();
        long span = book.retailTariff() - floor;
        int shift = Math.max(0, 64 - Long.numberOfLeadingZeros(span) - bucketBits);
        Histogram h = new Histogram(floor, shift, (int) ((span >>> shift) + 1));
        boolean[] buy = book.buy;
        long[] energy = book.energy;
        long[] limit = book.limit;
        for (int i = 0; i < book.size(); i++) {
            long e = energy[i];
            if (e > 0) {
                int k = h.bucket(limit[i]);
                if (buy[i]) {
                    h.buyEnergy[k] += e;
                    h.buyCount[k]++;
                } else {
                    h.sellEnergy[k] += e;
                    h.sellCount[k]++;
                }
            }
        }
        for (int k = 0; k < h.buckets; k++) {
            h.totalBuy += h.buyEnergy[k];
            h.totalSell += h.sellEnergy[k];
        }
        return h;
    }

    /**
     * Phase 2: the bucket of the crossing. g(k) = buy energy in buckets >= k minus sell energy in buckets
     * < k bounds D - S from above for prices in bucket k, and g(k + 1) bounds it from below. g never
     * increases and g(0) > 0, so only the last bucket with g >= 0 can hold limit prices on both sides of
     * the crossing.
     */
    private static Crossing crossing(Histogram h) {
        int cross = 0;
        long buyAtOrAbove = h.totalBuy;
        long sellBelow = 0;
        while (cross + 1 < h.buckets && (buyAtOrAbove - h.buyEnergy[cross]) - (sellBelow + h.sellEnergy[cross]) >= 0) {
            buyAtOrAbove -= h.buyEnergy[cross];
            sellBelow += h.sellEnergy[cross];
            cross++;
        }
        return new Crossing(cross, buyAtOrAbove - h.buyEnergy[cross], sellBelow);
    }

    /** Phase 3: the maximal volume, by partitioning the orders of the crossing bucket only. */
    private static long maxVolume(OrderBook book, Histogram h, Crossing crossing, Search search) {
        int cross = crossing.bucket;
        long[] buyKey = new long[h.buyCount[cross]];
        long[] buyQty = new long[h.buyCount[cross]];
        long[] sellKey = new long[h.sellCount[cross]];
        long[] sellQty = new long[h.sellCount[cross]];
        boolean[] buy = book.buy;
        long[] energy = book.energy;
        long[] limit = book.limit;
        int b = 0;
        int s = 0;
        for (int i = 0; i < book.size(); i++) {
            long e = energy[i];
            if (e > 0 && h.bucket(limit[i]) == cross) {
                // Buy keys are negated limits so that ascending key order is buy priority.
                if (buy[i]) {
                    buyKey[b] = -limit[i];
                    buyQty[b++] = e;
                } else {
                    sellKey[s] = limit[i];
                    sellQty[s++] = e;
                }
            }
        }
        return search.maxVolume(buyKey, buyQty, b, sellKey, sellQty, s, crossing.buyAbove, crossing.sellBelow);
    }

    /** Phase 4a: where the buy energy, from the highest bucket down, reaches the volume. */
    private static Level bidLevel(Histogram h, long volume) {
        int bucket = h.buckets - 1;
        long before = 0;
        while (before + h.buyEnergy[bucket] < volume) {
            before += h.buyEnergy[bucket--];
        }
        return new Level(bucket, before);
    }

    /** Phase 4b: where the sell energy, from the lowest bucket up, reaches the volume. */
    private static Level askLevel(Histogram h, long volume) {
        int bucket = 0;
        long before = 0;
        while (before + h.sellEnergy[bucket] < volume) {
            before += h.sellEnergy[bucket++];
        }
        return new Level(bucket, before);
    }

    /** Phase 5: the indexes of the buy orders in {@code bidBucket} and of the sell orders in {@code askBucket}. */
    private static int[][] ordersIn(OrderBook book, Histogram h, int bidBucket, int askBucket) {
        int[] bidOrders = new int[h.buyCount[bidBucket]];
        int[] askOrders = new int[h.sellCount[askBucket]];
        boolean[] buy = book.buy;
        long[] energy = book.energy;
        long[] limit = book.limit;
        int b = 0;
        int s = 0;
        for (int i = 0; i < book.size(); i++) {
            if (energy[i] > 0) {
                int k = h.bucket(limit[i]);
                if (buy[i]) {
                    if (k == bidBucket) {
                        bidOrders[b++] = i;
                    }
                } else if (k == askBucket) {
                    askOrders[s++] = i;
                }
            }
        }
        return new int[][] {bidOrders, askOrders};
    }

    /**
     * Phase 7: orders better than their side's marginal price are filled completely, those at it by
     * {@link #levelFill}, worse ones not at all.
     */
    private static long[] fills(
            OrderBook book, long marginalBid, long[] buyMargin, long marginalAsk, long[] sellMargin) {
        int n = book.size();
        boolean[] buy = book.buy;
        long[] energy = book.energy;
        long[] limit = book.limit;
        long[] time = book.time;
        long[] id = book.id;
        long[] fills = new long[n];
        for (int i = 0; i < n; i++) {
            long e = energy[i];
            if (e == 0) {
                continue;
            }
            long lim = limit[i];
            if (buy[i]) {
                if (lim > marginalBid) {
                    fills[i] = e;
                } else if (lim == marginalBid) {
                    fills[i] = levelFill(e, time[i], id[i], buyMargin);
                }
            } else if (lim < marginalAsk) {
                fills[i] = e;
            } else if (lim == marginalAsk) {
                fills[i] = levelFill(e, time[i], id[i], sellMargin);
            }
        }
        return fills;
    }

    private static long[] gather(int[] orders, long[] column, boolean negate) {
        long[] values = new long[orders.length];
        for (int j = 0; j < orders.length; j++) {
            values[j] = negate ? -column[orders[j]] : column[orders[j]];
        }
        return values;
    }

    private int randomRounds(int n) {
        if (randomRoundsOverride >= 0) {
            return randomRoundsOverride;
        }
        return 3 * (32 - Integer.numberOfLeadingZeros(n)) + 16;
    }

    /** Inside the marginal price level, time then id decide: earlier fills completely, the margin partly. */
    private static long levelFill(long energy, long time, long id, long[] margin) {
        if (time != margin[0]) {
            return time < margin[0] ? energy : 0;
        }
        if (id != margin[1]) {
            return id < margin[1] ? energy : 0;
        }
        return margin[2];
    }

    /**
     * The marginal order of one side, as {time, id, fill}: among the candidate orders at {@code price},
     * the one at which {@code residual} mWh, allocated in (time, id) order, run out.
     */
    private static long[] marginalOrder(OrderBook book, int[] candidates, long price, long residual, Search search) {
        int m = 0;
        for (int i : candidates) {
            if (book.limit[i] == price) {
                m++;
            }
        }
        long[] timeKey = new long[m];
        long[] qty = new long[m];
        int j = 0;
        for (int i : candidates) {
            if (book.limit[i] == price) {
                timeKey[j] = book.time[i];
                qty[j++] = book.energy[i];
            }
        }
        long marginTime = search.weightedSelect(timeKey, qty, m, residual);
        long timeResidual = residual - search.below;
        int k = 0;
        for (int i : candidates) {
            if (book.limit[i] == price && book.time[i] == marginTime) {
                k++;
            }
        }
        long[] idKey = new long[k];
        long[] idQty = new long[k];
        j = 0;
        for (int i : candidates) {
            if (book.limit[i] == price && book.time[i] == marginTime) {
                idKey[j] = book.id[i];
                idQty[j++] = book.energy[i];
            }
        }
        long marginId = search.weightedSelect(idKey, idQty, k, timeResidual);
        return new long[] {marginTime, marginId, timeResidual - search.below};
    }

    /** Quickselect machinery with its scratch state; one instance per clearing, not thread-safe. */
    private static final class Search {
        private final SplittableRandom random = new SplittableRandom(PIVOT_SEED);
        private final int randomRounds;
        /** Result of the last partition: [lo, lt) below the pivot, [lt, gt) equal, [gt, hi) above. */
        private int lt;

        private int gt;
        private long sumLess;
        private long sumEqual;
        /** Result of the last weighted select: total weight of keys strictly below the selected key. */
        long below;

        Search(int randomRounds) {
            this.randomRounds = randomRounds;
        }

        /**
         * The key K with {@code sum(w | key < K) < target <= sum(w | key <= K)}, for
         * {@code 1 <= target <= sum(w)} and positive weights; sets {@link #below}. Permutes the columns.
         */
        long weightedSelect(long[] key, long[] w, int n, long target) {
            int lo = 0;
            int hi = n;
            long acc = 0;
            for (int round = 0; ; round++) {
                long pivot = round < randomRounds ? key[lo + random.nextInt(hi - lo)] : median(key, lo, hi);
                partition(key, w, lo, hi, pivot);
                if (acc + sumLess >= target) {
                    hi = lt;
                } else if (acc + sumLess + sumEqual >= target) {
                    below = acc + sumLess;
                    return pivot;
                } else {
                    acc += sumLess + sumEqual;
                    lo = gt;
                }
            }
        }

        /**
         * The maximal matched volume {@code max_p min(D(p), S(p))}, D(p) = buy energy with limit >= p and
         * S(p) = sell energy with limit <= p. D - S never increases with p, so the maximum sits at the
         * crossing: with q1 the highest limit price where D >= S and q2 the lowest where D < S, it is
         * {@code max(S(q1), D(q2))}. The search narrows a price range [L, H] holding the orders not yet
         * classified (the columns); energy of orders priced above H (buys) or below L (sells) is carried
         * in sums, starting from the bucket totals.
         */
        long maxVolume(
                long[] buyKey,
                long[] buyQty,
                int buys,
                long[] sellKey,
                long[] sellQty,
                int sells,
                long buyAboveRange,
                long sellBelowRange) {
            int bLo = 0;
            int bHi = buys;
            int sLo = 0;
            int sHi = sells;
            long buyAbove = buyAboveRange;
            long sellBelow = sellBelowRange;
            // Limit prices below the range all have D >= S and the highest of them has S = sellBelow;
            // those above all have D < S and the lowest has D = buyAbove (both 0 when there are none).
            long supplyAtQ1 = sellBelow;
            long demandAtQ2 = buyAbove;
            for (int round = 0; bLo < bHi || sLo < sHi; round++) {
                long q = round < randomRounds
                        ? randomPrice(buyKey, bLo, bHi, sellKey, sLo, sHi)
                        : medianPrice(buyKey, bLo, bHi, sellKey, sLo, sHi);
                partition(buyKey, buyQty, bLo, bHi, -q); // [bLo, lt): limit > q, [lt, gt): == q, [gt, bHi): < q
                int bAboveEnd = lt;
                int bBelowStart = gt;
                long demand = buyAbove + sumLess + sumEqual;
                partition(sellKey, sellQty, sLo, sHi, q); // [sLo, lt): limit < q, [lt, gt): == q, [gt, sHi): > q
                long supply = sellBelow + sumLess + sumEqual;
                if (demand >= supply) {
                    supplyAtQ1 = supply;
                    sellBelow = supply;
                    bHi = bAboveEnd;
                    sLo = gt;
                } else {
                    demandAtQ2 = demand;
                    buyAbove = demand;
                    bLo = bBelowStart;
                    sHi = lt;
                }
            }
            return Math.max(supplyAtQ1, demandAtQ2);
        }

        private long randomPrice(long[] buyKey, int bLo, int bHi, long[] sellKey, int sLo, int sHi) {
            int r = random.nextInt((bHi - bLo) + (sHi - sLo));
            return r < bHi - bLo ? -buyKey[bLo + r] : sellKey[sLo + r - (bHi - bLo)];
        }

        private static long medianPrice(long[] buyKey, int bLo, int bHi, long[] sellKey, int sLo, int sHi) {
            long[] prices = new long[(bHi - bLo) + (sHi - sLo)];
            int j = 0;
            for (int i = bLo; i < bHi; i++) {
                prices[j++] = -buyKey[i];
            }
            for (int i = sLo; i < sHi; i++) {
                prices[j++] = sellKey[i];
            }
            Arrays.sort(prices);
            return prices[prices.length / 2];
        }

        private static long median(long[] key, int lo, int hi) {
            long[] copy = Arrays.copyOfRange(key, lo, hi);
            Arrays.sort(copy);
            return copy[copy.length / 2];
        }

        /** Three-way (Dijkstra) partition of [lo, hi) around {@code pivot}, moving weights along. */
        private void partition(long[] key, long[] w, int lo, int hi, long pivot) {
            int less = lo;
            int i = lo;
            int greater = hi;
            long sLess = 0;
            long sEqual = 0;
            while (i < greater) {
                long k = key[i];
                if (k < pivot) {
                    long wi = w[i];
                    sLess += wi;
                    key[i] = key[less];
                    w[i] = w[less];
                    key[less] = k;
                    w[less] = wi;
                    less++;
                    i++;
                } else if (k > pivot) {
                    greater--;
                    long wi = w[i];
                    key[i] = key[greater];
                    w[i] = w[greater];
                    key[greater] = k;
                    w[greater] = wi;
                } else {
                    sEqual += w[i];
                    i++;
                }
            }
            lt = less;
            gt = greater;
            sumLess = sLess;
            sumEqual = sEqual;
        }
    }
}
