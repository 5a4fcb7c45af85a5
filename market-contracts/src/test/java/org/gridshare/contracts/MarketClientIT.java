package org.gridshare.contracts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.util.Arrays;
import java.util.List;
import org.gridshare.protocol.Address;
import org.gridshare.protocol.Eip712Domain;
import org.gridshare.protocol.Order;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@link MarketClient} settling batches signed by Java keys on the real EnergyMarket on anvil. */
class MarketClientIT {
    static final long INTERVAL = 1_767_225_600_000L;
    static final long PRICE = 155_000;
    static LocalChain chain;
    static MarketScenario s;

    @BeforeAll
    static void deploy() throws Exception {
        chain = LocalChain.start();
        s = new MarketScenario(chain);
        s.enrol(3);
    }

    @AfterAll
    static void stop() {
        if (chain != null) {
            chain.close();
        }
    }

    static BigInteger balance(Address a) throws ChainCallException {
        return s.market.balanceOf(a);
    }

    @Test
    void settles_a_batch_signed_by_java_keys_with_a_seller_shortfall() throws Exception {
        long interval = INTERVAL;
        Address seller = s.households.get(0).account();
        Address buyer = s.households.get(1).account();
        Address grid = Address.fromHex(s.operator.getAddress());
        BigInteger sellerBefore = balance(seller);
        BigInteger buyerBefore = balance(buyer);
        BigInteger gridBefore = balance(grid);
        BigInteger held = s.token.balanceOf(s.market.address());
        // seller sold 2 kWh but exported 1.5; buyer bought and imported 2 kWh
        SettlementBatch batch = new SettlementBatch(
                MarketScenario.ZONE,
                interval,
                MarketScenario.INTERVAL_SECONDS,
                PRICE,
                List.of(
                        s.participant(1, interval, Order.BUY, 2_500_000, 300_000, 2_000_000, 2_000_000, 0),
                        s.participant(0, interval, Order.SELL, 2_000_000, 100_000, 2_000_000, 0, 1_500_000)));
        assertFalse(s.market.isSettled(MarketScenario.ZONE, interval));

        assertTrue(s.market.submitBatch(batch).isStatusOK());

        assertTrue(s.market.isSettled(MarketScenario.ZONE, interval));
        // 1.5 kWh at 155,000 = 232,500, shortfall 0.5 kWh at retail - price = 82,500
        assertEquals(sellerBefore.add(BigInteger.valueOf(232_500 - 82_500)), balance(seller), "seller");
        // 2 kWh at price 310,000 plus the grid fee 20,000
        assertEquals(buyerBefore.subtract(BigInteger.valueOf(330_000)), balance(buyer), "buyer");
        assertEquals(gridBefore.add(BigInteger.valueOf(180_000)), balance(grid), "grid: 0.5 kWh at retail and the fee");
        assertEquals(held, s.token.balanceOf(s.market.address()), "no token left or entered the market");

        MarketClient asSeller =
                MarketClient.load(chain.web3j, s.households.get(0).credentials(), s.market.address());
        asSeller.withdraw(BigInteger.valueOf(150_000));
        assertEquals(sellerBefore, balance(seller), "withdrawn");
        assertEquals(BigInteger.valueOf(150_000), asSeller.token().balanceOf(seller), "paid out in tokens");
    }

    @Test
    void a_replayed_batch_reverts_by_name() throws Exception {
        long interval = INTERVAL + 900_000;
        SettlementBatch batch = s.fullDeliveryBatch(2, interval, PRICE);
        s.market.submitBatch(batch);
        BigInteger after = balance(s.households.get(0).account());

        ContractRevertException e = assertThrows(ContractRevertException.class, () -> s.market.submitBatch(batch));
        assertEquals("BatchAlreadySettled", e.errorName());
        assertEquals(after, balance(s.households.get(0).account()), "settled once");
    }

    @Test
    void a_statement_signed_for_another_contract_reverts_by_name() throws Exception {
        long interval = INTERVAL + 2_700_000;
        SettlementBatch honest = s.fullDeliveryBatch(2, interval, PRICE);
        SettlementBatch.Participant p = honest.participants().get(0);
        Eip712Domain otherContract = new Eip712Domain(chain.anvil.chainId(), s.registry.address());
        SettlementBatch.Participant forged = new SettlementBatch.Participant(
                p.order(),
                s.households.get(0).meter().sign(otherContract, p.statement().message()),
                p.fillMilliWh());
        SettlementBatch batch = new SettlementBatch(
                MarketScenario.ZONE,
                interval,
                MarketScenario.INTERVAL_SECONDS,
                PRICE,
                List.of(forged, honest.participants().get(1)));

        ContractRevertException e = assertThrows(ContractRevertException.class, () -> s.market.submitBatch(batch));
        assertEquals("StatementSignerMismatch", e.errorName());
        assertFalse(s.market.isSettled(MarketScenario.ZONE, interval));
    }

    @Test
    void a_batch_from_a_household_account_reverts_with_the_role_error() throws Exception {
        MarketClient asHousehold =
                MarketClient.load(chain.web3j, s.households.get(2).credentials(), s.market.address());
        ContractRevertException e = assertThrows(
                ContractRevertException.class,
                () -> asHousehold.submitBatch(s.fullDeliveryBatch(2, INTERVAL + 1_800_000, PRICE)));
        assertEquals("AccessControlUnauthorizedAccount", e.errorName());
    }

    @Test
    void an_order_that_expired_before_its_interval_started_reverts_naming_the_participant() throws Exception {
        long interval = INTERVAL + 5_400_000;
        SettlementBatch.Participant sell =
                s.participant(0, interval, Order.SELL, 1_000_000, 100_000, 1_000_000, 0, 1_000_000, interval);
        SettlementBatch.Participant expired =
                s.participant(1, interval, Order.BUY, 1_000_000, 300_000, 1_000_000, 1_000_000, 0, interval - 1);
        // the contract reads participants in ascending account order
        int index = Arrays.compareUnsigned(
                                s.households.get(1).account().bytes(),
                                s.households.get(0).account().bytes())
                        < 0
                ? 0
                : 1;
        SettlementBatch batch = new SettlementBatch(
                MarketScenario.ZONE, interval, MarketScenario.INTERVAL_SECONDS, PRICE, List.of(sell, expired));

        ContractRevertException e = assertThrows(ContractRevertException.class, () -> s.market.submitBatch(batch));

        assertEquals("OrderExpired", e.errorName());
        assertEquals(
                List.of(Integer.toString(index), Long.toString(interval - 1), Long.toString(interval)), e.arguments());
        assertFalse(s.market.isSettled(MarketScenario.ZONE, interval));
        // an order that expires exactly when its interval starts still stands
        SettlementBatch.Participant atStart =
                s.participant(1, interval, Order.BUY, 1_000_000, 300_000, 1_000_000, 1_000_000, 0, interval);
        assertTrue(s.market
                .submitBatch(new SettlementBatch(
                        MarketScenario.ZONE, interval, MarketScenario.INTERVAL_SECONDS, PRICE, List.of(sell, atStart)))
                .isStatusOK());
    }

    @Test
    void the_batch_id_matches_the_contract() throws Exception {
        assertFalse(s.market.isSettled(MarketScenario.ZONE, INTERVAL + 3_600_000));
        s.market.submitBatch(s.fullDeliveryBatch(2, INTERVAL + 3_600_000, PRICE));
        assertTrue(s.market.isSettled(MarketScenario.ZONE, INTERVAL + 3_600_000));
        assertFalse(s.market.isSettled(MarketScenario.ZONE, INTERVAL + 4_500_000));
    }
}
