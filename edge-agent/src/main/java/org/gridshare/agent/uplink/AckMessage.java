package org.gridshare.agent.uplink;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * An end-to-end acknowledgement from the backend on {@code gridshare/v1/{zone}/{meter}/acks}:
 *
 * <pre>{"meter":"0x…","acceptedThrough":123,
 *  "rejected":[{"seq":124,"reason":"SEQ_GAP","code":32,"detail":"…"}]}</pre>
 *
 * {@code acceptedThrough} (absent when the backend does not know yet) is the highest seq of the meter
 * the backend has verified; it only accepts seqs in order, so every lower seq is settled too.
 * {@code rejected} lists readings refused since the last ack, with the backend's reason.
 */
public record AckMessage(String meter, Long acceptedThrough, List<Rejected> rejected) {
    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();

    /** One refused reading: its seq and the backend's reason name, numeric code and detail. */
    public record Rejected(long seq, String reason, int code, String detail) {}

    /** Parses an ack; a malformed one raises {@link IOException} saying which field is wrong. */
    public static AckMessage parse(byte[] json) throws IOException {
        JsonNode n = MAPPER.readTree(json);
        if (n == null || !n.isObject()) {
            throw new IOException("ack is not a JSON object");
        }
        String meter = n.path("meter").isTextual() ? n.get("meter").asText() : null;
        Long through = null;
        JsonNode t = n.get("acceptedThrough");
        if (t != null && !t.isNull()) {
            if (!t.isIntegralNumber() || !t.canConvertToLong() || t.asLong() < 0) {
                throw new IOException("ack field acceptedThrough is not a non-negative integer: " + t);
            }
            through = t.asLong();
        }
        List<Rejected> rejected = new ArrayList<>();
        JsonNode rs = n.get("rejected");
        if (rs != null && !rs.isNull()) {
            if (!rs.isArray()) {
                throw new IOException("ack field rejected is not an array");
            }
            for (int i = 0; i < rs.size(); i++) {
                JsonNode r = rs.get(i);
                if (!r.path("seq").isIntegralNumber() || !r.path("reason").isTextual()) {
                    throw new IOException("ack field rejected[" + i + "] needs an integer seq and a reason: " + r);
                }
                rejected.add(new Rejected(
                        r.get("seq").asLong(),
                        r.get("reason").asText(),
                        r.path("code").asInt(0),
                        r.path("detail").isTextual() ? r.get("detail").asText() : null));
            }
        }
        return new AckMessage(meter, through, List.copyOf(rejected));
    }
}
