package org.gridshare.agent.market;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import java.util.Random;
import org.gridshare.protocol.Order;
import org.junit.jupiter.api.Test;

class OrderPlannerTest {
    private static final TradingLimits LIMITS = new TradingLimits(120, 280, 10_000, 5_000, 100, 300);

    @Test
    void sells_the_surplus_above_the_reserve_at_the_minimum_price() {
        assertEquals(Optional.of(new OrderPlanner.Plan(Order.SELL, 15_000, 120)), OrderPlanner.plan(20_000, LIMITS, 0));
    }

    @Test
    void keeps_a_surplus_within_the_reserve() {
        assertEquals(Optional.empty(), OrderPlanner.plan(5_000, LIMITS, 0));
        assertEquals(Optional.empty(), OrderPlanner.plan(0, LIMITS, 0));
    }

    @Test
    void buys_the_deficit_at_the_maximum_price_within_the_budget() {
        assertEquals(Optional.of(new OrderPlanner.Plan(Order.BUY, 7_000, 280)), OrderPlanner.plan(-7_000, LIMITS, 0));
        // 10,000 - 9,000 = 1,000 base units left at 280 per kWh: floor(1000 * 1e6 / 280) mWh
        assertEquals(
                Optional.of(new OrderPlanner.Plan(Order.BUY, 3_571_428, 280)),
                OrderPlanner.plan(-50_000_000, LIMITS, 9_000));
        assertEquals(Optional.empty(), OrderPlanner.plan(-7_000, LIMITS, 10_000), "budget used up");
    }

    @Test
    void clamps_prices_to_the_tariffs() {
        TradingLimits l = new TradingLimits(50, 900, 10_000, 0, 100, 300);
        assertEquals(100, OrderPlanner.plan(1_000, l, 0).orElseThrow().limitPricePerKWh());
        assertEquals(300, OrderPlanner.plan(-1_000, l, 0).orElseThrow().limitPricePerKWh());
    }

    @Test
    void worst_case_cost_rounds_up() {
        assertEquals(1, OrderPlanner.worstCaseCost(1, 1));
        assertEquals(0, OrderPlanner.worstCaseCost(0, 500));
        assertEquals(280, OrderPlanner.worstCaseCost(1_000_000, 280));
        assertEquals(Long.MAX_VALUE, OrderPlanner.worstCaseCost(Long.MAX_VALUE, Long.MAX_VALUE));
    }

    /**
     * A day of random forecasts and random limits, orders planned one after another with the spend so
     * far: the budget is never exceeded, no sell is below the minimum price or the feed-in tariff, no
     * buy above the maximum price or the retail tariff, and the reserve is never offered.
     */
    @Test
    void random_days_never_exceed_the_budget_nor_cross_a_limit_nor_offer_the_reserve() {
        Random random = new Random(20261125L);
        int orders = 0;
        for (int day = 0; day < 2_000; day++) {
            long feedIn = random.nextInt(200);
            long retail = feedIn + random.nextInt(400);
            TradingLimits l = new TradingLimits(
                    random.nextInt(700),
                    random.nextInt(700),
                    random.nextInt(4) == 0 ? 0 : random.nextLong(0, 2_000_000),
                    random.nextLong(0, 50_000),
                    feedIn,
                    retail);
            long spent = 0;
            for (int interval = 0; interval < 96; interval++) {
                long forecast = random.nextInt(10) == 0
                        ? random.nextLong(-Long.MAX_VALUE / 4, Long.MAX_VALUE / 4)
                        : random.nextLong(-20_000_000, 20_000_000);
                Optional<OrderPlanner.Plan> plan = OrderPlanner.plan(forecast, l, spent);
                if (plan.isEmpty()) {
                    continue;
                }
                orders++;
                OrderPlanner.Plan p = plan.get();
                assertTrue(p.energyMilliWh() > 0, "energy " + p);
                assertTrue(
                        p.limitPricePerKWh() >= feedIn && p.limitPricePerKWh() <= retail, "price within tariffs " + p);
                if (p.side() == Order.SELL) {
                    assertTrue(
                            p.limitPricePerKWh() >= Math.min(l.minSellPricePerKWh(), retail),
                            "sell below min " + p + " " + l);
                    assertTrue(forecast > l.reserveMilliWh(), "sold without a surplus above the reserve");
                    assertTrue(p.energyMilliWh() <= forecast - l.reserveMilliWh(), "offered the reserve " + p);
                } else {
                    assertTrue(
                            p.limitPricePerKWh() <= Math.max(l.maxBuyPricePerKWh(), feedIn),
                            "buy above max " + p + " " + l);
                    assertTrue(forecast < 0 && p.energyMilliWh() <= -forecast, "bought more than the deficit");
                    spent += OrderPlanner.worstCaseCost(p.energyMilliWh(), p.limitPricePerKWh());
                    assertTrue(spent <= l.dailyBudgetBaseUnits(), "spent " + spent + " of " + l.dailyBudgetBaseUnits());
                }
            }
        }
        assertTrue(orders > 50_000, "the property ran over many orders: " + orders);
    }
}
