package org.gridshare.agent.inbox;

import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.math.BigInteger;
import org.gridshare.protocol.Bytes32;

/** Strict readers for the backend's JSON messages: integers are JSON integers (never floats), hex is exact. */
public final class JsonFields {
    public static final int MAX_BYTES = 4096;
    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.USE_BIG_INTEGER_FOR_INTS)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    private JsonFields() {}

    public static JsonNode object(byte[] json) throws MalformedMessageException {
        if (json.length > MAX_BYTES) {
            throw new MalformedMessageException("", "larger than " + MAX_BYTES + " bytes (" + json.length + ")");
        }
        JsonNode n;
        try {
            n = MAPPER.readTree(json);
        } catch (IOException e) {
            throw new MalformedMessageException("", "not JSON: " + firstLine(e.getMessage()));
        }
        if (n == null || !n.isObject()) {
            throw new MalformedMessageException("", "not a JSON object");
        }
        return n;
    }

    public static String text(JsonNode n, String field) throws MalformedMessageException {
        JsonNode v = n.get(field);
        if (v == null || !v.isTextual()) {
            throw new MalformedMessageException(field, v == null ? "missing" : "not a string: " + v);
        }
        return v.asText();
    }

    public static String optionalText(JsonNode n, String field) throws MalformedMessageException {
        JsonNode v = n.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isTextual()) {
            throw new MalformedMessageException(field, "not a string: " + v);
        }
        return v.asText();
    }

    /** A JSON integer in [0, Long.MAX_VALUE]. */
    public static long nonNegative(JsonNode n, String field) throws MalformedMessageException {
        JsonNode v = n.get(field);
        if (v == null) {
            throw new MalformedMessageException(field, "missing");
        }
        if (!v.isIntegralNumber()) {
            throw new MalformedMessageException(field, "not an integer: " + v);
        }
        BigInteger b = v.bigIntegerValue();
        if (b.signum() < 0 || b.bitLength() > 63) {
            throw new MalformedMessageException(field, "out of range: " + b);
        }
        return b.longValue();
    }

    public static int optionalInt(JsonNode n, String field) throws MalformedMessageException {
        JsonNode v = n.get(field);
        if (v == null || v.isNull()) {
            return 0;
        }
        if (!v.isIntegralNumber() || !v.canConvertToInt()) {
            throw new MalformedMessageException(field, "not a 32-bit integer: " + v);
        }
        return v.intValue();
    }

    public static Bytes32 bytes32(JsonNode n, String field) throws MalformedMessageException {
        String s = text(n, field);
        if (!s.matches("0x[0-9a-fA-F]{64}")) {
            throw new MalformedMessageException(field, "not 0x + 64 hex digits: " + abbreviate(s));
        }
        return Bytes32.fromHex(s);
    }

    public static String abbreviate(String s) {
        return s.length() <= 80 ? s : s.substring(0, 80) + "…";
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "";
        }
        int nl = s.indexOf('\n');
        return abbreviate(nl < 0 ? s : s.substring(0, nl));
    }
}
