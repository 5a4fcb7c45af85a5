package org.gridshare.backend.auction;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The fast clearing against the reference on seeded random books, with the market's properties
 * checked on every book. A failure message names the seed and book so it can be replayed.
 */
class AuctionPropertiesTest {
    private static final PriceRule[] RULES = PriceRule.values();

    private final UniformPriceAuction fast = new PartitioningAuction();
    /** Without buckets every order goes through the partitioning; with 3 bits a bucket spans many prices. */
    private final UniformPriceAuction[] variants = {
        new PartitioningAuction(0, -1),
        new PartitioningAuction(0, 0),
        new PartitioningAuction(3, -1),
        new PartitioningAuction(3, 0)
    };

    private final UniformPriceAuction reference = new ReferenceAuction();
    private final UniformPriceAuction sortAndCross = new SortAndCrossAuction();

    @Test
    void fast_clearing_equals_reference_and_keeps_every_property_on_10000_small_books() {
        SplittableRandom random = new SplittableRandom(20261125L);
        for (int k = 0; k < 8_000; k++) {
            int n = random.nextInt(0, 13);
            OrderBook book =
                    RandomBooks.book(random, n, random.nextInt(1, 6), random.nextInt(1, 4), 1 + random.nextInt(20));
            checkBook("small#" + k, book, RULES[k % RULES.length], random);
        }
        for (int k = 0; k < 2_000; k++) {
            int n = random.nextInt(13, 400);
            int levels = random.nextInt(1, 60);
            OrderBook book = RandomBooks.book(random, n, levels, random.nextInt(1, 30), 1 + random.nextInt(5_000));
            checkBook("medium#" + k, book, RULES[k % RULES.length], random);
        }
    }

    @Test
    void books_with_huge_energies_and_prices_near_the_long_range_clear_without_overflow() throws Exception {
        SplittableRandom random = new SplittableRandom(7);
        for (int k = 0; k < 300; k++) {
            long feedIn = Long.MAX_VALUE - 1_000 - random.nextLong(1_000_000);
            OrderBook book = new OrderBook(feedIn, Long.MAX_VALUE, 8);
            int n = random.nextInt(1, 10);
            for (int i = 0; i < n; i++) {
                long energy = random.nextLong(Long.MAX_VALUE / 10);
                long limit = random.nextBoolean() ? Long.MAX_VALUE : feedIn + random.nextLong(3);
                book.add(i, random.nextBoolean() ? Side.BUY : Side.SELL, energy, limit, random.nextInt(3));
            }
            checkBook("huge#" + k, book, RULES[k % RULES.length], random);
        }
    }

    private void checkBook(String name, OrderBook book, PriceRule rule, SplittableRandom random) {
        ClearingResult expected = reference.clear(book, rule);
        ClearingResult actual = fast.clear(book, rule);
        String context = name + " " + rule + " " + describe(book);
        assertEquals(expected, actual, context);
        for (int v = 0; v < variants.length; v++) {
            assertEquals(expected, variants[v].clear(book, rule), "variant " + v + ": " + context);
        }
        assertEquals(expected, sortAndCross.clear(book, rule), "sort-and-cross: " + context);
        checkProperties(book, rule, actual, context);

        int[] index = new int[book.size()];
        OrderBook shuffled = RandomBooks.shuffled(book, random, index);
        ClearingResult again = fast.clear(shuffled, rule);
        assertEquals(actual.hasPrice(), again.hasPrice(), context);
        assertEquals(actual.matchedMilliWh(), again.matchedMilliWh(), context);
        if (actual.hasPrice()) {
            assertEquals(actual.clearingPrice(), again.clearingPrice(), context);
        }
        for (int k = 0; k < shuffled.size(); k++) {
            assertEquals(actual.fillMilliWh(index[k]), again.fillMilliWh(k), "shuffled order " + k + ": " + context);
        }
    }

