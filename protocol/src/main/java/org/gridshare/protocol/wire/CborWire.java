package org.gridshare.protocol.wire;

import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.cbor.CBORFactory;
import com.fasterxml.jackson.dataformat.cbor.CBORGenerator;
import com.fasterxml.jackson.dataformat.cbor.CBORParser;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.gridshare.protocol.Address;
import org.gridshare.protocol.Bytes32;
import org.gridshare.protocol.MalformedValueException;
import org.gridshare.protocol.MeterReading;
import org.gridshare.protocol.Signature;
import org.gridshare.protocol.Signed;
import org.gridshare.protocol.wire.WireFormatException.Reason;

/**
 * CBOR wire form of a signed reading (CoAP payloads, content format 60 {@code application/cbor}): one
 * map with the same text keys as the JSON form ({@link JsonWire}), integers as CBOR integers of major
 * type 0/1 (uint64 up to 2^64-1 exactly, int64 for {@code powerMilliW}), {@code meter}, {@code prev}
 * and {@code signature} as byte strings of 20, 32 and 65 bytes: at most 270 bytes (every integer at
 * its maximum) instead of ≈ 390 as JSON.
 *
 * <p>Decoding is strict: no floats, no tags other than bignums (tags 2/3 are exact integers too), no
 * unknown or duplicate keys, nothing after the map, each integer range-checked for its EIP-712 type.
 * The digest is computed from the typed fields, so a reading decoded from CBOR verifies exactly like its JSON twin.
 */
public final class CborWire {
    /** Same limit as the JSON form. */
    public static final int MAX_PAYLOAD_BYTES = JsonWire.MAX_PAYLOAD_BYTES;

    private static final CBORFactory FACTORY = CBORFactory.builder().build();
    private static final Set<String> READING_FIELDS = Set.of(
            "type",
            "meter",
            "seq",
            "timeMs",
            "importMilliWh",
            "exportMilliWh",
            "powerMilliW",
            "status",
            "prev",
            "signature");

    private CborWire() {}

    /** Encodes a signed reading; the same reading always gives the same bytes. */
    public static byte[] encodeReading(Signed<MeterReading> signed) {
        MeterReading m = signed.message();
        ByteArrayOutputStream out = new ByteArrayOutputStream(200);
        try (CBORGenerator g = FACTORY.createGenerator(out)) {
            g.writeStartObject(READING_FIELDS.size());
            g.writeStringField("type", MeterReading.PRIMARY_TYPE);
            g.writeFieldName("meter");
            g.writeBinary(m.meter().bytes());
            unsigned(g, "seq", m.seq());
            unsigned(g, "timeMs", m.timeMs());
            unsigned(g, "importMilliWh", m.importMilliWh());
            unsigned(g, "exportMilliWh", m.exportMilliWh());
            g.writeFieldName("powerMilliW");
            g.writeNumber(m.powerMilliW());
            unsigned(g, "status", m.status());
            g.writeFieldName("prev");
            g.writeBinary(m.prev().bytes());
            g.writeFieldName("signature");
            g.writeBinary(signed.signature().toBytes());
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException("writing to memory cannot fail", e);
        }
        return out.toByteArray();
    }

    private static void unsigned(CBORGenerator g, String name, long value) throws IOException {
        g.writeFieldName(name);
        g.writeNumberUnsigned(value); // major type 0 even above Long.MAX_VALUE
    }

