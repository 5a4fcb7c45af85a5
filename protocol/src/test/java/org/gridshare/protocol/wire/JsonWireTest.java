package org.gridshare.protocol.wire;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.gridshare.protocol.Address;
import org.gridshare.protocol.Bytes32;
import org.gridshare.protocol.Eip712Domain;
import org.gridshare.protocol.IntervalStatement;
import org.gridshare.protocol.MeterReading;
import org.gridshare.protocol.Order;
import org.gridshare.protocol.RandomMessages;
import org.gridshare.protocol.Secp256k1Signer;
import org.gridshare.protocol.SignatureVerifier;
import org.gridshare.protocol.Signed;
import org.gridshare.protocol.wire.WireFormatException.Reason;
import org.junit.jupiter.api.Test;

class JsonWireTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private final Secp256k1Signer signer = Secp256k1Signer.fromPrivateKey(key(1));
    private final Eip712Domain domain = new Eip712Domain(31337, Address.fromHex("0x" + "ab".repeat(20)));

    private static byte[] key(int seed) {
        byte[] k = new byte[32];
        new Random(seed).nextBytes(k);
        k[0] = 0x11;
        return k;
    }

    private byte[] sampleReading() {
        MeterReading m = new MeterReading(signer.address(), 42, 1_764_000_000_000L, 123, 0, -500, 0, Bytes32.ZERO);
        return JsonWire.encodeReading(signer.sign(domain, m));
    }

    @Test
    void random_messages_round_trip_and_still_verify() throws Exception {
        RandomMessages rnd = new RandomMessages(21);
        for (int i = 0; i < 300; i++) {
            Signed<MeterReading> r = signer.sign(domain, rnd.reading());
            Signed<MeterReading> r2 = JsonWire.decodeReading(JsonWire.encodeReading(r));
            assertEquals(r, r2);
            assertEquals(signer.address(), SignatureVerifier.recover(domain, r2));
            Signed<IntervalStatement> s = signer.sign(domain, rnd.statement());
            assertEquals(s, JsonWire.decodeStatement(JsonWire.encodeStatement(s)));
            Signed<Order> o = signer.sign(domain, rnd.order());
            assertEquals(o, JsonWire.decodeOrder(JsonWire.encodeOrder(o)));
        }
    }

    @Test
    void writes_64_bit_values_as_decimal_strings_and_small_ones_as_numbers() throws Exception {
        MeterReading m = new MeterReading(
                signer.address(), -1L, 1_764_000_000_000L, 123, 0, Long.MIN_VALUE, 0xFFFF_FFFFL, Bytes32.ZERO);
        ObjectNode json = (ObjectNode) MAPPER.readTree(JsonWire.encodeReading(signer.sign(domain, m)));
        assertEquals("MeterReading", json.get("type").textValue());
        assertEquals("18446744073709551615", json.get("seq").textValue());
        assertEquals("-9223372036854775808", json.get("powerMilliW").textValue());
        assertTrue(json.get("status").isIntegralNumber());
        assertEquals(4294967295L, json.get("status").longValue());
        assertEquals(signer.address().toHex(), json.get("meter").textValue());
        assertEquals(132, json.get("signature").textValue().length());
        assertTrue(JsonWire.encodeReading(signer.sign(domain, m)).length < JsonWire.MAX_PAYLOAD_BYTES);
    }

    @Test
    void accepts_integers_as_numbers_or_decimal_strings() throws Exception {
        ObjectNode json = (ObjectNode) MAPPER.readTree(sampleReading());
        json.put("seq", 42);
        json.put("importMilliWh", "123");
        json.put("powerMilliW", -500);
        json.put("status", "0");
        Signed<MeterReading> decoded = JsonWire.decodeReading(MAPPER.writeValueAsBytes(json));
        assertEquals(42, decoded.message().seq());
        assertEquals(-500, decoded.message().powerMilliW());
        assertEquals(signer.address(), SignatureVerifier.recover(domain, decoded));
        // max uint64 as a JSON number
        String big = new String(sampleReading(), StandardCharsets.UTF_8)
                .replace("\"seq\":\"42\"", "\"seq\":18446744073709551615");
        assertEquals(
                -1L,
                JsonWire.decodeReading(big.getBytes(StandardCharsets.UTF_8))
                        .message()
                        .seq());
    }

    @Test
    void rejects_floats_in_any_integer_field() throws Exception {
        for (String literal : new String[] {"1.0", "1e3", "1E+3", "-0.5", "42.000"}) {
            assertReason(
                    Reason.FLOAT_NOT_ALLOWED,
                    "seq",
                    replaceRaw(sampleReading(), "\"seq\":\"42\"", "\"seq\":" + literal));
            assertReason(
                    Reason.FLOAT_NOT_ALLOWED,
                    "seq",
                    replaceRaw(sampleReading(), "\"seq\":\"42\"", "\"seq\":\"" + literal + "\""));
        }
        assertReason(Reason.FLOAT_NOT_ALLOWED, "status", replaceRaw(sampleReading(), "\"status\":0", "\"status\":0.0"));
    }

    @Test
    void range_checks_each_field_by_its_type() throws Exception {
        assertReason(Reason.OUT_OF_RANGE, "seq", withField(sampleReading(), "seq", "18446744073709551616"));
        assertReason(Reason.OUT_OF_RANGE, "seq", withField(sampleReading(), "seq", "-1"));
        assertReason(
                Reason.OUT_OF_RANGE, "powerMilliW", withField(sampleReading(), "powerMilliW", "9223372036854775808"));
        assertReason(
                Reason.OUT_OF_RANGE, "powerMilliW", withField(sampleReading(), "powerMilliW", "-9223372036854775809"));
        assertReason(Reason.OUT_OF_RANGE, "status", withField(sampleReading(), "status", "4294967296"));
        assertReason(Reason.OUT_OF_RANGE, "seq", withField(sampleReading(), "seq", "1" + "0".repeat(60)));
        Signed<Order> o = signer.sign(domain, new Order(signer.address(), Bytes32.ZERO, 0, Order.SELL, 1, 1, 1, 1));
        assertReason(
                Reason.OUT_OF_RANGE, "side", withField(JsonWire.encodeOrder(o), "side", "2"), JsonWire::decodeOrder);
        assertReason(
                Reason.OUT_OF_RANGE, "side", withField(JsonWire.encodeOrder(o), "side", "256"), JsonWire::decodeOrder);
        Signed<IntervalStatement> s =
                signer.sign(domain, new IntervalStatement(signer.address(), 0, 900, 0, 0, 0, 0, 0, 0, Bytes32.ZERO));
        assertReason(
                Reason.OUT_OF_RANGE,
                "intervalSeconds",
                withField(JsonWire.encodeStatement(s), "intervalSeconds", "-1"),
                JsonWire::decodeStatement);
        // boundaries themselves are accepted
        assertEquals(
                Long.MIN_VALUE,
                JsonWire.decodeReading(withField(sampleReading(), "powerMilliW", "-9223372036854775808"))
                        .message()
                        .powerMilliW());
        assertEquals(
                0xFFFF_FFFFL,
                JsonWire.decodeReading(withField(sampleReading(), "status", "4294967295"))
                        .message()
                        .status());
    }

    @Test
    void rejects_malformed_integer_strings_without_guessing() throws Exception {
        for (String bad : new String[] {"", " 42", "42 ", "+42", "042", "0x2a", "forty-two", "-0", "4_2"}) {
            assertReason(Reason.BAD_FIELD, "seq", withField(sampleReading(), "seq", bad));
        }
        assertReason(Reason.BAD_FIELD, "seq", replaceRaw(sampleReading(), "\"seq\":\"42\"", "\"seq\":true"));
        assertReason(Reason.BAD_FIELD, "seq", replaceRaw(sampleReading(), "\"seq\":\"42\"", "\"seq\":null"));
        assertReason(Reason.BAD_FIELD, "seq", replaceRaw(sampleReading(), "\"seq\":\"42\"", "\"seq\":[42]"));
    }

    @Test
    void rejects_missing_unknown_and_duplicate_fields() throws Exception {
        ObjectNode json = (ObjectNode) MAPPER.readTree(sampleReading());
        json.remove("prev");
        assertReason(Reason.MISSING_FIELD, "prev", MAPPER.writeValueAsBytes(json));
        json = (ObjectNode) MAPPER.readTree(sampleReading());
        json.put("extra", 1);
        assertReason(Reason.UNKNOWN_FIELD, "extra", MAPPER.writeValueAsBytes(json));
        assertReason(
                Reason.MALFORMED_JSON,
                null,
                replaceRaw(sampleReading(), "\"seq\":\"42\"", "\"seq\":\"42\",\"seq\":\"43\""));
        json = (ObjectNode) MAPPER.readTree(sampleReading());
        json.put("type", "Order");
        assertReason(Reason.BAD_FIELD, "type", MAPPER.writeValueAsBytes(json));
        json.remove("type");
        assertReason(Reason.MISSING_FIELD, "type", MAPPER.writeValueAsBytes(json));
        // a reading is not an order
        assertReason(Reason.UNKNOWN_FIELD, null, sampleReading(), JsonWire::decodeOrder);
    }

    @Test
    void rejects_bad_hex_and_bad_signatures() throws Exception {
        assertReason(Reason.BAD_FIELD, "meter", withField(sampleReading(), "meter", "0x1234"));
        assertReason(Reason.BAD_FIELD, "prev", withField(sampleReading(), "prev", "0x" + "zz".repeat(32)));
        assertReason(Reason.BAD_SIGNATURE_ENCODING, "signature", withField(sampleReading(), "signature", "0x00"));
        ObjectNode json = (ObjectNode) MAPPER.readTree(sampleReading());
        String sig = json.get("signature").textValue();
        assertReason(
                Reason.BAD_SIGNATURE_ENCODING,
                "signature",
                withField(sampleReading(), "signature", sig.substring(0, 130) + "00"));
        // high-s twin: s' = n - s, v flipped
        java.math.BigInteger n =
                new java.math.BigInteger("FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141", 16);
        java.math.BigInteger s = new java.math.BigInteger(sig.substring(66, 130), 16);
        String highS = String.format("%064x", n.subtract(s));
        String v = sig.endsWith("1b") ? "1c" : "1b";
        assertReason(
                Reason.BAD_SIGNATURE_ENCODING,
                "signature",
                withField(sampleReading(), "signature", sig.substring(0, 66) + highS + v));
        json.put("signature", 5);
        assertReason(Reason.BAD_SIGNATURE_ENCODING, "signature", MAPPER.writeValueAsBytes(json));
    }

    @Test
    void rejects_oversized_and_non_object_payloads() {
        byte[] big = new byte[JsonWire.MAX_PAYLOAD_BYTES + 1];
        java.util.Arrays.fill(big, (byte) ' ');
        assertReason(Reason.OVERSIZED, null, big);
        assertReason(Reason.MALFORMED_JSON, null, new byte[0]);
        assertReason(Reason.MALFORMED_JSON, null, "[]".getBytes(StandardCharsets.UTF_8));
        assertReason(Reason.MALFORMED_JSON, null, "{\"type\":".getBytes(StandardCharsets.UTF_8));
        assertReason(Reason.MALFORMED_JSON, null, "{} {}".getBytes(StandardCharsets.UTF_8));
        assertReason(Reason.MALFORMED_JSON, null, "42".getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void hostile_shapes_within_the_size_limit_are_rejected_cleanly() {
        String deep = "{\"type\":" + "[".repeat(2_000) + "]".repeat(2_000) + "}";
        assertReason(Reason.MALFORMED_JSON, null, deep.getBytes(StandardCharsets.UTF_8));
        assertReason(
                Reason.FLOAT_NOT_ALLOWED, "seq", replaceRaw(sampleReading(), "\"seq\":\"42\"", "\"seq\":1e999999999"));
        String longNumber = new String(sampleReading(), StandardCharsets.UTF_8)
                .replace("\"seq\":\"42\"", "\"seq\":" + "9".repeat(2_000));
        WireFormatException e = assertThrows(
                WireFormatException.class, () -> JsonWire.decodeReading(longNumber.getBytes(StandardCharsets.UTF_8)));
        assertTrue(e.reason() == Reason.MALFORMED_JSON || e.reason() == Reason.OUT_OF_RANGE, e.getMessage());
    }

    @Test
    void random_garbage_and_mutations_only_raise_wire_format_exceptions() {
        Random random = new Random(22);
        byte[] valid = sampleReading();
        for (int i = 0; i < 20_000; i++) {
            byte[] input;
            if (i % 2 == 0) {
                input = valid.clone();
                int flips = 1 + random.nextInt(4);
                for (int f = 0; f < flips; f++) {
                    input[random.nextInt(input.length)] = (byte) random.nextInt(256);
                }
            } else {
                input = new byte[random.nextInt(200)];
                random.nextBytes(input);
            }
            try {
                JsonWire.decodeReading(input);
                JsonWire.decodeOrder(input);
                JsonWire.decodeStatement(input);
            } catch (WireFormatException expected) {
                // the only acceptable failure
            } catch (RuntimeException e) {
                fail("input " + new String(input, StandardCharsets.ISO_8859_1) + " raised " + e, e);
            }
        }
    }

    @Test
    void exact_example_from_the_protocol_doc_decodes() throws Exception {
        byte[] encoded = sampleReading();
        String text = new String(encoded, StandardCharsets.UTF_8);
        assertTrue(
                text.startsWith("{\"type\":\"MeterReading\",\"meter\":\""
                        + signer.address().toHex()
                        + "\",\"seq\":\"42\",\"timeMs\":\"1764000000000\",\"importMilliWh\":\"123\",\"exportMilliWh\":\"0\","
                        + "\"powerMilliW\":\"-500\",\"status\":0,\"prev\":\"0x" + "00".repeat(32)
                        + "\",\"signature\":\"0x"),
                text);
        assertArrayEquals(encoded, JsonWire.encodeReading(JsonWire.decodeReading(encoded)));
    }

    private interface Decoder {
        Object decode(byte[] b) throws WireFormatException;
    }

    private static void assertReason(Reason reason, String field, byte[] input) {
        assertReason(reason, field, input, JsonWire::decodeReading);
    }

    private static void assertReason(Reason reason, String field, byte[] input, Decoder decoder) {
        WireFormatException e = assertThrows(
                WireFormatException.class,
                () -> decoder.decode(input),
                () -> new String(input, StandardCharsets.UTF_8));
        assertEquals(reason, e.reason(), e.getMessage());
        if (field != null) {
            assertEquals(field, e.field(), e.getMessage());
        }
    }

    private static byte[] withField(byte[] json, String name, String value) throws Exception {
        ObjectNode node = (ObjectNode) MAPPER.readTree(json);
        node.put(name, value);
        return MAPPER.writeValueAsBytes(node);
    }

    private static byte[] replaceRaw(byte[] json, String from, String to) {
        String s = new String(json, StandardCharsets.UTF_8);
        if (!s.contains(from)) {
            throw new AssertionError("fixture lacks " + from + ": " + s);
        }
        return s.replace(from, to).getBytes(StandardCharsets.UTF_8);
    }
}
