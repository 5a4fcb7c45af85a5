package org.gridshare.backend.verify;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * A reading that passed every check, as written to {@code gridshare.readings.verified.v1}: the signed
 * fields (uint64 values as unsigned decimal JSON integers), the digest, the signature, when it was
 * received by the bridge (receivedAtMs, from the {@code ingest.receivedMs} header; 0 when absent), when
 * verified, and the energy it adds since the meter's previous accepted reading (0 for the first).
 */
public record VerifiedReading(
        @JsonProperty("meter") String meter,
        @JsonProperty("zone") String zone,
        @JsonProperty("seq") long seq,
        @JsonProperty("timeMs") long timeMs,
        @JsonProperty("importMilliWh") long importMilliWh,
        @JsonProperty("exportMilliWh") long exportMilliWh,
        @JsonProperty("powerMilliW") long powerMilliW,
        @JsonProperty("status") long status,
        @JsonProperty("prev") String prev,
        @JsonProperty("digest") String digest,
        @JsonProperty("signature") String signature,
        @JsonProperty("receivedAtMs") long receivedAtMs,
        @JsonProperty("verifiedAtMs") long verifiedAtMs,
        @JsonProperty("importDeltaMilliWh") long importDeltaMilliWh,
        @JsonProperty("exportDeltaMilliWh") long exportDeltaMilliWh) {}
