package org.gridshare.protocol.wire;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import org.gridshare.protocol.Address;
import org.gridshare.protocol.Bytes32;
import org.gridshare.protocol.MalformedValueException;
import org.gridshare.protocol.Signature;
import org.gridshare.protocol.wire.WireFormatException.Reason;

/**
 * Typed, range-checked reads of the fields of one JSON object from {@link StrictJson}. No floating
 * point. Every error is a {@link WireFormatException} naming the field (with its path inside the
 * message, e.g. {@code rejected[2].seq}) and what is wrong. Unknown fields are ignored unless the
 * message's decoder calls {@link #rejectUnknown}: the signed formats do, the downlink does not (the
 * backend may add fields without breaking deployed agents; see docs/protocol.md, "Downlink").
 */
public final class JsonObject {
    static final BigInteger MAX_UINT64 = BigInteger.ONE.shiftLeft(64).subtract(BigInteger.ONE);
    static final BigInteger MIN_INT64 = BigInteger.valueOf(Long.MIN_VALUE);
    static final BigInteger MAX_INT64 = BigInteger.valueOf(Long.MAX_VALUE);
    static final BigInteger MAX_UINT32 = BigInteger.valueOf(0xFFFF_FFFFL);

    private static final Pattern INTEGER = Pattern.compile("0|-?[1-9][0-9]{0,39}");
    private static final Pattern TOO_LONG = Pattern.compile("-?[1-9][0-9]{40,}");
    // a number with a fraction or an exponent, as JSON or common languages would print it
    private static final Pattern FLOAT =
            Pattern.compile("[+-]?(?:[0-9]+\\.[0-9]*|\\.[0-9]+)(?:[eE][+-]?[0-9]+)?|[+-]?[0-9]+[eE][+-]?[0-9]+");

    private final JsonNode object;
    /** Where this object sits in the message: empty for the top level, else e.g. {@code rejected[2].}. */
    private final String path;

    JsonObject(JsonNode object, String path) {
        this.object = object;
        this.path = path;
    }

    /** The typed reads over an object node that a caller parsed with {@link StrictJson#tree}. */
    public static JsonObject of(JsonNode object) {
        if (object == null || !object.isObject()) {
            throw new IllegalArgumentException("not a JSON object: " + object);
        }
        return new JsonObject(object, "");
    }

    /** Rejects any field outside {@code allowed}, with {@link Reason#UNKNOWN_FIELD} ({@code what} names the message). */
    public JsonObject rejectUnknown(Set<String> allowed, String what) throws WireFormatException {
        Iterator<String> names = object.fieldNames();
        while (names.hasNext()) {
            String name = names.next();
            if (!allowed.contains(name)) {
                throw new WireFormatException(Reason.UNKNOWN_FIELD, path + name, "not a field of " + what);
            }
        }
        return this;
    }

    /** Checks that the {@code "type"} discriminator is the string {@code type}. */
    public JsonObject requireType(String type) throws WireFormatException {
        JsonNode t = required("type");
        if (!t.isTextual() || !t.textValue().equals(type)) {
            throw new WireFormatException(Reason.BAD_FIELD, path + "type", "expected \"" + type + "\"");
        }
        return this;
    }

    /** Whether the field is present with a value other than JSON null. */
    public boolean has(String name) {
        JsonNode node = object.get(name);
        return node != null && !node.isNull();
    }

    /** A required string. */
    public String text(String name) throws WireFormatException {
        JsonNode node = required(name);
        if (!node.isTextual()) {
            throw new WireFormatException(Reason.BAD_FIELD, path + name, "expected a string, got " + brief(node));
        }
        return node.textValue();
    }

    /** A string, or null when the field is absent or JSON null. */
    public String optionalText(String name) throws WireFormatException {
        return has(name) ? text(name) : null;
    }

    /**
     * A required JSON integer number (never a string, a fraction or an exponent form) in {@code [min, max]}:
     * the downlink's integers, which are plain JSON numbers.
     */
    public long number(String name, long min, long max, String typeName) throws WireFormatException {
        JsonNode node = required(name);
        if (!node.isIntegralNumber()) {
            throw new WireFormatException(
                    node.isNumber() ? Reason.FLOAT_NOT_ALLOWED : Reason.BAD_FIELD,
                    path + name,
                    "expected a JSON integer, got " + brief(node));
        }
        BigInteger value = node.bigIntegerValue();
        if (value.compareTo(BigInteger.valueOf(min)) < 0 || value.compareTo(BigInteger.valueOf(max)) > 0) {
            throw new WireFormatException(
                    Reason.OUT_OF_RANGE,
                    path + name,
                    clip(value.toString()) + " is outside " + typeName + " [" + min + ", " + max + "]");
        }
        return value.longValue();
    }

    /** Like {@link #number}, or null when the field is absent or JSON null. */
    public Long optionalNumber(String name, long min, long max, String typeName) throws WireFormatException {
        return has(name) ? number(name, min, max, typeName) : null;
    }

    /**
     * A required signed decimal integer written as a JSON string ({@code "-1234"}): no sign {@code +},
     * no leading zeros, no {@code -0}, at most {@code maxDigits} digits. For values beyond 64 bits.
     */
    public BigInteger decimalString(String name, int maxDigits) throws WireFormatException {
        JsonNode node = required(name);
        if (!node.isTextual()) {
            throw new WireFormatException(
                    Reason.BAD_FIELD, path + name, "expected a signed decimal integer as a string, got " + brief(node));
        }
        String s = node.textValue();
        if (!s.matches("0|-?[1-9][0-9]{0," + (maxDigits - 1) + "}")) {
            throw new WireFormatException(
                    Reason.BAD_FIELD,
                    path + name,
                    "expected a signed decimal integer of at most " + maxDigits + " digits, got \"" + clip(s) + "\"");
        }
        return new BigInteger(s);
    }