    /** Decodes a signed reading; every fault names its field. */
    public static Signed<MeterReading> decodeReading(byte[] cbor) throws WireFormatException {
        if (cbor == null || cbor.length == 0) {
            throw new WireFormatException(Reason.MALFORMED_CBOR, null, "empty payload");
        }
        if (cbor.length > MAX_PAYLOAD_BYTES) {
            throw new WireFormatException(Reason.OVERSIZED, null, cbor.length + " bytes, limit " + MAX_PAYLOAD_BYTES);
        }
        Map<String, Object> fields = new HashMap<>();
        try (CBORParser p = FACTORY.createParser(cbor)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new WireFormatException(Reason.MALFORMED_CBOR, null, "expected one CBOR map");
            }
            JsonToken t;
            while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                if (!READING_FIELDS.contains(name)) {
                    throw new WireFormatException(
                            Reason.UNKNOWN_FIELD, name, "not a field of " + MeterReading.PRIMARY_TYPE);
                }
                JsonToken v = p.nextToken();
                if (p.getCurrentTag() != -1) {
                    throw new WireFormatException(
                            Reason.BAD_FIELD, name, "tagged values are not accepted (tag " + p.getCurrentTag() + ")");
                }
                Object value = switch (v) {
                    case VALUE_NUMBER_INT -> p.getBigIntegerValue();
                    case VALUE_NUMBER_FLOAT ->
                        throw new WireFormatException(
                                Reason.FLOAT_NOT_ALLOWED, name, "expected an integer, got a float");
                    case VALUE_STRING -> p.getText();
                    case VALUE_EMBEDDED_OBJECT -> p.getBinaryValue();
                    case START_OBJECT, START_ARRAY ->
                        throw new WireFormatException(
                                Reason.BAD_FIELD,
                                name,
                                "expected a scalar, got a " + (v == JsonToken.START_OBJECT ? "map" : "array"));
                    default -> throw new WireFormatException(Reason.BAD_FIELD, name, "unexpected " + v);
                };
                if (fields.put(name, value) != null) {
                    throw new WireFormatException(Reason.MALFORMED_CBOR, name, "duplicate key");
                }
            }
            if (t != JsonToken.END_OBJECT) {
                throw new WireFormatException(Reason.MALFORMED_CBOR, null, "map not closed");
            }
            if (p.nextToken() != null) {
                throw new WireFormatException(Reason.MALFORMED_CBOR, null, "trailing data after the map");
            }
        } catch (IOException e) {
            throw new WireFormatException(
                    Reason.MALFORMED_CBOR,
                    null,
                    e.getMessage().lines().findFirst().orElse("") + " (" + cbor.length + " bytes)");
        }
        Object type = required(fields, "type");
        if (!MeterReading.PRIMARY_TYPE.equals(type)) {
            throw new WireFormatException(Reason.BAD_FIELD, "type", "expected \"" + MeterReading.PRIMARY_TYPE + "\"");
        }
        try {
            MeterReading m = new MeterReading(
                    new Address(bytes(fields, "meter", Address.LENGTH)),
                    integer(fields, "seq", BigInteger.ZERO, JsonObject.MAX_UINT64, "uint64"),
                    integer(fields, "timeMs", BigInteger.ZERO, JsonObject.MAX_UINT64, "uint64"),
                    integer(fields, "importMilliWh", BigInteger.ZERO, JsonObject.MAX_UINT64, "uint64"),
                    integer(fields, "exportMilliWh", BigInteger.ZERO, JsonObject.MAX_UINT64, "uint64"),
                    integer(fields, "powerMilliW", JsonObject.MIN_INT64, JsonObject.MAX_INT64, "int64"),
                    integer(fields, "status", BigInteger.ZERO, JsonObject.MAX_UINT32, "uint32"),
                    new Bytes32(bytes(fields, "prev", Bytes32.LENGTH)));
            Signature s;
            try {
                s = Signature.fromBytes(bytes(fields, "signature", Signature.LENGTH));
            } catch (MalformedValueException e) {
                throw new WireFormatException(Reason.BAD_SIGNATURE_ENCODING, "signature", e.getMessage());
            }
            return new Signed<>(m, s);
        } catch (MalformedValueException e) {
            throw new WireFormatException(Reason.BAD_FIELD, e.what(), e.getMessage());
        }
    }

    private static Object required(Map<String, Object> fields, String name) throws WireFormatException {
        Object v = fields.get(name);
        if (v == null) {
            throw new WireFormatException(Reason.MISSING_FIELD, name, "required");
        }
        return v;
    }

    private static byte[] bytes(Map<String, Object> fields, String name, int length) throws WireFormatException {
        Object v = required(fields, name);
        if (!(v instanceof byte[] b)) {
            throw new WireFormatException(
                    name.equals("signature") ? Reason.BAD_SIGNATURE_ENCODING : Reason.BAD_FIELD,
                    name,
                    "expected a byte string of " + length + " bytes");
        }
        if (b.length != length) {
            throw new WireFormatException(
                    name.equals("signature") ? Reason.BAD_SIGNATURE_ENCODING : Reason.BAD_FIELD,
                    name,
                    "expected " + length + " bytes, got " + b.length);
        }
        return b;
    }

    private static long integer(
            Map<String, Object> fields, String name, BigInteger min, BigInteger max, String typeName)
            throws WireFormatException {
        Object v = required(fields, name);
        if (!(v instanceof BigInteger value)) {
            throw new WireFormatException(Reason.BAD_FIELD, name, "expected a CBOR integer");
        }
        if (value.compareTo(min) < 0 || value.compareTo(max) > 0) {
            throw new WireFormatException(
                    Reason.OUT_OF_RANGE, name, value + " is outside " + typeName + " [" + min + ", " + max + "]");
        }
        return value.longValue();
    }
}
