package org.gridshare.agent.market;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.nio.file.Path;
import java.util.Optional;
import org.gridshare.agent.outbox.Outbox;
import org.gridshare.protocol.Address;
import org.gridshare.protocol.Bytes32;
import org.gridshare.protocol.Eip712;
import org.gridshare.protocol.Eip712Domain;
import org.gridshare.protocol.Order;
import org.gridshare.protocol.Secp256k1Signer;
import org.gridshare.protocol.SignatureVerifier;
import org.gridshare.protocol.Signed;
import org.gridshare.protocol.ZoneIds;
import org.gridshare.protocol.downlink.Fill;
import org.gridshare.protocol.downlink.OrderVerdict;
import org.gridshare.protocol.downlink.Settlement;
import org.gridshare.protocol.wire.JsonWire;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OrderStoreTest {
    private static final Eip712Domain MARKET =
            new Eip712Domain(31337, Address.fromHex("0xe7f1725e7734ce288f8367e1bb143e90bb3f0512"));
    private final Secp256k1Signer household = Secp256k1Signer.generate();

    @TempDir
    Path dir;

    private Optional<PlacedOrder> place(OrderStore store, long start, int side, long energy, long price, long nowMs)
            throws Exception {
        return store.place(
                start,
                energy,
                nowMs,
                nonce -> household.sign(
                        MARKET,
                        new Order(
                                household.address(), ZoneIds.of("zone-a"), start, side, energy, price, nonce, start)));
    }

    @Test
    void nonces_increase_survive_a_reopen_and_one_order_per_interval() throws Exception {
        long n1;
        try (Outbox outbox = Outbox.open(dir.resolve("outbox.db"), 10)) {
            OrderStore store = new OrderStore(outbox, MARKET);
            PlacedOrder a = place(store, 900_000, Order.SELL, 5_000, 120, 1_000).orElseThrow();
            assertEquals(1_000, a.nonce(), "the first nonce is the clock's millisecond");
            assertTrue(place(store, 900_000, Order.BUY, 1, 1, 2_000).isEmpty(), "one order per interval");
            PlacedOrder b =
                    place(store, 1_800_000, Order.SELL, 5_000, 120, 1_000).orElseThrow();
            assertEquals(1_001, b.nonce(), "strictly increasing even when the clock did not move");
            n1 = b.nonce();
            Signed<Order> wire = JsonWire.decodeOrder(b.payload());
            assertEquals(household.address(), SignatureVerifier.recover(MARKET, wire));
            assertEquals(Eip712.digest(MARKET, wire.message()).toHex(), b.digest());
        }
        try (Outbox outbox = Outbox.open(dir.resolve("outbox.db"), 10)) {
            OrderStore store = new OrderStore(outbox, MARKET);
            assertEquals(n1, store.lastNonce());
            PlacedOrder c = place(store, 2_700_000, Order.BUY, 5_000, 250, 500).orElseThrow();
            assertEquals(n1 + 1, c.nonce(), "a clock behind the last nonce does not make it repeat");
        }
    }

    @Test
    void records_verdicts_fills_and_settlements_and_refuses_what_does_not_fit() throws Exception {
        try (Outbox outbox = Outbox.open(dir.resolve("outbox.db"), 10)) {
            OrderStore store = new OrderStore(outbox, MARKET);
            PlacedOrder o =
                    place(store, 900_000, Order.BUY, 4_000_000, 250, 1_000).orElseThrow();
            assertEquals(1_000, o.worstCaseSpend(), "4 kWh at 250");
            Bytes32 d = Bytes32.fromHex(o.digest());
            assertTrue(store.apply(new OrderVerdict(Bytes32.ZERO, 900_000L, true, null, 0, null))
                    .startsWith("UNKNOWN_ORDER"));
            assertTrue(store.apply(new Fill(d, 900_000, Order.SELL, 4_000_000, 1, 1))
                    .startsWith("MISMATCH"));
            assertNull(store.apply(new OrderVerdict(d, 900_000L, true, null, 0, null)));
            assertEquals(1, store.open().size());
            assertNull(store.apply(new Fill(d, 900_000, Order.BUY, 4_000_000, 1_000_000, 180)));
            assertEquals(0, store.open().size(), "cleared");
            PlacedOrder filled = store.forInterval(900_000).orElseThrow();
            assertEquals(250, filled.worstCaseSpend(), "the filled energy at the limit");
            assertNull(store.apply(new Settlement(
                    d, 900_000, BigInteger.valueOf(-180), 1_000_000, Bytes32.fromHex("0x" + "11".repeat(32)), 42)));
            PlacedOrder settled = store.forInterval(900_000).orElseThrow();
            assertEquals(BigInteger.valueOf(-180), settled.netBaseUnits());
            assertEquals(42L, settled.blockNumber());
            assertEquals(PlacedOrder.ACCEPTED, settled.status());

            PlacedOrder r =
                    place(store, 1_800_000, Order.BUY, 1_000_000, 250, 2_000).orElseThrow();
            assertNull(store.apply(
                    new OrderVerdict(Bytes32.fromHex(r.digest()), 1_800_000L, false, "GATE_CLOSED", 41, "late")));
            PlacedOrder refused = store.forInterval(1_800_000).orElseThrow();
            assertEquals(PlacedOrder.REJECTED, refused.status());
            assertEquals("GATE_CLOSED", refused.reason());
            assertEquals(0, refused.worstCaseSpend(), "a refused order spends nothing");
            assertTrue(store.apply(new OrderVerdict(Bytes32.fromHex(r.digest()), 1_800_000L, true, null, 0, null))
                    .startsWith("CONFLICT"));
        }
    }
}
