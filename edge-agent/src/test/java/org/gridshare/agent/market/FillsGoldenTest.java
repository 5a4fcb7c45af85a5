package org.gridshare.agent.market;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.gridshare.agent.inbox.GoldenDownlink;
import org.gridshare.agent.outbox.Outbox;
import org.gridshare.protocol.Address;
import org.gridshare.protocol.Eip712Domain;
import org.gridshare.protocol.Order;
import org.gridshare.protocol.Secp256k1Signer;
import org.gridshare.protocol.ZoneIds;
import org.gridshare.protocol.downlink.Downlink;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The golden fills-topic messages of docs/protocol/downlink, through the agent's path (decode, then
 * apply to the order store, as {@link Trader#onMessage} does). Their digest is the one of the order
 * placed here: anvil account 1 (a public test key) sells 5 kWh in zone-a for interval 1764000900000.
 */
class FillsGoldenTest {
    private static final Eip712Domain MARKET =
            new Eip712Domain(31337, Address.fromHex("0xe7f1725e7734ce288f8367e1bb143e90bb3f0512"));
    private static final Secp256k1Signer HOUSEHOLD = Secp256k1Signer.fromPrivateKey(org.gridshare.protocol.Hex.decode(
            "key", "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d", 32));
    static final long START = 1_764_000_900_000L;

    @TempDir
    Path dir;

    private static PlacedOrder place(OrderStore store) throws Exception {
        return store.place(
                        START,
                        5000,
                        START - 90_000,
                        nonce -> HOUSEHOLD.sign(
                                MARKET,
                                new Order(
                                        HOUSEHOLD.address(),
                                        ZoneIds.of("zone-a"),
                                        START,
                                        Order.SELL,
                                        5000,
                                        120,
                                        nonce,
                                        START)))
                .orElseThrow();
    }

    private static String apply(OrderStore store, String golden) throws Exception {
        return store.apply(Downlink.decodeFills(GoldenDownlink.bytes(golden)));
    }

    @Test
    void verdict_fill_and_settlement_are_recorded_on_the_order() throws Exception {
        try (Outbox outbox = Outbox.open(dir.resolve("outbox.db"), 10)) {
            OrderStore store = new OrderStore(outbox, MARKET);
            PlacedOrder placed = place(store);
            assertEquals("0xc8511c1fdc773103631adb629aa3f586559eedfa886cc2f7a1b5c3a77b884918", placed.digest());

            assertNull(apply(store, "order-verdict-accepted.json"));
            assertEquals(
                    PlacedOrder.ACCEPTED, store.forInterval(START).orElseThrow().status());
            assertNull(apply(store, "fill.json"));
            PlacedOrder filled = store.forInterval(START).orElseThrow();
            assertEquals(1200L, filled.filledMilliWh());
            assertEquals(130L, filled.clearingPricePerKWh());
            assertNull(apply(store, "settlement-negative-net.json"));
            PlacedOrder settled = store.forInterval(START).orElseThrow();
            assertEquals(-156_000L, settled.netBaseUnits().longValueExact());
            assertEquals(1000L, settled.deliveredMilliWh());
            assertEquals("0x1784c1e25a0264b69b19c20c66b08eb437b25ea8d27e8d7f77bac6110876a801", settled.txHash());
            assertEquals(17L, settled.blockNumber());
        }
    }

    @Test
    void a_rejection_is_recorded_with_its_reason_and_an_unnamed_one_matches_no_order() throws Exception {
        try (Outbox outbox = Outbox.open(dir.resolve("outbox.db"), 10)) {
            OrderStore store = new OrderStore(outbox, MARKET);
            place(store);
            assertNull(apply(store, "order-verdict-rejected.json"));
            PlacedOrder refused = store.forInterval(START).orElseThrow();
            assertEquals(PlacedOrder.REJECTED, refused.status());
            assertEquals("GATE_CLOSED", refused.reason());
            assertEquals(0, refused.worstCaseSpend());
            String problem = apply(store, "order-verdict-rejected-undecodable.json");
            assertTrue(problem.startsWith("UNKNOWN_ORDER"), problem);
        }
    }
}
