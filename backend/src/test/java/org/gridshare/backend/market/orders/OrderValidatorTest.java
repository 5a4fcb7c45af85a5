package org.gridshare.backend.market.orders;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Random;
import org.gridshare.backend.market.FakeMarketChain;
import org.gridshare.backend.market.MarketSettings;
import org.gridshare.protocol.Address;
import org.gridshare.protocol.Eip712Domain;
import org.gridshare.protocol.Order;
import org.gridshare.protocol.RejectReason;
import org.gridshare.protocol.Secp256k1Signer;
import org.gridshare.protocol.Signed;
import org.gridshare.protocol.ZoneIds;
import org.gridshare.protocol.wire.JsonWire;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.web3j.crypto.Credentials;

class OrderValidatorTest {
    private static final long INTERVAL = 900_000;
    private static final long START = 1_764_070_200_000L; // a multiple of 15 min
    private static final long GATE = START - 300_000;
    private static final long ARR = GATE - 60_000;
    private static final Address MARKET = Address.fromHex("0x5fbdb2315678afecb367f032d93f642f64180aa3");
    private static final Eip712Domain DOMAIN = new Eip712Domain(31337, MARKET);

    private final Random random = new Random(11);
    private FakeMarketChain chain;
    private OrderValidator validator;
    private OrderBooks books;
    private Secp256k1Signer household;

    @BeforeEach
    void setUp() {
        chain = new FakeMarketChain();
        MarketSettings settings = MarketSettings.of(
                MARKET, Credentials.create("0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d"));
        validator = new OrderValidator(DOMAIN, settings, chain, new CommittedFunds());
        books = new OrderBooks();
        household = key();
        chain.register(key().address(), household.address(), ZoneIds.of("zone-a"), true);
    }

    private Secp256k1Signer key() {
        byte[] k = new byte[32];
        random.nextBytes(k);
        k[0] = (byte) ((k[0] & 0x7f) | 0x01);
        return Secp256k1Signer.fromPrivateKey(k);
    }

    private Order order(int side, long energy, long limit, long nonce) {
        return new Order(household.address(), ZoneIds.of("zone-a"), START, side, energy, limit, nonce, START);
    }

    private OrderVerdict submit(Signed<Order> signed, long arrivalMs) {
        return submit(
                signed, "gridshare/v1/zone-a/" + signed.message().account().toHex() + "/orders", arrivalMs);
    }

    private OrderVerdict submit(Signed<Order> signed, String topic, long arrivalMs) {
        OrderVerdict v =
                validator.validate(new IncomingOrder(topic, JsonWire.encodeOrder(signed), arrivalMs, null), books);
        if (v instanceof OrderVerdict.Accepted a && !a.again()) {
            books.accept(a.order());
            OrderIntake.commit(validator.funds(), a.order());
        }
        return v;
    }

    private static RejectReason reason(OrderVerdict v) {
        return assertInstanceOf(OrderVerdict.Rejected.class, v).reason();
    }

    @Test
    void accepts_a_valid_order_just_before_gate_closure() {
        OrderVerdict v = submit(household.sign(DOMAIN, order(Order.BUY, 1500, 200_000, 1)), GATE - 1);
        AcceptedOrder o = assertInstanceOf(OrderVerdict.Accepted.class, v).order();
        assertEquals(household.address().toHex(), o.account());
        assertEquals(GATE - 1, o.arrivalMs());
        assertEquals(
                1,
                books.orders(new BookKey(ZoneIds.of("zone-a").toHex(), START)).size());
    }

    @Test
    void rejects_order_after_gate_closure() {
        assertEquals(
                RejectReason.GATE_CLOSED, reason(submit(household.sign(DOMAIN, order(0, 1500, 200_000, 1)), GATE)));
    }

    @Test
    void rejects_forged_signature_and_order_for_another_market() {
        Secp256k1Signer forger = key();
        assertEquals(
                RejectReason.BAD_SIGNATURE, reason(submit(forger.sign(DOMAIN, order(0, 1500, 200_000, 1)), GATE - 1)));
        Eip712Domain other = new Eip712Domain(31337, Address.fromHex("0x0000000000000000000000000000000000000001"));
        assertEquals(
                RejectReason.BAD_SIGNATURE,
                reason(submit(household.sign(other, order(0, 1500, 200_000, 1)), GATE - 1)));
    }

