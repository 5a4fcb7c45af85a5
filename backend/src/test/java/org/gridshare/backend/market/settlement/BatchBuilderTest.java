package org.gridshare.backend.market.settlement;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import org.gridshare.backend.market.chain.Tariffs;
import org.gridshare.backend.market.clearing.ClearingRecord;
import org.gridshare.backend.market.statements.VerifiedStatement;
import org.gridshare.protocol.Address;
import org.gridshare.protocol.Bytes32;
import org.gridshare.protocol.Eip712;
import org.gridshare.protocol.Eip712Domain;
import org.gridshare.protocol.IntervalStatement;
import org.gridshare.protocol.Order;
import org.gridshare.protocol.Secp256k1Signer;
import org.gridshare.protocol.Signed;
import org.gridshare.protocol.ZoneIds;
import org.gridshare.protocol.wire.JsonWire;
import org.junit.jupiter.api.Test;

class BatchBuilderTest {
    private static final long START = 1_764_070_200_000L;
    private static final long PRICE = 150_000;
    private static final Tariffs TARIFFS = new Tariffs(80_000, 300_000, 10_000);
    private static final Eip712Domain DOMAIN =
            new Eip712Domain(31337, Address.fromHex("0x5fbdb2315678afecb367f032d93f642f64180aa3"));
    private static final Bytes32 ZONE = ZoneIds.of("zone-a");

    private final Random random = new Random(5);

    private record Household(Secp256k1Signer key, Secp256k1Signer meter, int side, long energy, long fill) {}

    private Secp256k1Signer key() {
        byte[] k = new byte[32];
        random.nextBytes(k);
        k[0] = (byte) ((k[0] & 0x7f) | 0x01);
        return Secp256k1Signer.fromPrivateKey(k);
    }

    private Household household(int side, long energy, long fill) {
        return new Household(key(), key(), side, energy, fill);
    }

    private ClearingRecord.Entry entry(Household h) {
        Signed<Order> o = h.key()
                .sign(
                        DOMAIN,
                        new Order(
                                h.key().address(),
                                ZONE,
                                START,
                                h.side(),
                                h.energy(),
                                h.side() == Order.SELL ? 100_000 : 200_000,
                                1,
                                START));
        return new ClearingRecord.Entry(
                h.key().address().toHex(),
                "zone-a",
                Eip712.digest(DOMAIN, o.message()).toHex(),
                h.side(),
                h.energy(),
                o.message().limitPricePerKWh(),
                1,
                0,
                h.fill(),
                null,
                new String(JsonWire.encodeOrder(o), StandardCharsets.UTF_8));
    }

    private VerifiedStatement statement(Household h, Secp256k1Signer meter, String zone, long imported, long exported) {
        Signed<IntervalStatement> s = meter.sign(
                DOMAIN,
                new IntervalStatement(
                        meter.address(), START, 900, 1000, 1000 + imported, 500, 500 + exported, 1, 9, Bytes32.ZERO));
        return new VerifiedStatement(
                meter.address().toHex(),
                h.key().address().toHex(),
                zone,
                ZoneIds.of(zone).toHex(),
                START,
                900,
                imported,
                exported,
                Eip712.digest(DOMAIN, s.message()).toHex(),
                START + 900_000,
                START + 900_001,
                new String(JsonWire.encodeStatement(s), StandardCharsets.UTF_8));
    }

    private ClearingRecord clearing(Household... hs) {
        List<ClearingRecord.Entry> entries = new ArrayList<>();
        for (Household h : hs) {
            entries.add(entry(h));
        }
        entries.sort(Comparator.comparing(ClearingRecord.Entry::account));
        return new ClearingRecord(
                "zone-a",
                ZONE.toHex(),
                START,
                900,
                START - 300_000,
                START - 299_000,
                "MIDPOINT",
                TARIFFS.feedIn(),
                TARIFFS.retail(),
                true,
                PRICE,
                4000,
                entries);
    }

