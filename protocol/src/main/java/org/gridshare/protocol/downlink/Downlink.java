package org.gridshare.protocol.downlink;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import org.gridshare.protocol.Bytes32;
import org.gridshare.protocol.Order;
import org.gridshare.protocol.wire.JsonObject;
import org.gridshare.protocol.wire.StrictJson;
import org.gridshare.protocol.wire.WireFormatException;
import org.gridshare.protocol.wire.WireFormatException.Reason;

/**
 * JSON codecs of the downlink, the messages the backend sends to devices (docs/protocol.md,
 * "Downlink"). Encoding is deterministic: fields in a fixed order, integers as JSON numbers (except
 * {@code netBaseUnits}, a signed decimal string), absent optional fields left out, UTF-8 without
 * escaping beyond what JSON requires. Decoding is strict ({@link StrictJson}: one object, exact
 * integers, no duplicate keys, no trailing data, a size limit) and ignores unknown fields, so that the
 * backend can add a field without breaking deployed agents. Pure functions over bytes.
 */
public final class Downlink {
    /** Fills-topic messages and statement verdicts larger than this are rejected before parsing. */
    public static final int MAX_MESSAGE_BYTES = 4096;
    /**
     * Acks larger than this are rejected before parsing. An ack lists every reading refused in one round
     * of the backend, each with a detail, so it is allowed more room than the other messages.
     */
    public static final int MAX_ACK_BYTES = 256 * 1024;

    private static final JsonFactory FACTORY = JsonFactory.builder().build();
    private static final long MAX_LONG = Long.MAX_VALUE;
    private static final String NON_NEGATIVE = "a non-negative 64-bit integer";
    private static final String CODE = "a reject code";
    /** A uint256 has at most 78 decimal digits; the settled amounts are signed values within it. */
    private static final int MAX_NET_DIGITS = 77;

    private Downlink() {}

    // ---- ack ----

    public static byte[] encode(Ack ack) {
        return write(g -> {
            g.writeStringField("meter", ack.meter());
            if (ack.acceptedThrough() != null) {
                g.writeNumberField("acceptedThrough", ack.acceptedThrough());
            }
            if (!ack.rejected().isEmpty()) {
                g.writeArrayFieldStart("rejected");
                for (Ack.Rejected r : ack.rejected()) {
                    g.writeStartObject();
                    g.writeNumberField("seq", r.seq());
                    g.writeStringField("reason", r.reason());
                    g.writeNumberField("code", r.code());
                    // written as null when absent: the ack's form since the first release
                    g.writeStringField("detail", r.detail());
                    g.writeEndObject();
                }
                g.writeEndArray();
            }
        });
    }

    /** Decodes an ack; {@code code} defaults to 0 and {@code detail} to null when absent. */
    public static Ack decodeAck(byte[] json) throws WireFormatException {
        JsonObject o = StrictJson.object(json, MAX_ACK_BYTES);
        String meter = o.text("meter");
        Long through = o.optionalNumber("acceptedThrough", 0, MAX_LONG, NON_NEGATIVE);
        List<Ack.Rejected> rejected = new ArrayList<>();
        for (JsonObject r : o.objects("rejected")) {
            rejected.add(new Ack.Rejected(
                    r.number("seq", 0, MAX_LONG, NON_NEGATIVE), r.text("reason"), code(r), r.optionalText("detail")));
        }
        return new Ack(meter, through, rejected);
    }

    // ---- fills topic ----

    public static byte[] encode(FillsMessage message) {
        return write(g -> {
            switch (message) {
                case OrderVerdict v -> {
                    g.writeStringField("type", "order");
                    if (v.orderDigest() != null) {
                        g.writeStringField("orderDigest", v.orderDigest().toHex());
                        g.writeNumberField("intervalStartMs", v.intervalStartMs());
                    }
                    verdict(g, v.accepted(), v.reason(), v.code(), v.detail());
                }
                case Fill f -> {
                    g.writeStringField("type", "fill");
                    g.writeStringField("orderDigest", f.orderDigest().toHex());
                    g.writeNumberField("intervalStartMs", f.intervalStartMs());
                    g.writeStringField("side", f.sideName());
                    g.writeNumberField("energyMilliWh", f.energyMilliWh());
                    g.writeNumberField("filledMilliWh", f.filledMilliWh());
                    g.writeNumberField("clearingPricePerKWh", f.clearingPricePerKWh());
                }
                case Settlement s -> {
                    g.writeStringField("type", "settlement");
                    g.writeStringField("orderDigest", s.orderDigest().toHex());
                    g.writeNumberField("intervalStartMs", s.intervalStartMs());
                    g.writeStringField("netBaseUnits", s.netBaseUnits().toString());
                    g.writeNumberField("deliveredMilliWh", s.deliveredMilliWh());
                    g.writeStringField("txHash", s.txHash().toHex());
                    g.writeNumberField("blockNumber", s.blockNumber());
                }
            }
        });
    }

