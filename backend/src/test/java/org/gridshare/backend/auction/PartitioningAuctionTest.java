package org.gridshare.backend.auction;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class PartitioningAuctionTest {
    private final UniformPriceAuction auction = new PartitioningAuction();

    @Test
    void marginal_buyer_is_partially_filled_and_later_buyer_at_same_price_gets_nothing() throws Exception {
        // Tariffs [10, 40]. Buys: 1: 5000 @ 30 t=1, 2: 4000 @ 25 t=2, 3: 3000 @ 25 t=3.
        // Sells: 4: 6000 @ 12 t=1, 5: 4000 @ 20 t=2, 6: 5000 @ 28 t=1.
        // min(D, S) at each limit: 12 -> 6000, 20 -> 10000, 25 -> 10000, 28 -> 5000, 30 -> 5000: volume 10000.
        // Buys in priority: 1 (30) 5000, 2 (25, t=2) 4000, 3 (25, t=3) the last 1000: marginal bid 25.
        // Sells in priority: 4 (12) 6000, 5 (20) 4000: marginal ask 20. Midpoint 20 + floor(5/2) = 22.
        OrderBook book = new OrderBook(10, 40);
        book.add(1, Side.BUY, 5000, 30, 1);
        book.add(2, Side.BUY, 4000, 25, 2);
        book.add(3, Side.BUY, 3000, 25, 3);
        book.add(4, Side.SELL, 6000, 12, 1);
        book.add(5, Side.SELL, 4000, 20, 2);
        book.add(6, Side.SELL, 5000, 28, 1);
        ClearingResult result = auction.clear(book, PriceRule.MIDPOINT);
        assertEquals(10_000, result.matchedMilliWh());
        assertEquals(25, result.marginalBid());
        assertEquals(20, result.marginalAsk());
        assertEquals(22, result.clearingPrice());
        assertArrayEquals(new long[] {5000, 4000, 1000, 6000, 4000, 0}, result.fills());
        assertEquals(25, auction.clear(book, PriceRule.BUYER_SIDE).clearingPrice());
        assertEquals(20, auction.clear(book, PriceRule.SELLER_SIDE).clearingPrice());
    }

    @Test
    void equal_price_and_time_are_broken_by_lower_id() throws Exception {
        // Two sellers of 3000 at 15, same time; the buyer wants 4000 at 15: id 7 before id 9.
        OrderBook book = new OrderBook(0, 100);
        book.add(9, Side.SELL, 3000, 15, 100);
        book.add(7, Side.SELL, 3000, 15, 100);
        book.add(1, Side.BUY, 4000, 15, 200);
        ClearingResult result = auction.clear(book, PriceRule.MIDPOINT);
        assertArrayEquals(new long[] {1000, 3000, 4000}, result.fills());
        assertEquals(15, result.clearingPrice());
    }

    @Test
    void crossed_out_book_has_no_price_and_no_fills() throws Exception {
        OrderBook book = new OrderBook(0, 100);
        book.add(1, Side.BUY, 4000, 10, 0);
        book.add(2, Side.SELL, 4000, 11, 0);
        ClearingResult result = auction.clear(book, PriceRule.MIDPOINT);
        assertFalse(result.hasPrice());
        assertEquals(0, result.matchedMilliWh());
        assertArrayEquals(new long[] {0, 0}, result.fills());
        assertThrows(java.util.NoSuchElementException.class, result::clearingPrice);
    }

    @Test
    void midpoint_of_an_odd_gap_rounds_down() throws Exception {
        OrderBook book = new OrderBook(0, Long.MAX_VALUE);
        book.add(1, Side.BUY, 1, Long.MAX_VALUE, 0);
        book.add(2, Side.SELL, 1, Long.MAX_VALUE - 3, 0);
        // gap [2^63-4, 2^63-1]: (2^63-4) + floor(3/2) = 2^63-3, no overflow
        assertEquals(Long.MAX_VALUE - 2, auction.clear(book, PriceRule.MIDPOINT).clearingPrice());
    }

    @Test
    void large_random_book_clears_identically_with_and_without_buckets_and_with_median_pivots() {
        OrderBook book = RandomBooks.book(new SplittableRandom(99), 200_000, 500, 900, 10_000);
        ClearingResult random = auction.clear(book, PriceRule.MIDPOINT);
        assertEquals(random, new PartitioningAuction(0, 0).clear(book, PriceRule.MIDPOINT));
        assertEquals(random, new PartitioningAuction(0, -1).clear(book, PriceRule.MIDPOINT));
        assertEquals(random, new SortAndCrossAuction().clear(book, PriceRule.MIDPOINT));
        AuctionPropertiesTest.checkProperties(book, PriceRule.MIDPOINT, random, "200k book");
    }

    @Test
    void book_where_every_order_sits_on_one_price_rations_by_time_then_id() throws Exception {
        // Everyone at the retail tariff: buyers want 9000, the seller has 6000, so 6000 trade at 30.
        // Buyers by (time, id): id 3 (t=1) takes 4000, then id 1 (t=2, lower id) the last 2000, id 2 nothing.
        OrderBook book = new OrderBook(10, 30);
        book.add(1, Side.BUY, 4000, 30, 2);
        book.add(2, Side.BUY, 1000, 30, 2);
        book.add(3, Side.BUY, 4000, 30, 1);
        book.add(4, Side.SELL, 6000, 30, 5);
        ClearingResult result = auction.clear(book, PriceRule.MIDPOINT);
        assertArrayEquals(new long[] {2000, 0, 4000, 6000}, result.fills());
        assertEquals(30, result.clearingPrice());
    }
}
