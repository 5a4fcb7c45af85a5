package org.gridshare.protocol.wire;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.dataformat.cbor.CBORFactory;
import com.fasterxml.jackson.dataformat.cbor.CBORGenerator;
import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.util.HexFormat;
import java.util.Random;
import org.gridshare.protocol.Address;
import org.gridshare.protocol.Bytes32;
import org.gridshare.protocol.Eip712Domain;
import org.gridshare.protocol.MeterReading;
import org.gridshare.protocol.RandomMessages;
import org.gridshare.protocol.Secp256k1Signer;
import org.gridshare.protocol.SignatureVerifier;
import org.gridshare.protocol.Signed;
import org.gridshare.protocol.wire.WireFormatException.Reason;
import org.junit.jupiter.api.Test;

class CborWireTest {
    private final Secp256k1Signer signer = Secp256k1Signer.fromPrivateKey(key());
    private final Eip712Domain domain = new Eip712Domain(31337, Address.fromHex("0x" + "ab".repeat(20)));

    private static byte[] key() {
        byte[] k = new byte[32];
        new Random(7).nextBytes(k);
        k[0] = 0x11;
        return k;
    }

    @Test
    void random_readings_round_trip_through_cbor_and_json_and_still_verify() throws Exception {
        RandomMessages rnd = new RandomMessages(33);
        for (int i = 0; i < 300; i++) {
            Signed<MeterReading> r = signer.sign(domain, rnd.reading());
            Signed<MeterReading> viaCbor = CborWire.decodeReading(CborWire.encodeReading(r));
            assertEquals(r, viaCbor);
            assertEquals(signer.address(), SignatureVerifier.recover(domain, viaCbor));
            // the backend converts CBOR to the JSON wire form: the same bytes the agent would publish over MQTT
            assertArrayEquals(JsonWire.encodeReading(r), JsonWire.encodeReading(viaCbor));
        }
    }

    @Test
    void writes_uint64_extremes_as_plain_cbor_integers_not_bignums() throws Exception {
        MeterReading m = new MeterReading(
                signer.address(), -1L, -1L, Long.MIN_VALUE, -1L, Long.MIN_VALUE, 0xFFFF_FFFFL, Bytes32.ZERO);
        byte[] cbor = CborWire.encodeReading(signer.sign(domain, m));
        String hex = HexFormat.of().formatHex(cbor);
        // "seq" (63 73 65 71) then major type 0 with an 8-byte argument: 1b ff×8
        assertTrue(hex.contains("637365711bffffffffffffffff"), hex);
        // int64 minimum: major type 1, argument 2^63-1
        assertTrue(hex.contains("3b7fffffffffffffff"), hex);
        Signed<MeterReading> back = CborWire.decodeReading(cbor);
        assertEquals(-1L, back.message().seq());
        assertEquals(Long.MIN_VALUE, back.message().importMilliWh());
        assertEquals(Long.MIN_VALUE, back.message().powerMilliW());
        assertEquals(270, cbor.length, "the largest CBOR reading (JSON: about 390 bytes)");
    }

