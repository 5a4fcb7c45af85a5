package org.gridshare.protocol.wire;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import org.gridshare.protocol.wire.WireFormatException.Reason;

/**
 * The one JSON reader of the project's wire formats: a payload of at most {@code maxBytes} that is
 * exactly one JSON object, duplicate keys and anything after the object rejected, every number kept
 * exact (integers as big integers, fractions as big decimals, so {@code 1.0} is seen as a fraction and
 * never rounded). The fields are then read through {@link JsonObject}, whose unknown-field policy is
 * chosen per message ({@link JsonObject#rejectUnknown} for the signed formats, none for the downlink).
 */
public final class StrictJson {
    static final JsonFactory FACTORY = JsonFactory.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();
    private static final ObjectMapper MAPPER = JsonMapper.builder(FACTORY)
            .enable(DeserializationFeature.USE_BIG_INTEGER_FOR_INTS)
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            // keep 1000.0 as written in error messages instead of 1E+3
            .configure(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES, false)
            .build();

    private StrictJson() {}

    /**
     * Parses one JSON object.
     *
     * @throws WireFormatException {@link Reason#OVERSIZED} above {@code maxBytes} (checked before
     *     parsing), {@link Reason#MALFORMED_JSON} for empty input, a syntax error, a duplicate key,
     *     trailing data or a value that is not an object
     */
    public static JsonObject object(byte[] json, int maxBytes) throws WireFormatException {
        JsonNode root = tree(json, maxBytes);
        if (!root.isObject()) {
            throw new WireFormatException(Reason.MALFORMED_JSON, null, "expected one JSON object");
        }
        return new JsonObject(root, "");
    }

    /**
     * Parses one JSON value of any kind, as strictly as {@link #object}, for a reader that reports every
     * problem of a larger document itself (the orders file of {@code market clear}).
     */
    public static JsonNode tree(byte[] json, int maxBytes) throws WireFormatException {
        if (json == null || json.length == 0) {
            throw new WireFormatException(Reason.MALFORMED_JSON, null, "empty payload");
        }
        if (json.length > maxBytes) {
            throw new WireFormatException(Reason.OVERSIZED, null, json.length + " bytes, limit " + maxBytes);
        }
        JsonNode root;
        try {
            root = MAPPER.readTree(json);
        } catch (JsonProcessingException e) {
            throw new WireFormatException(
                    Reason.MALFORMED_JSON,
                    null,
                    e.getOriginalMessage()
                            + (e.getLocation() == null
                                    ? ""
                                    : " at byte offset " + e.getLocation().getByteOffset()));
        } catch (IOException e) {
            throw new WireFormatException(Reason.MALFORMED_JSON, null, e.getMessage());
        }
        if (root == null || root.isMissingNode()) {
            throw new WireFormatException(Reason.MALFORMED_JSON, null, "expected one JSON object");
        }
        return root;
    }
}
