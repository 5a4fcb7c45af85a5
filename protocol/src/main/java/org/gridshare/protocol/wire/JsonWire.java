package org.gridshare.protocol.wire;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Set;
import org.gridshare.protocol.IntervalStatement;
import org.gridshare.protocol.MeterReading;
import org.gridshare.protocol.Order;
import org.gridshare.protocol.Signature;
import org.gridshare.protocol.Signed;
import org.gridshare.protocol.wire.WireFormatException.Reason;

/**
 * JSON wire form of signed messages (MQTT payloads): one object with {@code "type"} (the EIP-712
 * primary type), every EIP-712 field under its EIP-712 name, and {@code "signature"} (0x + 65 bytes
 * {@code r||s||v}). Encoding writes 64-bit integers as decimal strings and small ones (uint32, uint8)
 * as numbers. Decoding accepts integers as JSON integer numbers or decimal strings, never floats,
 * range-checked per EIP-712 type; it rejects unknown and duplicate fields. Pure functions over bytes.
 */
public final class JsonWire {
    /** Payloads larger than this are rejected with {@link Reason#OVERSIZED} before parsing. */
    public static final int MAX_PAYLOAD_BYTES = 4096;

    private static final JsonFactory FACTORY = StrictJson.FACTORY;

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
    private static final Set<String> STATEMENT_FIELDS = Set.of(
            "type",
            "meter",
            "intervalStartMs",
            "intervalSeconds",
            "importStart",
            "importEnd",
            "exportStart",
            "exportEnd",
            "firstSeq",
            "lastSeq",
            "readingsRoot",
            "signature");
    private static final Set<String> ORDER_FIELDS = Set.of(
            "type",
            "account",
            "zone",
            "intervalStartMs",
            "side",
            "energyMilliWh",
            "limitPricePerKWh",
            "nonce",
            "expiryMs",
            "signature");

    private JsonWire() {}

    public static byte[] encodeReading(Signed<MeterReading> signed) {
        MeterReading m = signed.message();
        return write(
                g -> {
                    g.writeStringField("type", MeterReading.PRIMARY_TYPE);
                    g.writeStringField("meter", m.meter().toHex());
                    uint64(g, "seq", m.seq());
                    uint64(g, "timeMs", m.timeMs());
                    uint64(g, "importMilliWh", m.importMilliWh());
                    uint64(g, "exportMilliWh", m.exportMilliWh());
                    g.writeStringField("powerMilliW", Long.toString(m.powerMilliW()));
                    g.writeNumberField("status", m.status());
                    g.writeStringField("prev", m.prev().toHex());
                },
                signed.signature());
    }

    public static Signed<MeterReading> decodeReading(byte[] json) throws WireFormatException {
        JsonObject f = parse(json, MeterReading.PRIMARY_TYPE, READING_FIELDS);
        MeterReading m = new MeterReading(
                f.address("meter"),
                f.uint64("seq"),
                f.uint64("timeMs"),
                f.uint64("importMilliWh"),
                f.uint64("exportMilliWh"),
                f.int64("powerMilliW"),
                f.uint32("status"),
                f.bytes32("prev"));
        return new Signed<>(m, f.signature("signature"));
    }

    public static byte[] encodeStatement(Signed<IntervalStatement> signed) {
        IntervalStatement m = signed.message();
        return write(
                g -> {
                    g.writeStringField("type", IntervalStatement.PRIMARY_TYPE);
                    g.writeStringField("meter", m.meter().toHex());
                    uint64(g, "intervalStartMs", m.intervalStartMs());
                    g.writeNumberField("intervalSeconds", m.intervalSeconds());
                    uint64(g, "importStart", m.importStart());
                    uint64(g, "importEnd", m.importEnd());
                    uint64(g, "exportStart", m.exportStart());
                    uint64(g, "exportEnd", m.exportEnd());
                    uint64(g, "firstSeq", m.firstSeq());
                    uint64(g, "lastSeq", m.lastSeq());
                    g.writeStringField("readingsRoot", m.readingsRoot().toHex());
                },
                signed.signature());
    }

    public static Signed<IntervalStatement> decodeStatement(byte[] json) throws WireFormatException {
        JsonObject f = parse(json, IntervalStatement.PRIMARY_TYPE, STATEMENT_FIELDS);
        IntervalStatement m = new IntervalStatement(
                f.address("meter"),
                f.uint64("intervalStartMs"),
                f.uint32("intervalSeconds"),
                f.uint64("importStart"),
                f.uint64("importEnd"),
                f.uint64("exportStart"),
                f.uint64("exportEnd"),
                f.uint64("firstSeq"),
                f.uint64("lastSeq"),
                f.bytes32("readingsRoot"));
        return new Signed<>(m, f.signature("signature"));
    }

    public static byte[] encodeOrder(Signed<Order> signed) {
        Order m = signed.message();
        return write(
                g -> {
                    g.writeStringField("type", Order.PRIMARY_TYPE);
                    g.writeStringField("account", m.account().toHex());
                    g.writeStringField("zone", m.zone().toHex());
                    uint64(g, "intervalStartMs", m.intervalStartMs());
                    g.writeNumberField("side", m.side());
                    uint64(g, "energyMilliWh", m.energyMilliWh());
                    uint64(g, "limitPricePerKWh", m.limitPricePerKWh());
                    uint64(g, "nonce", m.nonce());
                    uint64(g, "expiryMs", m.expiryMs());
                },
                signed.signature());
    }

    public static Signed<Order> decodeOrder(byte[] json) throws WireFormatException {
        JsonObject f = parse(json, Order.PRIMARY_TYPE, ORDER_FIELDS);
        Order m = new Order(
                f.address("account"),
                f.bytes32("zone"),
                f.uint64("intervalStartMs"),
                f.range("side", Order.BUY, Order.SELL, "side (0 buy, 1 sell)"),
                f.uint64("energyMilliWh"),
                f.uint64("limitPricePerKWh"),
                f.uint64("nonce"),
                f.uint64("expiryMs"));
        return new Signed<>(m, f.signature("signature"));
    }

    /** The signed formats: strict JSON, no field outside the EIP-712 struct, the right {@code "type"}. */
    private static JsonObject parse(byte[] json, String type, Set<String> fields) throws WireFormatException {
        return StrictJson.object(json, MAX_PAYLOAD_BYTES)
                .rejectUnknown(fields, type)
                .requireType(type);
    }

    private static void uint64(JsonGenerator g, String name, long unsigned) throws IOException {
        g.writeStringField(name, Long.toUnsignedString(unsigned));
    }

    @FunctionalInterface
    private interface Body {
        void write(JsonGenerator g) throws IOException;
    }

    private static byte[] write(Body body, Signature signature) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(512);
        try (JsonGenerator g = FACTORY.createGenerator(out)) {
            g.writeStartObject();
            body.write(g);
            g.writeStringField("signature", signature.toHex());
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException("writing to memory cannot fail", e);
        }
        return out.toByteArray();
    }
}
