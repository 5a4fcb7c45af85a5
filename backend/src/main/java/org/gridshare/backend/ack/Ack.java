package org.gridshare.backend.ack;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/**
 * The end-to-end acknowledgement published to {@code gridshare/v1/{zone}/{meter}/acks} (QoS 1):
 * {@code acceptedThrough} is the meter's highest verified seq (the verifier accepts seqs only in
 * order, so it is also the highest contiguous one; absent when not known yet), and {@code rejected}
 * lists the readings refused since the last ack with the verifier's reason, so the agent keeps a
 * refused reading with its reason and re-sends after a transient one (SEQ_GAP, REGISTRY_UNAVAILABLE,
 * INTERNAL_ERROR).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Ack(
        @JsonProperty("meter") String meter,
        @JsonProperty("acceptedThrough") Long acceptedThrough,
        @JsonProperty("rejected") List<Rejected> rejected) {

    /** One refused reading. */
    public record Rejected(
            @JsonProperty("seq") long seq,
            @JsonProperty("reason") String reason,
            @JsonProperty("code") int code,
            @JsonProperty("detail") String detail) {}
}