    /** The objects of an array field; an absent or JSON null field is an empty list. */
    public List<JsonObject> objects(String name) throws WireFormatException {
        if (!has(name)) {
            return List.of();
        }
        JsonNode node = object.get(name);
        if (!node.isArray()) {
            throw new WireFormatException(Reason.BAD_FIELD, path + name, "expected an array, got " + brief(node));
        }
        List<JsonObject> out = new ArrayList<>(node.size());
        for (int i = 0; i < node.size(); i++) {
            JsonNode item = node.get(i);
            String at = path + name + "[" + i + "]";
            if (!item.isObject()) {
                throw new WireFormatException(Reason.BAD_FIELD, at, "expected an object, got " + brief(item));
            }
            out.add(new JsonObject(item, at + "."));
        }
        return out;
    }

    // The signed formats' integers below accept a JSON integer or a decimal string (64-bit values are
    // written as strings so that JavaScript clients do not round them).

    /** A required uint64 (as a signed long holding the unsigned value). */
    public long uint64(String name) throws WireFormatException {
        return integer(name, BigInteger.ZERO, MAX_UINT64, "uint64").longValue();
    }

    /** A required int64. */
    public long int64(String name) throws WireFormatException {
        return integer(name, MIN_INT64, MAX_INT64, "int64").longValue();
    }

    /** A required uint32. */
    public long uint32(String name) throws WireFormatException {
        return integer(name, BigInteger.ZERO, MAX_UINT32, "uint32").longValue();
    }

    /** A required integer in {@code [min, max]}; {@code typeName} names the range in the error. */
    public int range(String name, int min, int max, String typeName) throws WireFormatException {
        return integer(name, BigInteger.valueOf(min), BigInteger.valueOf(max), typeName)
                .intValue();
    }

    /** A required 0x + 20-byte hex address. */
    public Address address(String name) throws WireFormatException {
        try {
            return Address.fromHex(hexText(name));
        } catch (MalformedValueException e) {
            throw new WireFormatException(Reason.BAD_FIELD, path + name, e.getMessage());
        }
    }

    /** A required 0x + 32-byte hex value. */
    public Bytes32 bytes32(String name) throws WireFormatException {
        try {
            return Bytes32.fromHex(hexText(name));
        } catch (MalformedValueException e) {
            throw new WireFormatException(Reason.BAD_FIELD, path + name, e.getMessage());
        }
    }

    /** A required canonical signature, 0x + 65 bytes {@code r||s||v}. */
    public Signature signature(String name) throws WireFormatException {
        JsonNode node = required(name);
        if (!node.isTextual()) {
            throw new WireFormatException(Reason.BAD_SIGNATURE_ENCODING, path + name, "expected a 0x-hex string");
        }
        try {
            return Signature.fromHex(node.textValue());
        } catch (MalformedValueException e) {
            throw new WireFormatException(Reason.BAD_SIGNATURE_ENCODING, path + name, e.getMessage());
        }
    }

    private String hexText(String name) throws WireFormatException {
        JsonNode node = required(name);
        if (!node.isTextual()) {
            throw new WireFormatException(Reason.BAD_FIELD, path + name, "expected a 0x-hex string");
        }
        return node.textValue();
    }

    private JsonNode required(String name) throws WireFormatException {
        JsonNode node = object.get(name);
        if (node == null) {
            throw new WireFormatException(Reason.MISSING_FIELD, path + name, "required");
        }
        return node;
    }

    private BigInteger integer(String name, BigInteger min, BigInteger max, String typeName)
            throws WireFormatException {
        JsonNode node = required(name);
        BigInteger value;
        if (node.isIntegralNumber()) {
            value = node.bigIntegerValue();
        } else if (node.isNumber()) {
            throw new WireFormatException(Reason.FLOAT_NOT_ALLOWED, path + name, "expected an integer, got " + node);
        } else if (node.isTextual()) {
            String s = node.textValue();
            if (INTEGER.matcher(s).matches()) {
                value = new BigInteger(s);
            } else if (TOO_LONG.matcher(s).matches()) {
                throw new WireFormatException(Reason.OUT_OF_RANGE, path + name, "more digits than any " + typeName);
            } else if (FLOAT.matcher(s).matches()) {
                throw new WireFormatException(
                        Reason.FLOAT_NOT_ALLOWED, path + name, "expected an integer, got \"" + clip(s) + "\"");
            } else {
                throw new WireFormatException(
                        Reason.BAD_FIELD,
                        path + name,
                        "expected a decimal integer without sign '+', spaces or leading zeros, got \"" + clip(s)
                                + "\"");
            }
        } else {
            throw new WireFormatException(
                    Reason.BAD_FIELD, path + name, "expected an integer, got " + node.getNodeType());
        }
        if (value.compareTo(min) < 0 || value.compareTo(max) > 0) {
            throw new WireFormatException(
                    Reason.OUT_OF_RANGE,
                    path + name,
                    value + " is outside " + typeName + " [" + min + ", " + max + "]");
        }
        return value;
    }

    /** A value for an error message: strings and numbers as written (clipped), containers by kind. */
    private static String brief(JsonNode node) {
        return node.isContainerNode() ? node.getNodeType().toString() : clip(node.toString());
    }

    private static String clip(String s) {
        return s.length() <= 48 ? s : s.substring(0, 48) + "…";
    }
}
