package org.gridshare.backend.market.clearing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.gridshare.backend.auction.PriceRule;
import org.gridshare.backend.market.chain.Tariffs;
import org.gridshare.backend.market.orders.AcceptedOrder;
import org.gridshare.backend.market.orders.BookKey;
import org.gridshare.backend.market.orders.OrderBooks;
import org.junit.jupiter.api.Test;

class IntervalClearingTest {
    private static final String ZONE_ID = "0x" + "ab".repeat(32);
    private static final long START = 1_764_070_200_000L;
    private static final BookKey KEY = new BookKey(ZONE_ID, START);
    private static final Tariffs TARIFFS = new Tariffs(80_000, 300_000, 10_000);

    private static AcceptedOrder order(int account, int side, long energy, long limit, long nonce, long arrival) {
        String a = String.format("0x%040x", account);
        return new AcceptedOrder(
                a,
                "zone-a",
                ZONE_ID,
                START,
                side,
                energy,
                limit,
                nonce,
                START,
                "0x" + account + "-" + nonce,
                arrival,
                "{}",
                "0");
    }

    private static ClearingRecord.Entry entry(ClearingRecord r, String digest) {
        return r.orders().stream()
                .filter(e -> e.orderDigest().equals(digest))
                .findFirst()
                .orElseThrow();
    }

    @Test
    void the_same_accepted_orders_clear_to_the_same_record_in_any_arrival_order() {
        Random random = new Random(3);
        List<AcceptedOrder> orders = new ArrayList<>();
        for (int i = 1; i <= 40; i++) {
            // few price levels and one arrival time: ties everywhere, broken by account
            orders.add(order(
                    i, i % 2, 500 + random.nextInt(5) * 100, 80_000 + random.nextInt(4) * 50_000, 1, START - 60_000));
        }
        ClearingRecord first =
                IntervalClearing.clear(KEY, 900, START - 300_000, orders, List.of(), TARIFFS, PriceRule.MIDPOINT, 1);
        for (int round = 0; round < 20; round++) {
            Collections.shuffle(orders, random);
            assertEquals(
                    first,
                    IntervalClearing.clear(
                            KEY, 900, START - 300_000, orders, List.of(), TARIFFS, PriceRule.MIDPOINT, 1));
        }
        long bought = 0;
        long sold = 0;
        for (ClearingRecord.Entry e : first.orders()) {
            if (e.side() == 0) {
                bought += e.filledMilliWh();
            } else {
                sold += e.filledMilliWh();
            }
        }
        assertEquals(bought, sold);
        assertEquals(first.matchedMilliWh(), sold);
    }

    @Test
    void a_replaced_order_and_one_outside_new_tariffs_get_a_fill_of_zero() {
        OrderBooks books = new OrderBooks();
        books.accept(order(1, 1, 1000, 90_000, 1, 10));
        books.accept(order(1, 1, 2000, 100_000, 2, 20)); // replaces nonce 1
        books.accept(order(2, 0, 1500, 250_000, 1, 30));
        books.accept(order(3, 0, 1500, 290_000, 1, 40));
        Tariffs lowered = new Tariffs(80_000, 280_000, 10_000); // the operator lowered retail after acceptance
        ClearingRecord r = IntervalClearing.clear(
                KEY, 900, START - 300_000, books.orders(KEY), books.replaced(KEY), lowered, PriceRule.MIDPOINT, 99);
        assertEquals(4, r.orders().size());
        assertEquals(0, entry(r, "0x1-1").filledMilliWh());
        assertEquals("replaced by a later nonce", entry(r, "0x1-1").excluded());
        assertEquals(0, entry(r, "0x3-1").filledMilliWh());
        assertTrue(
                entry(r, "0x3-1").excluded().startsWith("LIMIT_ABOVE_RETAIL_TARIFF"),
                entry(r, "0x3-1").excluded());
        assertEquals(1500, entry(r, "0x2-1").filledMilliWh());
        assertEquals(1500, entry(r, "0x1-2").filledMilliWh());
        assertNull(entry(r, "0x1-2").excluded());
        assertEquals(100_000 + (250_000 - 100_000) / 2, r.clearingPricePerKWh());
        books.markCleared(KEY);
        books.accept(order(4, 0, 1, 100_000, 1, 50));
        assertEquals(List.of(), books.orders(KEY), "a cleared book takes no orders");
    }
}