    @Test
    void rejects_order_on_another_accounts_topic_and_zone() {
        Signed<Order> s = household.sign(DOMAIN, order(0, 1500, 200_000, 1));
        assertEquals(
                RejectReason.SIGNER_MISMATCH,
                reason(submit(s, "gridshare/v1/zone-a/" + key().address().toHex() + "/orders", GATE - 1)));
        assertEquals(
                RejectReason.ORDER_ZONE_MISMATCH,
                reason(submit(s, "gridshare/v1/zone-b/" + household.address().toHex() + "/orders", GATE - 1)));
    }

    @Test
    void rejects_limits_outside_the_tariffs_and_accepts_both_bounds() {
        assertEquals(
                RejectReason.LIMIT_OUTSIDE_TARIFFS,
                reason(submit(household.sign(DOMAIN, order(0, 1, 79_999, 1)), ARR + 0)));
        assertEquals(
                RejectReason.LIMIT_OUTSIDE_TARIFFS,
                reason(submit(household.sign(DOMAIN, order(0, 1, 300_001, 2)), ARR + 0)));
        assertEquals(
                RejectReason.LIMIT_OUTSIDE_TARIFFS,
                reason(submit(household.sign(DOMAIN, order(0, 1, -1L, 3)), ARR + 0)));
        assertInstanceOf(OrderVerdict.Accepted.class, submit(household.sign(DOMAIN, order(0, 1, 80_000, 4)), ARR + 0));
        assertInstanceOf(OrderVerdict.Accepted.class, submit(household.sign(DOMAIN, order(0, 1, 300_000, 5)), ARR + 0));
    }

    @Test
    void rejects_unaligned_interval_expired_order_and_zero_energy() {
        Order unaligned = new Order(household.address(), ZoneIds.of("zone-a"), START + 1, 0, 10, 100_000, 1, START);
        assertEquals(RejectReason.INTERVAL_NOT_ALIGNED, reason(submit(household.sign(DOMAIN, unaligned), ARR)));
        Order expired = new Order(household.address(), ZoneIds.of("zone-a"), START, 0, 10, 100_000, 1, START - 1);
        assertEquals(RejectReason.ORDER_EXPIRED, reason(submit(household.sign(DOMAIN, expired), ARR)));
        assertEquals(
                RejectReason.ORDER_ENERGY_INVALID,
                reason(submit(household.sign(DOMAIN, order(0, 0, 100_000, 1)), ARR + 0)));
        assertEquals(
                RejectReason.ORDER_ENERGY_INVALID,
                reason(submit(household.sign(DOMAIN, order(0, -1L, 100_000, 1)), ARR + 0)));
        long tooEarly = START - Duration.ofDays(3).toMillis();
        assertEquals(
                RejectReason.INTERVAL_TOO_FAR,
                reason(submit(household.sign(DOMAIN, order(0, 10, 100_000, 1)), tooEarly)));
    }

    @Test
    void a_later_nonce_replaces_the_order_and_an_old_nonce_is_rejected() {
        submit(household.sign(DOMAIN, order(0, 1000, 100_000, 5)), ARR);
        assertInstanceOf(
                OrderVerdict.Accepted.class, submit(household.sign(DOMAIN, order(1, 2000, 90_000, 6)), ARR + 1));
        var book = books.orders(new BookKey(ZoneIds.of("zone-a").toHex(), START));
        assertEquals(1, book.size());
        assertEquals(2000, book.get(0).energyMilliWh());
        assertEquals(
                RejectReason.NONCE_NOT_INCREASING,
                reason(submit(household.sign(DOMAIN, order(0, 3000, 90_000, 6)), ARR + 2)));
        assertEquals(
                RejectReason.NONCE_NOT_INCREASING,
                reason(submit(household.sign(DOMAIN, order(0, 3000, 90_000, 4)), ARR + 2)));
        assertEquals(
                2000,
                books.orders(new BookKey(ZoneIds.of("zone-a").toHex(), START))
                        .get(0)
                        .energyMilliWh());
    }

