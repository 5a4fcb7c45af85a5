package org.gridshare.backend.auction;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class OrderBookTest {
    @Test
    void rejects_orders_outside_the_rules_with_numbered_reasons_and_stays_unchanged() throws Exception {
        OrderBook book = new OrderBook(10, 40);
        book.add(1, Side.BUY, 100, 10, 0);
        assertCode(RejectCode.NEGATIVE_ENERGY, "energyMilliWh", () -> book.add(2, Side.BUY, -1, 20, 0));
        assertCode(RejectCode.NEGATIVE_TIME, "timeMs", () -> book.add(2, Side.BUY, 1, 20, -5));
        assertCode(RejectCode.LIMIT_BELOW_FEED_IN_TARIFF, "limitPrice", () -> book.add(2, Side.SELL, 1, 9, 0));
        assertCode(RejectCode.LIMIT_ABOVE_RETAIL_TARIFF, "limitPrice", () -> book.add(2, Side.BUY, 1, 41, 0));
        assertCode(RejectCode.DUPLICATE_ID, "id", () -> book.add(1, Side.SELL, 1, 20, 0));
        book.add(3, Side.SELL, Long.MAX_VALUE, 40, 0);
        assertCode(RejectCode.SIDE_TOTAL_OVERFLOW, "energyMilliWh", () -> book.add(4, Side.SELL, 1, 40, 0));
        assertEquals(2, book.size());
        assertEquals(109, RejectCode.LIMIT_BELOW_FEED_IN_TARIFF.code());
    }

    @Test
    void rejects_tariffs_that_are_negative_or_inverted() {
        assertThrows(IllegalArgumentException.class, () -> new OrderBook(-1, 5));
        assertThrows(IllegalArgumentException.class, () -> new OrderBook(6, 5));
    }

    @Test
    void duplicate_detection_survives_growth_past_many_ids() throws Exception {
        OrderBook book = new OrderBook(0, 1, 1);
        for (long id = 0; id < 50_000; id++) {
            book.add(id * 1_000_003L, Side.BUY, 1, 1, 0);
        }
        assertCode(RejectCode.DUPLICATE_ID, "id", () -> book.add(49_999 * 1_000_003L, Side.SELL, 1, 1, 0));
        assertEquals(50_000, book.size());
    }

    private interface Add {
        void run() throws OrderRejectedException;
    }

    private static void assertCode(RejectCode code, String field, Add add) {
        OrderRejectedException e = assertThrows(OrderRejectedException.class, add::run);
        assertEquals(code, e.code());
        assertEquals(field, e.field());
    }
}
