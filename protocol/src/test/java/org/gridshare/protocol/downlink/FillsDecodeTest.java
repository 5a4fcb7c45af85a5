package org.gridshare.protocol.downlink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.gridshare.protocol.Bytes32;
import org.gridshare.protocol.Order;
import org.gridshare.protocol.wire.WireFormatException;
import org.junit.jupiter.api.Test;

/** Decoding of the fills topic (moved from the agent's tests with the decoder). */
class FillsDecodeTest {
    private static final String D = "0x" + "ab".repeat(32);

    private static FillsMessage parse(String json) throws WireFormatException {
        return Downlink.decodeFills(json.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void reads_the_three_kinds_and_ignores_unknown_fields() throws Exception {
        assertEquals(
                new OrderVerdict(Bytes32.fromHex(D), 900_000L, true, null, 0, null),
                parse("{\"type\":\"order\",\"orderDigest\":\"" + D
                        + "\",\"intervalStartMs\":900000,\"status\":\"accepted\",\"x\":1}"));
        assertEquals(
                new OrderVerdict(Bytes32.fromHex(D), 900_000L, false, "GATE_CLOSED", 41, "late"),
                parse("{\"type\":\"order\",\"orderDigest\":\"" + D
                        + "\",\"intervalStartMs\":900000,\"status\":\"rejected\","
                        + "\"reason\":\"GATE_CLOSED\",\"code\":41,\"detail\":\"late\"}"));
        assertEquals(
                new Fill(Bytes32.fromHex(D), 900_000, Order.SELL, 5000, 1200, 130),
                parse("{\"type\":\"fill\",\"orderDigest\":\"" + D + "\",\"intervalStartMs\":900000,\"side\":\"sell\","
                        + "\"energyMilliWh\":5000,\"filledMilliWh\":1200,\"clearingPricePerKWh\":130}"));
        Settlement s = (Settlement) parse("{\"type\":\"settlement\",\"orderDigest\":\"" + D
                + "\",\"intervalStartMs\":900000,\"netBaseUnits\":\"-1234\",\"deliveredMilliWh\":1000,\"txHash\":\"" + D
                + "\",\"blockNumber\":17}");
        assertEquals(BigInteger.valueOf(-1234), s.netBaseUnits());
        assertEquals(17, s.blockNumber());
    }

    @Test
    void rejects_floats_missing_fields_bad_hex_and_unknown_types_naming_the_field() {
        assertEquals(
                "intervalStartMs",
                assertThrows(
                                WireFormatException.class,
                                () -> parse("{\"type\":\"order\",\"orderDigest\":\"" + D
                                        + "\",\"intervalStartMs\":9.5,\"status\":\"accepted\"}"))
                        .field());
        assertEquals(
                "orderDigest",
                assertThrows(
                                WireFormatException.class,
                                () -> parse(
                                        "{\"type\":\"order\",\"orderDigest\":\"0x12\",\"intervalStartMs\":9,\"status\":\"accepted\"}"))
                        .field());
        assertEquals(
                "type",
                assertThrows(
                                WireFormatException.class,
                                () -> parse("{\"type\":\"bonus\",\"orderDigest\":\"" + D + "\",\"intervalStartMs\":9}"))
                        .field());
        assertEquals(
                "netBaseUnits",
                assertThrows(
                                WireFormatException.class,
                                () -> parse("{\"type\":\"settlement\",\"orderDigest\":\"" + D
                                        + "\",\"intervalStartMs\":9,\"netBaseUnits\":12,"
                                        + "\"deliveredMilliWh\":1,\"txHash\":\"" + D + "\",\"blockNumber\":1}"))
                        .field());
        assertEquals(
                "filledMilliWh",
                assertThrows(
                                WireFormatException.class,
                                () -> parse("{\"type\":\"fill\",\"orderDigest\":\"" + D
                                        + "\",\"intervalStartMs\":9,\"side\":\"buy\","
                                        + "\"energyMilliWh\":5,\"filledMilliWh\":6,\"clearingPricePerKWh\":1}"))
                        .field());
        // a fault of the whole message names no field
        assertNull(assertThrows(WireFormatException.class, () -> parse("{not json"))
                .field());
        assertNull(assertThrows(WireFormatException.class, () -> parse("[1]")).field());
    }

    @Test
    void random_garbage_only_raises_our_own_error() {
        Random random = new Random(3);
        byte[] valid = ("{\"type\":\"fill\",\"orderDigest\":\"" + D + "\",\"intervalStartMs\":900000,\"side\":\"sell\","
                        + "\"energyMilliWh\":5000,\"filledMilliWh\":1200,\"clearingPricePerKWh\":130}")
                .getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < 5_000; i++) {
            byte[] b = valid.clone();
            for (int k = 0; k <= random.nextInt(4); k++) {
                b[random.nextInt(b.length)] = (byte) random.nextInt(256);
            }
            try {
                Downlink.decodeFills(b);
            } catch (WireFormatException expected) {
                // the only allowed failure
            }
        }
    }
}