    /** Decodes one message of the fills topic, told apart by {@code "type"}. */
    public static FillsMessage decodeFills(byte[] json) throws WireFormatException {
        JsonObject o = StrictJson.object(json, MAX_MESSAGE_BYTES);
        String type = o.text("type");
        switch (type) {
            case "order" -> {
                boolean accepted = accepted(o);
                Bytes32 digest = null;
                Long start = null;
                // a verdict on a payload that did not decode names no order
                if (accepted || o.has("orderDigest") || o.has("intervalStartMs")) {
                    digest = o.bytes32("orderDigest");
                    start = o.number("intervalStartMs", 0, MAX_LONG, NON_NEGATIVE);
                }
                return accepted
                        ? OrderVerdict.accepted(digest, start)
                        : new OrderVerdict(digest, start, false, o.text("reason"), code(o), o.optionalText("detail"));
            }
            case "fill" -> {
                Bytes32 digest = o.bytes32("orderDigest");
                long start = o.number("intervalStartMs", 0, MAX_LONG, NON_NEGATIVE);
                String side = o.text("side");
                int s = switch (side) {
                    case "buy" -> Order.BUY;
                    case "sell" -> Order.SELL;
                    default ->
                        throw new WireFormatException(
                                Reason.BAD_FIELD, "side", "neither \"buy\" nor \"sell\": " + clip(side));
                };
                long energy = o.number("energyMilliWh", 0, MAX_LONG, NON_NEGATIVE);
                long filled = o.number("filledMilliWh", 0, MAX_LONG, NON_NEGATIVE);
                if (filled > energy) {
                    throw new WireFormatException(
                            Reason.OUT_OF_RANGE, "filledMilliWh", filled + " exceeds the order's " + energy);
                }
                return new Fill(
                        digest, start, s, energy, filled, o.number("clearingPricePerKWh", 0, MAX_LONG, NON_NEGATIVE));
            }
            case "settlement" -> {
                return new Settlement(
                        o.bytes32("orderDigest"),
                        o.number("intervalStartMs", 0, MAX_LONG, NON_NEGATIVE),
                        o.decimalString("netBaseUnits", MAX_NET_DIGITS),
                        o.number("deliveredMilliWh", 0, MAX_LONG, NON_NEGATIVE),
                        o.bytes32("txHash"),
                        o.number("blockNumber", 0, MAX_LONG, NON_NEGATIVE));
            }
            default ->
                throw new WireFormatException(
                        Reason.BAD_FIELD, "type", "not \"order\", \"fill\" or \"settlement\": " + clip(type));
        }
    }

    // ---- statement verdicts ----

    public static byte[] encode(StatementVerdict v) {
        return write(g -> {
            if (v.intervalStartMs() != null) {
                g.writeNumberField("intervalStartMs", v.intervalStartMs());
            }
            verdict(g, v.accepted(), v.reason(), v.code(), v.detail());
        });
    }

    public static StatementVerdict decodeStatementVerdict(byte[] json) throws WireFormatException {
        JsonObject o = StrictJson.object(json, MAX_MESSAGE_BYTES);
        boolean accepted = accepted(o);
        // a verdict on a payload that did not decode names no interval
        Long start =
                accepted || o.has("intervalStartMs") ? o.number("intervalStartMs", 0, MAX_LONG, NON_NEGATIVE) : null;
        return accepted
                ? StatementVerdict.accepted(start)
                : new StatementVerdict(start, false, o.text("reason"), code(o), o.optionalText("detail"));
    }

    // ---- shared ----

    private static boolean accepted(JsonObject o) throws WireFormatException {
        String status = o.text("status");
        return switch (status) {
            case "accepted" -> true;
            case "rejected" -> false;
            default ->
                throw new WireFormatException(
                        Reason.BAD_FIELD, "status", "neither \"accepted\" nor \"rejected\": " + clip(status));
        };
    }

    private static int code(JsonObject o) throws WireFormatException {
        Long code = o.optionalNumber("code", 0, Integer.MAX_VALUE, CODE);
        return code == null ? 0 : code.intValue();
    }

    private static void verdict(JsonGenerator g, boolean accepted, String reason, int code, String detail)
            throws IOException {
        g.writeStringField("status", accepted ? "accepted" : "rejected");
        if (!accepted) {
            g.writeStringField("reason", reason);
            g.writeNumberField("code", code);
            if (detail != null) {
                g.writeStringField("detail", detail);
            }
        }
    }

    private static String clip(String s) {
        return s.length() <= 48 ? "\"" + s + "\"" : "\"" + s.substring(0, 48) + "…\"";
    }

    @FunctionalInterface
    private interface Body {
        void write(JsonGenerator g) throws IOException;
    }

    private static byte[] write(Body body) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        try (JsonGenerator g = FACTORY.createGenerator(out)) {
            g.writeStartObject();
            body.write(g);
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException("writing to memory cannot fail", e);
        }
        return out.toByteArray();
    }
}