    @Test
    void a_redelivered_order_is_accepted_again_without_changing_the_book_even_after_gate_closure() {
        Signed<Order> s = household.sign(DOMAIN, order(0, 1000, 100_000, 5));
        assertFalse(
                assertInstanceOf(OrderVerdict.Accepted.class, submit(s, ARR)).again());
        assertTrue(assertInstanceOf(OrderVerdict.Accepted.class, submit(s, GATE + 10))
                .again());
        assertEquals(
                1,
                books.orders(new BookKey(ZoneIds.of("zone-a").toHex(), START)).size());
    }

    @Test
    void rejects_account_without_active_meter_in_the_zone_and_a_cleared_book() {
        Secp256k1Signer stranger = key();
        Order o = new Order(stranger.address(), ZoneIds.of("zone-a"), START, 0, 10, 100_000, 1, START);
        assertEquals(RejectReason.NO_ACTIVE_METER, reason(submit(stranger.sign(DOMAIN, o), ARR)));
        Secp256k1Signer revoked = key();
        chain.register(key().address(), revoked.address(), ZoneIds.of("zone-a"), false);
        Order r = new Order(revoked.address(), ZoneIds.of("zone-a"), START, 0, 10, 100_000, 1, START);
        assertEquals(RejectReason.NO_ACTIVE_METER, reason(submit(revoked.sign(DOMAIN, r), ARR)));
        books.markCleared(new BookKey(ZoneIds.of("zone-a").toHex(), START));
        assertEquals(
                RejectReason.GATE_CLOSED, reason(submit(household.sign(DOMAIN, order(0, 10, 100_000, 9)), ARR + 0)));
    }

    @Test
    void an_unreachable_chain_rejects_as_registry_unavailable_and_keeps_nothing() {
        chain.down = true;
        assertEquals(
                RejectReason.REGISTRY_UNAVAILABLE,
                reason(submit(household.sign(DOMAIN, order(0, 10, 100_000, 1)), ARR + 0)));
        assertNull(books.highestNonce(household.address().toHex()));
    }

    @Test
    void malformed_payload_and_topic_are_rejected_with_their_reason() {
        OrderVerdict v = validator.validate(
                new IncomingOrder(
                        "gridshare/v1/zone-a/" + household.address().toHex() + "/orders",
                        "{not json".getBytes(StandardCharsets.UTF_8),
                        0,
                        null),
                books);
        assertEquals(RejectReason.MALFORMED_JSON, reason(v));
        OrderVerdict t = validator.validate(new IncomingOrder(null, new byte[0], 0, null), books);
        assertEquals(RejectReason.BAD_TOPIC, reason(t));
        assertNull(((OrderVerdict.Rejected) t).zone());
    }

    private Order order(long start, int side, long energy, long limit, long nonce) {
        return new Order(household.address(), ZoneIds.of("zone-a"), start, side, energy, limit, nonce, start);
    }

    @Test
    void worst_case_is_the_limit_plus_fee_for_a_buyer_and_retail_less_limit_for_a_seller_rounded_up() {
        assertEquals(BigInteger.valueOf(315), CommittedFunds.worstCase(Order.BUY, 1500, 200_000, 10_000, 300_000));
        assertEquals(BigInteger.valueOf(1), CommittedFunds.worstCase(Order.BUY, 1, 1, 0, 0)); // 1e-6 rounds up
        assertEquals(BigInteger.valueOf(150), CommittedFunds.worstCase(Order.SELL, 1500, 200_000, 10_000, 300_000));
        assertEquals(BigInteger.ZERO, CommittedFunds.worstCase(Order.SELL, 1500, 300_000, 10_000, 300_000));
        assertEquals(BigInteger.ZERO, CommittedFunds.worstCase(Order.SELL, 1500, 310_000, 10_000, 300_000));
        // uint64 extremes: no overflow, exact
        BigInteger max = new BigInteger("18446744073709551615");
        assertEquals(
                max.multiply(max.multiply(BigInteger.TWO))
                        .add(BigInteger.valueOf(999_999))
                        .divide(BigInteger.valueOf(1_000_000)),
                CommittedFunds.worstCase(Order.BUY, -1L, -1L, -1L, 0));
    }

