package org.gridshare.protocol.wire;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigInteger;
import java.util.Iterator;
import java.util.Set;
import java.util.regex.Pattern;
import org.gridshare.protocol.Address;
import org.gridshare.protocol.Bytes32;
import org.gridshare.protocol.MalformedValueException;
import org.gridshare.protocol.Signature;
import org.gridshare.protocol.wire.WireFormatException.Reason;

/** Typed, range-checked reads of the fields of one decoded JSON object. No floating point. */
final class JsonFields {
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

    private JsonFields(JsonNode object) {
        this.object = object;
    }

    /** Checks the field set and the {@code "type"} discriminator. */
    static JsonFields of(JsonNode object, String type, Set<String> allowed) throws WireFormatException {
        Iterator<String> names = object.fieldNames();
        while (names.hasNext()) {
            String name = names.next();
            if (!allowed.contains(name)) {
                throw new WireFormatException(Reason.UNKNOWN_FIELD, name, "not a field of " + type);
            }
        }
        JsonFields fields = new JsonFields(object);
        JsonNode t = fields.required("type");
        if (!t.isTextual() || !t.textValue().equals(type)) {
            throw new WireFormatException(Reason.BAD_FIELD, "type", "expected \"" + type + "\"");
        }
        return fields;
    }

    long uint64(String name) throws WireFormatException {
        return integer(name, BigInteger.ZERO, MAX_UINT64, "uint64").longValue();
    }

    long int64(String name) throws WireFormatException {
        return integer(name, MIN_INT64, MAX_INT64, "int64").longValue();
    }

    long uint32(String name) throws WireFormatException {
        return integer(name, BigInteger.ZERO, MAX_UINT32, "uint32").longValue();
    }

    int range(String name, int min, int max, String typeName) throws WireFormatException {
        return integer(name, BigInteger.valueOf(min), BigInteger.valueOf(max), typeName)
                .intValue();
    }

    Address address(String name) throws WireFormatException {
        try {
            return Address.fromHex(text(name));
        } catch (MalformedValueException e) {
            throw new WireFormatException(Reason.BAD_FIELD, name, e.getMessage());
        }
    }

    Bytes32 bytes32(String name) throws WireFormatException {
        try {
            return Bytes32.fromHex(text(name));
        } catch (MalformedValueException e) {
            throw new WireFormatException(Reason.BAD_FIELD, name, e.getMessage());
        }
    }

    Signature signature(String name) throws WireFormatException {
        JsonNode node = required(name);
        if (!node.isTextual()) {
            throw new WireFormatException(Reason.BAD_SIGNATURE_ENCODING, name, "expected a 0x-hex string");
        }
        try {
            return Signature.fromHex(node.textValue());
        } catch (MalformedValueException e) {
            throw new WireFormatException(Reason.BAD_SIGNATURE_ENCODING, name, e.getMessage());
        }
    }

    private String text(String name) throws WireFormatException {
        JsonNode node = required(name);
        if (!node.isTextual()) {
            throw new WireFormatException(Reason.BAD_FIELD, name, "expected a 0x-hex string");
        }
        return node.textValue();
    }

    private JsonNode required(String name) throws WireFormatException {
        JsonNode node = object.get(name);
        if (node == null) {
            throw new WireFormatException(Reason.MISSING_FIELD, name, "required");
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
            throw new WireFormatException(Reason.FLOAT_NOT_ALLOWED, name, "expected an integer, got " + node);
        } else if (node.isTextual()) {
            String s = node.textValue();
            if (INTEGER.matcher(s).matches()) {
                value = new BigInteger(s);
            } else if (TOO_LONG.matcher(s).matches()) {
                throw new WireFormatException(Reason.OUT_OF_RANGE, name, "more digits than any " + typeName);
            } else if (FLOAT.matcher(s).matches()) {
                throw new WireFormatException(
                        Reason.FLOAT_NOT_ALLOWED, name, "expected an integer, got \"" + clip(s) + "\"");
            } else {
                throw new WireFormatException(
                        Reason.BAD_FIELD,
                        name,
                        "expected a decimal integer without sign '+', spaces or leading zeros, got \"" + clip(s)
                                + "\"");
            }
        } else {
            throw new WireFormatException(Reason.BAD_FIELD, name, "expected an integer, got " + node.getNodeType());
        }
        if (value.compareTo(min) < 0 || value.compareTo(max) > 0) {
            throw new WireFormatException(
                    Reason.OUT_OF_RANGE, name, value + " is outside " + typeName + " [" + min + ", " + max + "]");
        }
        return value;
    }

    private static String clip(String s) {
        return s.length() <= 48 ? s : s.substring(0, 48) + "…";
    }
}