    @Test
    void builds_a_balanced_ascending_batch_with_the_contracts_nets_and_leaves_out_unfilled_orders() {
        Household s1 = household(Order.SELL, 3000, 3000);
        Household s2 = household(Order.SELL, 1000, 1000);
        Household b1 = household(Order.BUY, 2500, 2500);
        Household b2 = household(Order.BUY, 1500, 1500);
        Household b3 = household(Order.BUY, 700, 0);
        ClearingRecord c = clearing(s1, s2, b1, b2, b3);
        List<VerifiedStatement> st = List.of(
                statement(s1, s1.meter(), "zone-a", 0, 3200),
                statement(s2, s2.meter(), "zone-a", 0, 400),
                statement(b1, b1.meter(), "zone-a", 2600, 0),
                statement(b2, b2.meter(), "zone-a", 1000, 0),
                statement(b3, b3.meter(), "zone-a", 900, 0));
        BatchPlan.Ready ready = assertInstanceOf(BatchPlan.Ready.class, BatchBuilder.plan(c, st, TARIFFS));
        assertEquals(4, ready.batch().participants().size());
        List<String> accounts =
                ready.parts().stream().map(BatchPlan.Part::account).toList();
        assertEquals(accounts.stream().sorted().toList(), accounts);
        long bought = 0;
        long sold = 0;
        for (var p : ready.batch().participants()) {
            if (p.order().message().side() == Order.BUY) {
                bought += p.fillMilliWh();
            } else {
                sold += p.fillMilliWh();
            }
        }
        assertEquals(bought, sold);
        // worked by hand: pay(e, p) = floor(e * p / 1e6)
        assertEquals(BigInteger.valueOf(450), net(ready, s1)); // 3000 delivered at 150,000
        assertEquals(BigInteger.valueOf(60 - 90), net(ready, s2)); // 400 delivered; 600 short at retail - P
        assertEquals(BigInteger.valueOf(-375 - 25), net(ready, b1)); // 2500 at P plus the grid fee
        assertEquals(BigInteger.valueOf(-150 - 10 - 35), net(ready, b2)); // 1000 delivered; 500 short at P - feedIn
        assertEquals(
                400,
                ready.parts().stream()
                        .filter(p -> p.account().equals(s2.key().address().toHex()))
                        .findFirst()
                        .orElseThrow()
                        .deliveredMilliWh());
    }

    private static BigInteger net(BatchPlan.Ready r, Household h) {
        return r.parts().stream()
                .filter(p -> p.account().equals(h.key().address().toHex()))
                .findFirst()
                .orElseThrow()
                .net();
    }

    @Test
    void holds_the_batch_naming_every_participant_without_a_statement_in_the_zone() {
        Household s1 = household(Order.SELL, 1000, 1000);
        Household b1 = household(Order.BUY, 1000, 1000);
        Household b2 = household(Order.BUY, 1000, 0);
        ClearingRecord c = clearing(s1, b1, b2);
        List<VerifiedStatement> st = List.of(statement(s1, s1.meter(), "zone-b", 0, 1000)); // wrong zone
        BatchPlan.Held held = assertInstanceOf(BatchPlan.Held.class, BatchBuilder.plan(c, st, TARIFFS));
        assertEquals(
                List.of(s1.key().address().toHex(), b1.key().address().toHex()).stream()
                        .sorted()
                        .toList(),
                held.missingAccounts());
    }

    @Test
    void uses_the_lowest_meter_of_an_account_with_several_statements() {
        Household s1 = household(Order.SELL, 1000, 1000);
        Household b1 = household(Order.BUY, 1000, 1000);
        Secp256k1Signer second = key();
        List<VerifiedStatement> st = List.of(
                statement(s1, s1.meter(), "zone-a", 0, 1000),
                statement(s1, second, "zone-a", 0, 10),
                statement(b1, b1.meter(), "zone-a", 1000, 0));
        BatchPlan.Ready ready =
                assertInstanceOf(BatchPlan.Ready.class, BatchBuilder.plan(clearing(s1, b1), st, TARIFFS));
        String lowest = List.of(s1.meter().address().toHex(), second.address().toHex()).stream()
                .sorted()
                .findFirst()
                .orElseThrow();
        assertEquals(
                lowest,
                ready.parts().stream()
                        .filter(p -> p.account().equals(s1.key().address().toHex()))
                        .findFirst()
                        .orElseThrow()
                        .meter());
    }

    @Test
    void a_book_without_a_match_has_no_batch() {
        ClearingRecord c =
                new ClearingRecord("zone-a", ZONE.toHex(), START, 900, 0, 0, "MIDPOINT", 1, 2, false, 0, 0, List.of());
        assertThrows(IllegalArgumentException.class, () -> BatchBuilder.plan(c, List.of(), TARIFFS));
    }

    @Test
    void net_amounts_mirror_the_contract_at_the_tariff_bounds() {
        assertEquals(
                BigInteger.valueOf(-(1999L * 80_000 / 1_000_000) - (1999L * 10_000 / 1_000_000)),
                NetAmounts.net(false, 1999, 5000, 80_000, TARIFFS)); // buyer at feed-in: floor on each term
        assertEquals(
                BigInteger.valueOf(-(1000L * 220_000 / 1_000_000)),
                NetAmounts.net(true, 1000, 0, 80_000, TARIFFS)); // seller delivered nothing: pays retail - P
        assertThrows(IllegalArgumentException.class, () -> NetAmounts.net(true, 1, 1, 300_001, TARIFFS));
    }
}
