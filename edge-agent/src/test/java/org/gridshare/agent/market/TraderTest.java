package org.gridshare.agent.market;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import org.gridshare.agent.inbox.InboundLog;
import org.gridshare.agent.meter.Measurement;
import org.gridshare.agent.outbox.Outbox;
import org.gridshare.agent.signing.ReadingSigner;
import org.gridshare.agent.statement.StatementStore;
import org.gridshare.agent.uplink.MqttSession;
import org.gridshare.protocol.Address;
import org.gridshare.protocol.Eip712Domain;
import org.gridshare.protocol.Order;
import org.gridshare.protocol.Secp256k1Signer;
import org.gridshare.testsupport.TestClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The trader over a real outbox database with a moved clock (the uplink is never connected here: the
 * orders are stored and wait for a broker). A household importing 4 kWh per 10-second interval buys
 * until the daily budget is used, and the budget is whole again at local midnight in Berlin.
 */
class TraderTest {
    private static final Eip712Domain READINGS =
            new Eip712Domain(31337, Address.fromHex("0x5fbdb2315678afecb367f032d93f642f64180aa3"));
    private static final Eip712Domain MARKET =
            new Eip712Domain(31337, Address.fromHex("0xe7f1725e7734ce288f8367e1bb143e90bb3f0512"));
    /** 23:59:00 in Berlin (UTC+1 in November). */
    private static final long T0 = Instant.parse("2026-11-25T22:59:00Z").toEpochMilli();

    @TempDir
    Path dir;

    private final TestClock clock = TestClock.at(T0);

    @Test
    void buys_the_deficit_within_the_daily_budget_which_resets_at_local_midnight() throws Exception {
        Secp256k1Signer meter = Secp256k1Signer.generate();
        Secp256k1Signer household = Secp256k1Signer.generate();
        try (Outbox outbox = Outbox.open(dir.resolve("outbox.db"), 1000)) {
            StatementStore statements = new StatementStore(outbox, meter, MARKET, 10, clock);
            outbox.onCommit(statements);
            OrderStore orders = new OrderStore(outbox, MARKET);
            InboundLog inbound = new InboundLog(outbox);
            TradingLimits limits = new TradingLimits(150, 250, 1500, 0, 100, 300);
            Trader trader = new Trader(
                    orders,
                    statements,
                    inbound,
                    limits,
                    new MarketSchedule(10, 3),
                    household,
                    MARKET,
                    "zone-b",
                    ZoneId.of("Europe/Berlin"),
                    50,
                    new MqttSession("tcp://127.0.0.1:1", "zone-b", meter.address(), null, clock),
                    clock,
                    1000);
            ReadingSigner signer = new ReadingSigner(meter, READINGS, outbox, clock);
            for (int i = 0; i < 3; i++) { // 4 kWh imported per interval
                clock.set(T0 + 1_000 + i * 10_000L);
                outbox.append(signer.signDeferred(new Measurement(i * 4_000_000L, 0, 0, 0)));
                outbox.commit();
            }
            for (long s = T0 + 30_000; s <= T0 + 60_000; s += 10_000) {
                clock.set(s - 6_000); // inside the order window: 8 s to 3.5 s before the interval
                trader.tick();
            }
            List<PlacedOrder> placed = orders.between(0, Long.MAX_VALUE);
            assertEquals(3, placed.size(), placed.toString());
            assertEquals(T0 + 30_000, placed.get(0).intervalStartMs());
            assertEquals(4_000_000, placed.get(0).energyMilliWh(), "4 kWh at 250 = 1000 of 1500");
            assertEquals(Order.BUY, placed.get(0).side());
            assertEquals(250, placed.get(0).limitPricePerKWh());
            assertEquals(2_000_000, placed.get(1).energyMilliWh(), "what the last 500 buy at 250");
            assertEquals(T0 + 60_000, placed.get(2).intervalStartMs(), "nothing left for 23:59:50; midnight resets");
            assertEquals(4_000_000, placed.get(2).energyMilliWh());
            assertEquals(1500, trader.spentOn(java.time.LocalDate.of(2026, 11, 25)));
            assertEquals(1000, trader.spentOn(java.time.LocalDate.of(2026, 11, 26)));
            assertTrue(placed.get(1).nonce() > placed.get(0).nonce()
                    && placed.get(2).nonce() > placed.get(1).nonce());

            trader.onMessage("t", "{\"type\":\"fill\"".getBytes(StandardCharsets.UTF_8));
            assertEquals(1, inbound.problems().size());
            assertTrue(
                    inbound.problems().get(0).problem().startsWith("MALFORMED"),
                    inbound.problems().get(0).problem());
            assertEquals(0, inbound.prune(Long.MAX_VALUE), "a message with a problem is kept");
        }
    }
}
