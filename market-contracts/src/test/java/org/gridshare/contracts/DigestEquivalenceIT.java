package org.gridshare.contracts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.gridshare.protocol.Address;
import org.gridshare.protocol.Bytes32;
import org.gridshare.protocol.Eip712;
import org.gridshare.protocol.Eip712Domain;
import org.gridshare.protocol.IntervalStatement;
import org.gridshare.protocol.MeterReading;
import org.gridshare.protocol.Order;
import org.gridshare.protocol.Secp256k1Signer;
import org.gridshare.protocol.Signed;
import org.gridshare.protocol.TypedMessage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The Java EIP-712 digests ({@link Eip712#digest}) equal the contract's {@code _hashTypedDataV4},
 * evaluated by {@code eth_call} on a real anvil, for seeded random messages with edge values, and a
 * Java signature recovers to its signer on-chain.
 */
class DigestEquivalenceIT {
    static final int PER_TYPE = 1_200;
    static final int BATCH = 300;
    static final long SEED = 0x6772_6964_7368_6172L;

    static LocalChain chain;
    static TypedDataClient typed;
    static Eip712Domain domain;

    @BeforeAll
    static void deploy() throws Exception {
        chain = LocalChain.start();
        typed = TypedDataClient.deploy(chain.web3j, chain.account(0));
        // the domain is built from what the node and the deployment say, not read back from the contract
        domain = new Eip712Domain(chain.web3j.ethChainId().send().getChainId().longValueExact(), typed.address());
    }

    @AfterAll
    static void stop() {
        if (chain != null) {
            chain.close();
        }
    }

    @Test
    void domain_and_separator_match_the_contract() throws Exception {
        assertEquals(31337, domain.chainId());
        assertEquals(domain, typed.domain());
        assertEquals(domain.separator(), typed.domainSeparator());
    }

    @Test
    void meter_reading_digests_equal_the_contract() throws Exception {
        Random rnd = new Random(SEED);
        List<MeterReading> readings = new ArrayList<>();
        readings.add(new MeterReading(address(0), 0, 0, 0, 0, 0, 0, Bytes32.ZERO));
        readings.add(new MeterReading(address(0xff), -1L, -1L, -1L, -1L, Long.MAX_VALUE, 0xFFFF_FFFFL, bytes32(0xff)));
        readings.add(new MeterReading(address(0xff), -1L, -1L, -1L, -1L, Long.MIN_VALUE, 0xFFFF_FFFFL, bytes32(0xff)));
        readings.add(new MeterReading(address(1), 1, Long.MIN_VALUE, Long.MAX_VALUE, 1, -1, 1, bytes32(1)));
        while (readings.size() < PER_TYPE) {
            readings.add(new MeterReading(
                    address(rnd), u64(rnd), u64(rnd), u64(rnd), u64(rnd), i64(rnd), u32(rnd), bytes32(rnd)));
        }
        assertSameDigests(readings, typed::meterReadingDigests);
    }

    @Test
    void interval_statement_digests_equal_the_contract() throws Exception {
        Random rnd = new Random(SEED + 1);
        List<IntervalStatement> statements = new ArrayList<>();
        statements.add(new IntervalStatement(address(0), 0, 0, 0, 0, 0, 0, 0, 0, Bytes32.ZERO));
        statements.add(
                new IntervalStatement(address(0xff), -1L, 0xFFFF_FFFFL, -1L, -1L, -1L, -1L, -1L, -1L, bytes32(0xff)));
        statements.add(new IntervalStatement(
                address(7),
                1_767_225_600_000L,
                900,
                0,
                Long.MIN_VALUE,
                Long.MAX_VALUE,
                -1L,
                1,
                Long.MIN_VALUE,
                bytes32(7)));
        while (statements.size() < PER_TYPE) {
            statements.add(new IntervalStatement(
                    address(rnd),
                    u64(rnd),
                    u32(rnd),
                    u64(rnd),
                    u64(rnd),
                    u64(rnd),
                    u64(rnd),
                    u64(rnd),
                    u64(rnd),
                    bytes32(rnd)));
        }
        assertSameDigests(statements, typed::intervalStatementDigests);
    }

    @Test
    void order_digests_equal_the_contract() throws Exception {
        Random rnd = new Random(SEED + 2);
        List<Order> orders = new ArrayList<>();
        orders.add(new Order(address(0), Bytes32.ZERO, 0, Order.BUY, 0, 0, 0, 0));
        orders.add(new Order(address(0xff), bytes32(0xff), -1L, Order.SELL, -1L, -1L, -1L, -1L));
        orders.add(new Order(
                address(3), bytes32(3), Long.MAX_VALUE, Order.SELL, Long.MIN_VALUE, 1, Long.MAX_VALUE, Long.MIN_VALUE));
        while (orders.size() < PER_TYPE) {
            orders.add(new Order(
                    address(rnd), bytes32(rnd), u64(rnd), rnd.nextInt(2), u64(rnd), u64(rnd), u64(rnd), u64(rnd)));
        }
        assertSameDigests(orders, typed::orderDigests);
    }

    @Test
    void single_message_views_agree_with_the_batch_views() throws Exception {
        Random rnd = new Random(SEED + 3);
        MeterReading r = new MeterReading(
                address(rnd), u64(rnd), u64(rnd), u64(rnd), u64(rnd), i64(rnd), u32(rnd), bytes32(rnd));
        IntervalStatement s = new IntervalStatement(
                address(rnd),
                u64(rnd),
                u32(rnd),
                u64(rnd),
                u64(rnd),
                u64(rnd),
                u64(rnd),
                u64(rnd),
                u64(rnd),
                bytes32(rnd));
        Order o = new Order(address(rnd), bytes32(rnd), u64(rnd), Order.SELL, u64(rnd), u64(rnd), u64(rnd), u64(rnd));
        assertEquals(Eip712.digest(domain, r), typed.digest(r));
        assertEquals(Eip712.digest(domain, s), typed.digest(s));
        assertEquals(Eip712.digest(domain, o), typed.digest(o));
    }

    @Test
    void java_signatures_recover_to_the_signer_on_chain() throws Exception {
        Random rnd = new Random(SEED + 4);
        for (int i = 0; i < 20; i++) {
            Secp256k1Signer meterKey = Secp256k1Signer.generate();
            Secp256k1Signer householdKey = Secp256k1Signer.generate();
            MeterReading r = new MeterReading(
                    meterKey.address(), u64(rnd), u64(rnd), u64(rnd), u64(rnd), i64(rnd), u32(rnd), bytes32(rnd));
            IntervalStatement s = new IntervalStatement(
                    meterKey.address(),
                    u64(rnd),
                    u32(rnd),
                    u64(rnd),
                    u64(rnd),
                    u64(rnd),
                    u64(rnd),
                    u64(rnd),
                    u64(rnd),
                    bytes32(rnd));
            Order o = new Order(
                    householdKey.address(),
                    bytes32(rnd),
                    u64(rnd),
                    rnd.nextInt(2),
                    u64(rnd),
                    u64(rnd),
                    u64(rnd),
                    u64(rnd));
            assertEquals(meterKey.address(), typed.recoverMeterReading(meterKey.sign(domain, r)));
            assertEquals(meterKey.address(), typed.recoverIntervalStatement(meterKey.sign(domain, s)));
            assertEquals(householdKey.address(), typed.recoverOrder(householdKey.sign(domain, o)));
        }
    }

    @Test
    void signature_over_a_changed_field_recovers_someone_else() throws Exception {
        Secp256k1Signer key = Secp256k1Signer.generate();
        Order order =
                new Order(key.address(), bytes32(9), 1_767_225_600_000L, Order.BUY, 2_500, 310, 1, 1_767_226_500_000L);
        Signed<Order> signed = key.sign(domain, order);
        Order raisedPrice =
                new Order(key.address(), bytes32(9), 1_767_225_600_000L, Order.BUY, 2_500, 311, 1, 1_767_226_500_000L);
        assertNotEquals(key.address(), typed.recoverOrder(new Signed<>(raisedPrice, signed.signature())));
    }

    @Test
    void contract_rejects_the_high_s_twin_of_a_java_signature() throws Exception {
        Secp256k1Signer key = Secp256k1Signer.generate();
        Order order = new Order(key.address(), bytes32(5), 1, Order.SELL, 1, 1, 1, 1);
        byte[] sig = key.sign(domain, order).signature().toBytes();
        BigInteger n = new BigInteger("FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141", 16);
        BigInteger highS = n.subtract(new BigInteger(1, java.util.Arrays.copyOfRange(sig, 32, 64)));
        byte[] twin = sig.clone();
        byte[] highSBytes = org.web3j.utils.Numeric.toBytesPadded(highS, 32);
        System.arraycopy(highSBytes, 0, twin, 32, 32);
        twin[64] = (byte) (sig[64] == 27 ? 28 : 27);

        ContractRevertException e = assertThrows(ContractRevertException.class, () -> typed.recoverOrder(order, twin));
        assertEquals("ECDSAInvalidSignatureS", e.errorName(), e.getMessage());
        assertEquals(List.of(org.web3j.utils.Numeric.toHexString(highSBytes)), e.arguments());
    }

    private <T extends TypedMessage> void assertSameDigests(List<T> messages, ChainDigests<T> onChain)
            throws Exception {
        int compared = 0;
        for (int from = 0; from < messages.size(); from += BATCH) {
            List<T> batch = messages.subList(from, Math.min(messages.size(), from + BATCH));
            List<Bytes32> chainDigests = onChain.apply(batch);
            assertEquals(batch.size(), chainDigests.size(), "digests returned for batch at " + from);
            for (int i = 0; i < batch.size(); i++) {
                T m = batch.get(i);
                assertEquals(chainDigests.get(i), Eip712.digest(domain, m), "message " + (from + i) + ": " + m);
                compared++;
            }
        }
        assertEquals(PER_TYPE, compared);
    }

    @FunctionalInterface
    interface ChainDigests<T> {
        List<Bytes32> apply(List<T> batch) throws ChainCallException;
    }

    // --- seeded values: a fifth of the draws are edge values, the rest uniform over the type

    private static long u64(Random rnd) {
        return switch (rnd.nextInt(10)) {
            case 0 -> 0L;
            case 1 -> -1L; // 2^64 - 1
            default -> rnd.nextLong();
        };
    }

    private static long i64(Random rnd) {
        return switch (rnd.nextInt(10)) {
            case 0 -> Long.MIN_VALUE;
            case 1 -> Long.MAX_VALUE;
            default -> rnd.nextLong();
        };
    }

    private static long u32(Random rnd) {
        return switch (rnd.nextInt(10)) {
            case 0 -> 0L;
            case 1 -> 0xFFFF_FFFFL;
            default -> rnd.nextLong() & 0xFFFF_FFFFL;
        };
    }

    private static Address address(Random rnd) {
        byte[] b = new byte[Address.LENGTH];
        rnd.nextBytes(b);
        return new Address(b);
    }

    private static Address address(int fill) {
        byte[] b = new byte[Address.LENGTH];
        java.util.Arrays.fill(b, (byte) fill);
        return new Address(b);
    }

    private static Bytes32 bytes32(Random rnd) {
        byte[] b = new byte[Bytes32.LENGTH];
        rnd.nextBytes(b);
        return new Bytes32(b);
    }

    private static Bytes32 bytes32(int fill) {
        byte[] b = new byte[Bytes32.LENGTH];
        java.util.Arrays.fill(b, (byte) fill);
        return new Bytes32(b);
    }
}
