package org.gridshare.backend.market.clearing;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.gridshare.backend.auction.ClearingResult;
import org.gridshare.backend.auction.OrderBook;
import org.gridshare.backend.auction.OrderRejectedException;
import org.gridshare.backend.auction.PartitioningAuction;
import org.gridshare.backend.auction.PriceRule;
import org.gridshare.backend.auction.Side;
import org.gridshare.backend.market.chain.Tariffs;
import org.gridshare.backend.market.orders.AcceptedOrder;
import org.gridshare.backend.market.orders.BookKey;

/**
 * Clears one book with {@link PartitioningAuction}. Deterministic: the orders are put into the auction
 * ascending by account with the position as id, time = arrival at the bridge, so the same accepted
 * orders always give the same record (ties of price and time go to the lower account).
 */
public final class IntervalClearing {
    private IntervalClearing() {}

    /**
     * The clearing record of {@code orders} (one per account) under the tariffs read at clearing time.
     * An order whose limit is no longer within them (the operator changed tariffs after it was accepted)
     * takes no part: fill 0, {@code excluded} says why. Orders a later nonce replaced are listed with
     * fill 0 too, so every accepted order gets its fill message.
     */
    public static ClearingRecord clear(
            BookKey key,
            long intervalSeconds,
            long gateClosureMs,
            List<AcceptedOrder> orders,
            List<AcceptedOrder> replaced,
            Tariffs tariffs,
            PriceRule rule,
            long clearedAtMs) {
        List<AcceptedOrder> sorted = new ArrayList<>(orders);
        sorted.sort(Comparator.comparing(AcceptedOrder::account));
        Book book = book(key, sorted, tariffs);
        ClearingResult r = new PartitioningAuction().clear(book.orders, rule);
        List<ClearingRecord.Entry> entries = new ArrayList<>();
        for (int i = 0; i < sorted.size(); i++) {
            long fill = book.index[i] < 0 ? 0 : r.fillMilliWh(book.index[i]);
            entries.add(entry(sorted.get(i), fill, book.excluded[i]));
        }
        for (AcceptedOrder o : replaced) {
            entries.add(entry(o, 0, "replaced by a later nonce"));
        }
        entries.sort(Comparator.comparing(ClearingRecord.Entry::account)
                .thenComparing(ClearingRecord.Entry::nonce, Long::compareUnsigned));
        String zone = sorted.isEmpty() ? key.zoneId() : sorted.get(0).zone();
        return new ClearingRecord(
                zone,
                key.zoneId(),
                key.intervalStartMs(),
                intervalSeconds,
                gateClosureMs,
                clearedAtMs,
                rule.name(),
                tariffs.feedIn(),
                tariffs.retail(),
                r.hasPrice(),
                r.hasPrice() ? r.clearingPrice() : 0,
                r.matchedMilliWh(),
                entries);
    }

    /**
     * The auction's book of {@code sorted}, with where each order went in it ({@code -1}: refused by
     * the book) and why a refused one takes no part.
     */
    @SuppressWarnings("ArrayRecordComponent") // a private result holder, never compared or hashed
    private record Book(OrderBook orders, int[] index, String[] excluded) {}

    private static Book book(BookKey key, List<AcceptedOrder> sorted, Tariffs tariffs) {
        OrderBook book = new OrderBook(tariffs.feedIn(), tariffs.retail(), sorted.size());
        int[] bookIndex = new int[sorted.size()];
        String[] excluded = new String[sorted.size()];
        for (int i = 0; i < sorted.size(); i++) {
            AcceptedOrder o = sorted.get(i);
            if (i > 0 && sorted.get(i - 1).account().equals(o.account())) {
                throw new IllegalArgumentException("two orders of account " + o.account() + " in book " + key);
            }
            try {
                bookIndex[i] = book.add(
                        i,
                        o.side() == 0 ? Side.BUY : Side.SELL,
                        o.energyMilliWh(),
                        o.limitPricePerKWh(),
                        o.arrivalMs());
            } catch (OrderRejectedException e) {
                bookIndex[i] = -1;
                excluded[i] = e.code().name() + ": " + e.getMessage();
            }
        }
        return new Book(book, bookIndex, excluded);
    }

    private static ClearingRecord.Entry entry(AcceptedOrder o, long fillMilliWh, String excluded) {
        return new ClearingRecord.Entry(
                o.account(),
                o.zone(),
                o.orderDigest(),
                o.side(),
                o.energyMilliWh(),
                o.limitPricePerKWh(),
                o.nonce(),
                o.arrivalMs(),
                fillMilliWh,
                excluded,
                o.signedOrder());
    }
}
