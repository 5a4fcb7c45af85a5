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
        boolean[] buy = book.buy;
        long[] energy = book.energy;
        long[] limit = book.limit;
        long floor = book.feedInTariff();
        long span = book.retailTariff() - floor;
        int shift = Math.max(0, 64 - Long.numberOfLeadingZeros(span) - bucketBits);
        int buckets = (int) ((span >>> shift) + 1);
        long[] buyEnergy = new long[buckets];
        long[] sellEnergy = new long[buckets];
        int[] buyCount = new int[buckets];
        int[] sellCount = new int[buckets];
        for (int i = 0; i < n; i++) {
            long e = energy[i];
            if (e > 0) {
                int k = (int) ((limit[i] - floor) >>> shift);
                if (buy[i]) {
                    buyEnergy[k] += e;
                    buyCount[k]++;
                } else {
                    sellEnergy[k] += e;
                    sellCount[k]++;
                }
            }
        }
        long totalBuy = 0;
        long totalSell = 0;
        for (int k = 0; k < buckets; k++) {
            totalBuy += buyEnergy[k];
            totalSell += sellEnergy[k];
        }
        if (totalBuy == 0 || totalSell == 0) {
            return ClearingResult.noMatch(n);
        }
        // g(k) = buy energy in buckets >= k minus sell energy in buckets < k bounds D - S from above for
        // prices in bucket k, and g(k + 1) bounds it from below. g never increases and g(0) > 0, so only
        // the last bucket with g >= 0 can hold limit prices on both sides of the crossing.
        int cross = 0;
        long buyAtOrAbove = totalBuy;
        long sellBelow = 0;
        while (cross + 1 < buckets && (buyAtOrAbove - buyEnergy[cross]) - (sellBelow + sellEnergy[cross]) >= 0) {
            buyAtOrAbove -= buyEnergy[cross];
            sellBelow += sellEnergy[cross];
            cross++;
        }
        long buyAbove = buyAtOrAbove - buyEnergy[cross];
        long[] buyKey = new long[buyCount[cross]];
        long[] buyQty = new long[buyCount[cross]];
        long[] sellKey = new long[sellCount[cross]];
        long[] sellQty = new long[sellCount[cross]];
        int b = 0;
        int s = 0;
        for (int i = 0; i < n; i++) {
            long e = energy[i];
            if (e > 0 && (int) ((limit[i] - floor) >>> shift) == cross) {
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
        Search search = new Search(randomRounds(n));
        long volume = search.maxVolume(buyKey, buyQty, b, sellKey, sellQty, s, buyAbove, sellBelow);
        if (volume == 0) {
            return ClearingResult.noMatch(n);
        }
        // The bucket of each side's marginal order: where the side's energy, in priority order, reaches the volume.
        int bidBucket = buckets - 1;
        long bidBefore = 0;
        while (bidBefore + buyEnergy[bidBucket] < volume) {
            bidBefore += buyEnergy[bidBucket--];
        }
        int askBucket = 0;
        long askBefore = 0;
        while (askBefore + sellEnergy[askBucket] < volume) {
            askBefore += sellEnergy[askBucket++];
        }
        int[] bidOrders = new int[buyCount[bidBucket]];
        int[] askOrders = new int[sellCount[askBucket]];
        b = 0;
        s = 0;
        for (int i = 0; i < n; i++) {
            if (energy[i] > 0) {
                int k = (int) ((limit[i] - floor) >>> shift);
                if (buy[i]) {
                    if (k == bidBucket) {
                        bidOrders[b++] = i;
                    }
                } else if (k == askBucket) {
                    askOrders[s++] = i;
                }
            }
        }
        long marginalBid = -search.weightedSelect(
                gather(bidOrders, limit, true), gather(bidOrders, energy, false), b, volume - bidBefore);
        long buyResidual = volume - bidBefore - search.below;
        long marginalAsk = search.weightedSelect(
                gather(askOrders, limit, false), gather(askOrders, energy, false), s, volume - askBefore);
        long sellResidual = volume - askBefore - search.below;
        long[] buyMargin = marginalOrder(book, bidOrders, marginalBid, buyResidual, search);
        long[] sellMargin = marginalOrder(book, askOrders, marginalAsk, sellResidual, search);

        long[] fills = new long[n];
        long[] time = book.time;
        long[] id = book.id;
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
        return ClearingResult.matched(rule.price(marginalBid, marginalAsk), volume, marginalBid, marginalAsk, fills);
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