    @Test
    void rejects_floats_tags_unknown_and_duplicate_keys_and_trailing_data() throws Exception {
        Signed<MeterReading> r = signer.sign(domain, new RandomMessages(5).reading());
        assertReason(
                Reason.FLOAT_NOT_ALLOWED,
                "seq",
                map(
                        r,
                        g -> {
                            g.writeFieldName("seq");
                            g.writeNumber(1.0);
                        },
                        "seq"));
        assertReason(
                Reason.BAD_FIELD,
                "seq",
                map(
                        r,
                        g -> {
                            g.writeFieldName("seq");
                            g.writeTag(1); // epoch-time tag: meaning the format does not have
                            g.writeNumber(10);
                        },
                        "seq"));
        // a bignum (tag 2) is still an exact integer: read as its value
        assertEquals(
                10,
                CborWire.decodeReading(map(
                                r,
                                g -> {
                                    g.writeFieldName("seq");
                                    g.writeNumber(BigInteger.TEN);
                                },
                                "seq"))
                        .message()
                        .seq());
        assertReason(Reason.BAD_FIELD, "seq", map(r, g -> g.writeStringField("seq", "10"), "seq"));
        assertReason(
                Reason.OUT_OF_RANGE,
                "status",
                map(
                        r,
                        g -> {
                            g.writeFieldName("status");
                            g.writeNumber(1L << 32);
                        },
                        "status"));
        assertReason(
                Reason.OUT_OF_RANGE,
                "seq",
                map(
                        r,
                        g -> {
                            g.writeFieldName("seq");
                            g.writeNumber(-1);
                        },
                        "seq"));
        assertReason(Reason.UNKNOWN_FIELD, "extra", map(r, g -> g.writeStringField("extra", "x"), null));
        assertReason(Reason.MALFORMED_CBOR, "type", map(r, g -> g.writeStringField("type", "MeterReading"), null));
        assertReason(Reason.MISSING_FIELD, "prev", map(r, g -> {}, "prev"));
        assertReason(
                Reason.BAD_FIELD,
                "meter",
                map(
                        r,
                        g -> {
                            g.writeFieldName("meter");
                            g.writeBinary(new byte[19]);
                        },
                        "meter"));
        assertReason(
                Reason.BAD_SIGNATURE_ENCODING,
                "signature",
                map(
                        r,
                        g -> {
                            g.writeFieldName("signature");
                            g.writeBinary(new byte[65]);
                        },
                        "signature"));
        byte[] good = CborWire.encodeReading(r);
        byte[] trailing = java.util.Arrays.copyOf(good, good.length + 1);
        assertReason(Reason.MALFORMED_CBOR, null, trailing);
        assertReason(Reason.MALFORMED_CBOR, null, new byte[0]);
        assertReason(Reason.OVERSIZED, null, new byte[CborWire.MAX_PAYLOAD_BYTES + 1]);
        assertReason(Reason.MALFORMED_CBOR, null, "{\"type\":\"MeterReading\"}".getBytes());
    }

    @Test
    void random_garbage_and_truncations_only_raise_wire_format_errors() throws Exception {
        Random random = new Random(11);
        byte[] good = CborWire.encodeReading(signer.sign(domain, new RandomMessages(9).reading()));
        for (int i = 0; i < 2000; i++) {
            byte[] input;
            if (i % 2 == 0) {
                input = new byte[random.nextInt(1, 300)];
                random.nextBytes(input);
            } else {
                input = java.util.Arrays.copyOf(good, random.nextInt(1, good.length));
                if (i % 4 == 1) {
                    input[random.nextInt(input.length)] ^= (byte) (1 << random.nextInt(8));
                }
            }
            try {
                CborWire.decodeReading(input);
            } catch (WireFormatException expected) {
                // the only acceptable failure
            }
        }
    }

    private static void assertReason(Reason reason, String field, byte[] payload) {
        WireFormatException e = assertThrows(WireFormatException.class, () -> CborWire.decodeReading(payload));
        assertEquals(reason, e.reason(), e.getMessage());
        assertEquals(field, e.field(), e.getMessage());
    }

    @FunctionalInterface
    private interface Extra {
        void write(CBORGenerator g) throws Exception;
    }

    /** The reading's map with field {@code replaced} left out and {@code extra} written at the end. */
    private static byte[] map(Signed<MeterReading> r, Extra extra, String replaced) throws Exception {
        MeterReading m = r.message();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (CBORGenerator g = new CBORFactory().createGenerator(out)) {
            g.writeStartObject();
            g.writeStringField("type", "MeterReading");
            if (!"meter".equals(replaced)) {
                g.writeFieldName("meter");
                g.writeBinary(m.meter().bytes());
            }
            for (String f : new String[] {"seq", "timeMs", "importMilliWh", "exportMilliWh", "powerMilliW", "status"}) {
                if (!f.equals(replaced)) {
                    g.writeFieldName(f);
                    g.writeNumber(
                            switch (f) {
                                case "seq" -> m.seq() & Long.MAX_VALUE;
                                case "timeMs" -> m.timeMs() & Long.MAX_VALUE;
                                case "importMilliWh" -> m.importMilliWh() & Long.MAX_VALUE;
                                case "exportMilliWh" -> m.exportMilliWh() & Long.MAX_VALUE;
                                case "powerMilliW" -> m.powerMilliW();
                                default -> m.status();
                            });
                }
            }
            if (!"prev".equals(replaced)) {
                g.writeFieldName("prev");
                g.writeBinary(m.prev().bytes());
            }
            if (!"signature".equals(replaced)) {
                g.writeFieldName("signature");
                g.writeBinary(r.signature().toBytes());
            }
            extra.write(g);
            g.writeEndObject();
        }
        return out.toByteArray();
    }
}
