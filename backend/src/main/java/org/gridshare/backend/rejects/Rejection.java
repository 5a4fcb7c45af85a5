package org.gridshare.backend.rejects;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Arrays;
import java.util.Base64;
import java.util.Objects;
import org.gridshare.protocol.RejectReason;

/**
 * One record on {@code gridshare.rejected.v1}: the reason (name and code), what and where, the meter and
 * seq when known, where the input came from, and the input bytes (at most {@link #KEPT_BYTES}).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Rejection(
        @JsonProperty("reason") RejectReason reason,
        @JsonProperty("code") int code,
        @JsonProperty("detail") String detail,
        @JsonProperty("meter") String meter,
        @JsonProperty("seq") Long seq,
        @JsonProperty("source") Source source,
        @JsonProperty("payloadBase64") String payloadBase64,
        @JsonProperty("payloadBytes") int payloadBytes,
        @JsonProperty("rejectedAtMs") long rejectedAtMs) {

    /** How many payload bytes a rejection keeps; bigger payloads are cut (payloadBytes tells the size). */
    public static final int KEPT_BYTES = 4096;

    /** Where the rejected input was read: a Kafka record, or (for the bridge) an MQTT topic. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Source(
            @JsonProperty("topic") String topic,
            @JsonProperty("partition") Integer partition,
            @JsonProperty("offset") Long offset,
            @JsonProperty("mqttTopic") String mqttTopic) {}

    public Rejection {
        Objects.requireNonNull(reason, "reason");
        if (code != reason.code()) {
            throw new IllegalArgumentException("code " + code + " does not belong to " + reason);
        }
    }

    /** A rejection of {@code payload}, keeping at most {@link #KEPT_BYTES} of it. */
    public static Rejection of(
            RejectReason reason, String detail, String meter, Long seq, Source source, byte[] payload, long nowMs) {
        byte[] kept = payload == null ? new byte[0] : Arrays.copyOf(payload, Math.min(payload.length, KEPT_BYTES));
        return new Rejection(
                reason,
                reason.code(),
                detail,
                meter,
                seq,
                source,
                Base64.getEncoder().encodeToString(kept),
                payload == null ? 0 : payload.length,
                nowMs);
    }

    /** The kept payload bytes. */
    public byte[] payload() {
        return payloadBase64 == null ? new byte[0] : Base64.getDecoder().decode(payloadBase64);
    }
}
