package org.gridshare.backend.auction;

import java.util.Arrays;

/**
 * The sealed orders of one interval and grid zone, stored column-wise in primitive arrays so that
 * clearing a million orders allocates no per-order objects. Orders are admitted one by one through
 * {@link #add}, which enforces the tariff bounds and the other admission rules; an order's index is its
 * position of admission. Energies are in milliwatt-hours, prices in token base units per kWh.
 */
public final class OrderBook {
    private final long feedInTariff;
    private final long retailTariff;
    private final IdSet ids = new IdSet();
    private int size;
    private long totalBuyMilliWh;
    private long totalSellMilliWh;
    long[] id;
    boolean[] buy;
    long[] energy;
    long[] limit;
    long[] time;

    /**
     * An empty book whose limit prices must lie in {@code [feedInTariff, retailTariff]}.
     *
     * @throws IllegalArgumentException if a tariff is negative or the feed-in tariff exceeds the retail tariff
     */
    public OrderBook(long feedInTariff, long retailTariff) {
        this(feedInTariff, retailTariff, 16);
    }

    /** As {@link #OrderBook(long, long)}, with room for {@code expectedOrders} before growing. */
    public OrderBook(long feedInTariff, long retailTariff, int expectedOrders) {
        if (feedInTariff < 0) {
            throw new IllegalArgumentException("feedInTariff: " + feedInTariff + " is negative");
        }
        if (retailTariff < feedInTariff) {
            throw new IllegalArgumentException(
                    "retailTariff: " + retailTariff + " is below the feed-in tariff " + feedInTariff);
        }
        this.feedInTariff = feedInTariff;
        this.retailTariff = retailTariff;
        int capacity = Math.max(expectedOrders, 4);
        id = new long[capacity];
        buy = new boolean[capacity];
        energy = new long[capacity];
        limit = new long[capacity];
        time = new long[capacity];
    }

    /**
     * Admits an order and returns its index. The id orders ties between orders of equal price and time
     * (lower id first); ids are unique within a book.
     *
     * @throws OrderRejectedException naming the field and the numbered reason; the book is unchanged
     */
    public int add(long orderId, Side side, long energyMilliWh, long limitPrice, long timeMs)
            throws OrderRejectedException {
        if (energyMilliWh < 0) {
            throw new OrderRejectedException(
                    RejectCode.NEGATIVE_ENERGY, "energyMilliWh", energyMilliWh + " is negative");
        }
        if (timeMs < 0) {
            throw new OrderRejectedException(RejectCode.NEGATIVE_TIME, "timeMs", timeMs + " is before the Unix epoch");
        }
        if (limitPrice < feedInTariff) {
            throw new OrderRejectedException(
                    RejectCode.LIMIT_BELOW_FEED_IN_TARIFF,
                    "limitPrice",
                    limitPrice + " is below the feed-in tariff " + feedInTariff);
        }
        if (limitPrice > retailTariff) {
            throw new OrderRejectedException(
                    RejectCode.LIMIT_ABOVE_RETAIL_TARIFF,
                    "limitPrice",
                    limitPrice + " is above the retail tariff " + retailTariff);
        }
        boolean isBuy = side == Side.BUY;
        long sideTotal = isBuy ? totalBuyMilliWh : totalSellMilliWh;
        if (sideTotal > Long.MAX_VALUE - energyMilliWh) {
            throw new OrderRejectedException(
                    RejectCode.SIDE_TOTAL_OVERFLOW,
                    "energyMilliWh",
                    "the " + side.name().toLowerCase(java.util.Locale.ROOT) + " side would exceed 2^63-1 mWh");
        }
        if (!ids.add(orderId)) {
            throw new OrderRejectedException(RejectCode.DUPLICATE_ID, "id", orderId + " is already in the book");
        }
        if (size == id.length) {
            int capacity = Math.max(size + (size >> 1), size + 1);
            id = Arrays.copyOf(id, capacity);
            buy = Arrays.copyOf(buy, capacity);
            energy = Arrays.copyOf(energy, capacity);
            limit = Arrays.copyOf(limit, capacity);
            time = Arrays.copyOf(time, capacity);
        }
        id[size] = orderId;
        buy[size] = isBuy;
        energy[size] = energyMilliWh;
        limit[size] = limitPrice;
        time[size] = timeMs;
        if (isBuy) {
            totalBuyMilliWh += energyMilliWh;
        } else {
            totalSellMilliWh += energyMilliWh;
        }
        return size++;
    }

    /** Number of admitted orders. */
    public int size() {
        return size;
    }

    public long feedInTariff() {
        return feedInTariff;
    }

    public long retailTariff() {
        return retailTariff;
    }

    public long id(int index) {
        return id[check(index)];
    }

    public Side side(int index) {
        return buy[check(index)] ? Side.BUY : Side.SELL;
    }

    public long energyMilliWh(int index) {
        return energy[check(index)];
    }

    public long limitPrice(int index) {
        return limit[check(index)];
    }

    public long timeMs(int index) {
        return time[check(index)];
    }

    private int check(int index) {
        if (index < 0 || index >= size) {
            throw new IndexOutOfBoundsException("order index " + index + " outside 0.." + (size - 1));
        }
        return index;
    }

    /** Open-addressing set of longs: a HashSet<Long> would box a million ids. */
    private static final class IdSet {
        private long[] slots = new long[16];
        private boolean[] used = new boolean[16];
        private int count;

        boolean add(long value) {
            if ((count + 1) * 2 > slots.length) {
                grow();
            }
            int mask = slots.length - 1;
            int i = mix(value) & mask;
            while (used[i]) {
                if (slots[i] == value) {
                    return false;
                }
                i = (i + 1) & mask;
            }
            used[i] = true;
            slots[i] = value;
            count++;
            return true;
        }

        private void grow() {
            long[] oldSlots = slots;
            boolean[] oldUsed = used;
            slots = new long[oldSlots.length * 2];
            used = new boolean[oldSlots.length * 2];
            int mask = slots.length - 1;
            for (int j = 0; j < oldSlots.length; j++) {
                if (oldUsed[j]) {
                    int i = mix(oldSlots[j]) & mask;
                    while (used[i]) {
                        i = (i + 1) & mask;
                    }
                    used[i] = true;
                    slots[i] = oldSlots[j];
                }
            }
        }

        private static int mix(long value) {
            long h = value * 0x9E3779B97F4A7C15L;
            return (int) (h ^ (h >>> 32));
        }
    }
}
