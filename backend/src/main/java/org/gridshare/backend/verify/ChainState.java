package org.gridshare.backend.verify;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * Per-meter verification state, kept in the Streams state store: the last accepted reading's seq, its
 * EIP-712 digest (what the next {@code prev} must be), its time and its cumulative registers (for deltas).
 */
public record ChainState(
        @JsonProperty("lastSeq") long lastSeq,
        @JsonProperty("lastDigest") String lastDigest,
        @JsonProperty("lastTimeMs") long lastTimeMs,
        @JsonProperty("lastImportMilliWh") long lastImportMilliWh,
        @JsonProperty("lastExportMilliWh") long lastExportMilliWh,
        @JsonProperty("accepted") long accepted) {}
