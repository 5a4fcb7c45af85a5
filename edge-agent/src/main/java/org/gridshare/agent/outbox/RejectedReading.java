package org.gridshare.agent.outbox;

/** A reading the backend refused for good, kept with the reason it gave (name, numeric code, detail). */
public record RejectedReading(
        long seq, String digest, byte[] payload, String reason, int code, String detail, long rejectedAtMs) {}