    @Test
    void rejects_an_order_beyond_the_balance_and_keeps_the_accounts_other_orders_committed() {
        // 1 kWh bought at 200,000 + fee 10,000 commits 210,000; sold at 100,000 (retail 300,000) 200,000
        chain.balances.put(household.address(), BigInteger.valueOf(409_999));
        assertEquals(
                RejectReason.INSUFFICIENT_FUNDS,
                reason(submit(household.sign(DOMAIN, order(Order.BUY, 2_000_000, 200_000, 1)), ARR)));
        assertInstanceOf(
                OrderVerdict.Accepted.class,
                submit(household.sign(DOMAIN, order(Order.BUY, 1_000_000, 200_000, 2)), ARR));
        OrderVerdict.Rejected r = assertInstanceOf(
                OrderVerdict.Rejected.class,
                submit(household.sign(DOMAIN, order(START + INTERVAL, Order.SELL, 1_000_000, 100_000, 3)), ARR));
        assertEquals(RejectReason.INSUFFICIENT_FUNDS, r.reason());
        assertTrue(r.detail().contains("410000"), r.detail());
        // a later nonce in the same book replaces the committed order instead of adding to it
        assertInstanceOf(
                OrderVerdict.Accepted.class,
                submit(household.sign(DOMAIN, order(Order.BUY, 1_900_000, 200_000, 4)), ARR));
        assertEquals(
                BigInteger.valueOf(399_000),
                validator.funds().committed(household.address().toHex()));
    }

    @Test
    void a_withdrawal_request_lowers_what_the_next_order_may_commit() {
        chain.balances.put(household.address(), BigInteger.valueOf(1_000_000));
        assertInstanceOf(
                OrderVerdict.Accepted.class,
                submit(household.sign(DOMAIN, order(Order.BUY, 2_000_000, 200_000, 1)), ARR));
        Order next = order(START + INTERVAL, Order.BUY, 2_000_000, 200_000, 2);
        // requestWithdrawal moves 600,000 out of balanceOf into the pending withdrawal, which is not counted
        chain.balances.put(household.address(), BigInteger.valueOf(400_000));
        assertEquals(RejectReason.INSUFFICIENT_FUNDS, reason(submit(household.sign(DOMAIN, next), ARR)));
        chain.balances.put(household.address(), BigInteger.valueOf(840_000));
        assertInstanceOf(OrderVerdict.Accepted.class, submit(household.sign(DOMAIN, next), ARR));
    }

    @Test
    void commitments_end_when_the_order_clears_unfilled_or_its_batch_settles() {
        chain.balances.put(household.address(), BigInteger.valueOf(420_000));
        CommittedFunds funds = validator.funds();
        OrderVerdict.Accepted first = assertInstanceOf(
                OrderVerdict.Accepted.class,
                submit(household.sign(DOMAIN, order(Order.BUY, 2_000_000, 200_000, 1)), ARR));
        Signed<Order> second = household.sign(DOMAIN, order(START + INTERVAL, Order.BUY, 2_000_000, 200_000, 2));
        assertEquals(RejectReason.INSUFFICIENT_FUNDS, reason(submit(second, ARR)));
        BookKey book = new BookKey(ZoneIds.of("zone-a").toHex(), START);
        funds.release(household.address().toHex(), book, "0xother"); // another order's release changes nothing
        assertEquals(RejectReason.INSUFFICIENT_FUNDS, reason(submit(second, ARR)));
        funds.settled(book);
        assertInstanceOf(OrderVerdict.Accepted.class, submit(second, ARR));
        // a release read before the commitment it ends (another thread) still ends it
        funds.clearCommitments();
        OrderIntake.commit(funds, first.order());
        assertEquals(BigInteger.ZERO, funds.committed(household.address().toHex()));
    }

    @Test
    void an_unreachable_chain_for_the_balance_is_transient() {
        chain.balancesDown = true;
        assertEquals(
                RejectReason.REGISTRY_UNAVAILABLE,
                reason(submit(household.sign(DOMAIN, order(Order.BUY, 1_000, 200_000, 1)), ARR)));
    }
}