    /** The market's rules, checked on the result alone. */
    static void checkProperties(OrderBook book, PriceRule rule, ClearingResult result, String context) {
        long bought = 0;
        long sold = 0;
        int partialBuys = 0;
        int partialSells = 0;
        for (int i = 0; i < book.size(); i++) {
            long fill = result.fillMilliWh(i);
            assertTrue(fill >= 0 && fill <= book.energyMilliWh(i), "fill exceeds order " + i + ": " + context);
            if (fill > 0) {
                long price = result.clearingPrice();
                if (book.side(i) == Side.BUY) {
                    assertTrue(book.limitPrice(i) >= price, "buyer " + i + " pays above its limit: " + context);
                } else {
                    assertTrue(book.limitPrice(i) <= price, "seller " + i + " gets below its floor: " + context);
                }
            }
            boolean partial = fill > 0 && fill < book.energyMilliWh(i);
            if (book.side(i) == Side.BUY) {
                bought += fill;
                partialBuys += partial ? 1 : 0;
            } else {
                sold += fill;
                partialSells += partial ? 1 : 0;
            }
        }
        assertEquals(bought, sold, "buys != sells: " + context);
        assertEquals(result.matchedMilliWh(), bought, context);
        assertTrue(partialBuys <= 1 && partialSells <= 1, "more than one partial fill per side: " + context);
        if (!result.hasPrice()) {
            assertEquals(0, result.matchedMilliWh(), context);
            return;
        }
        long bid = result.marginalBid();
        long ask = result.marginalAsk();
        assertTrue(ask <= result.clearingPrice() && result.clearingPrice() <= bid, "price outside the gap: " + context);
        long expectedPrice = switch (rule) {
            case MIDPOINT ->
                BigInteger.valueOf(bid)
                        .add(BigInteger.valueOf(ask))
                        .shiftRight(1)
                        .longValueExact();
            case BUYER_SIDE -> bid;
            case SELLER_SIDE -> ask;
        };
        assertEquals(expectedPrice, result.clearingPrice(), context);
        // Priority: no order that is not completely filled has a strictly better limit than a filled one.
        long lowestFilledBid = Long.MAX_VALUE;
        long highestShortBid = Long.MIN_VALUE;
        long highestFilledAsk = Long.MIN_VALUE;
        long lowestShortAsk = Long.MAX_VALUE;
        for (int i = 0; i < book.size(); i++) {
            long fill = result.fillMilliWh(i);
            boolean shortFilled = fill < book.energyMilliWh(i);
            long limit = book.limitPrice(i);
            if (book.side(i) == Side.BUY) {
                lowestFilledBid = fill > 0 ? Math.min(lowestFilledBid, limit) : lowestFilledBid;
                highestShortBid = shortFilled ? Math.max(highestShortBid, limit) : highestShortBid;
            } else {
                highestFilledAsk = fill > 0 ? Math.max(highestFilledAsk, limit) : highestFilledAsk;
                lowestShortAsk = shortFilled ? Math.min(lowestShortAsk, limit) : lowestShortAsk;
            }
        }
        assertTrue(highestShortBid <= lowestFilledBid, "a better bid is left short: " + context);
        assertTrue(lowestShortAsk >= highestFilledAsk, "a better ask is left short: " + context);
        assertEquals(bid, lowestFilledBid, "marginal bid is not the lowest filled bid: " + context);
        assertEquals(ask, highestFilledAsk, "marginal ask is not the highest filled ask: " + context);
    }

    private static String describe(OrderBook book) {
        if (book.size() > 30) {
            return "(" + book.size() + " orders)";
        }
        StringBuilder text =
                new StringBuilder("tariffs [" + book.feedInTariff() + ", " + book.retailTariff() + "] orders:");
        for (int i = 0; i < book.size(); i++) {
            text.append(' ')
                    .append(book.id(i))
                    .append(book.side(i) == Side.BUY ? " B " : " S ")
                    .append(book.energyMilliWh(i))
                    .append('@')
                    .append(book.limitPrice(i))
                    .append(" t")
                    .append(book.timeMs(i) % 100_000)
                    .append(';');
        }
        return text.toString();
    }
}
