package org.gridshare.protocol;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.web3j.crypto.StructuredDataEncoder;

/** Our direct struct encoding against web3j's independent eth_signTypedData_v4 encoder. */
class Eip712CrossCheckTest {
    private static final int MESSAGES_PER_TYPE = 1_000;

    @Test
    void type_strings_are_what_web3j_derives_from_the_field_lists() throws Exception {
        RandomMessages rnd = new RandomMessages(7);
        Eip712Domain domain = rnd.domain();
        for (TypedMessage m : new TypedMessage[] {rnd.reading(), rnd.statement(), rnd.order()}) {
            StructuredDataEncoder enc = encoder(domain, m);
            String expected = switch (m) {
                case MeterReading r -> MeterReading.TYPE;
                case IntervalStatement s -> IntervalStatement.TYPE;
                case Order o -> Order.TYPE;
                default -> throw new AssertionError();
            };
            assertEquals(expected, enc.encodeType(m.primaryType()));
            assertEquals(Eip712Domain.TYPE, enc.encodeType("EIP712Domain"));
        }
        assertEquals(
                "MeterReading(address meter,uint64 seq,uint64 timeMs,uint64 importMilliWh,uint64 exportMilliWh,"
                        + "int64 powerMilliW,uint32 status,bytes32 prev)",
                MeterReading.TYPE);
        assertEquals(
                "IntervalStatement(address meter,uint64 intervalStartMs,uint32 intervalSeconds,uint64 importStart,"
                        + "uint64 importEnd,uint64 exportStart,uint64 exportEnd,uint64 firstSeq,uint64 lastSeq,bytes32 readingsRoot)",
                IntervalStatement.TYPE);
        assertEquals(
                "Order(address account,bytes32 zone,uint64 intervalStartMs,uint8 side,uint64 energyMilliWh,"
                        + "uint64 limitPricePerKWh,uint64 nonce,uint64 expiryMs)",
                Order.TYPE);
    }

    @Test
    void reading_digests_equal_web3j_for_random_and_edge_values() throws Exception {
        RandomMessages rnd = new RandomMessages(1);
        crossCheck(rnd, rnd::reading);
    }

    @Test
    void statement_digests_equal_web3j_for_random_and_edge_values() throws Exception {
        RandomMessages rnd = new RandomMessages(2);
        crossCheck(rnd, rnd::statement);
    }

    @Test
    void order_digests_equal_web3j_for_random_and_edge_values() throws Exception {
        RandomMessages rnd = new RandomMessages(3);
        crossCheck(rnd, rnd::order);
    }

    @Test
    void extreme_values_hash_like_web3j() throws Exception {
        Address ff = Address.fromHex("0xffffffffffffffffffffffffffffffffffffffff");
        Bytes32 ones = Bytes32.fromHex("0x" + "ff".repeat(32));
        Eip712Domain domain = new Eip712Domain(Long.MAX_VALUE, ff);
        TypedMessage[] extremes = {
            new MeterReading(ff, -1L, -1L, -1L, -1L, Long.MIN_VALUE, 0xFFFF_FFFFL, ones),
            new MeterReading(ff, -1L, -1L, -1L, -1L, Long.MAX_VALUE, 0, Bytes32.ZERO),
            new MeterReading(new Address(new byte[20]), 0, 0, 0, 0, -1L, 0, Bytes32.ZERO),
            new IntervalStatement(ff, -1L, 0xFFFF_FFFFL, -1L, -1L, -1L, -1L, -1L, -1L, ones),
            new IntervalStatement(ff, 0, 0, 0, 0, 0, 0, 0, 0, Bytes32.ZERO),
            new Order(ff, ones, -1L, Order.SELL, -1L, -1L, -1L, -1L),
            new Order(ff, Bytes32.ZERO, 0, Order.BUY, 0, 0, 0, 0),
        };
        for (TypedMessage m : extremes) {
            assertDigestMatches(domain, m);
        }
    }

    private static void crossCheck(RandomMessages rnd, Supplier<? extends TypedMessage> messages) throws Exception {
        for (int i = 0; i < MESSAGES_PER_TYPE; i++) {
            assertDigestMatches(rnd.domain(), messages.get());
        }
    }

    private static void assertDigestMatches(Eip712Domain domain, TypedMessage m) throws Exception {
        StructuredDataEncoder enc = encoder(domain, m);
        assertArrayEquals(enc.hashDomain(), domain.separator().bytes(), () -> "separator of " + domain);
        assertArrayEquals(enc.hashStructuredData(), Eip712.digest(domain, m).bytes(), () -> "digest of " + m);
    }

    static StructuredDataEncoder encoder(Eip712Domain domain, TypedMessage m) throws Exception {
        return new StructuredDataEncoder(TypedDataJson.MAPPER.writeValueAsString(TypedDataJson.of(domain, m)));
    }
}
