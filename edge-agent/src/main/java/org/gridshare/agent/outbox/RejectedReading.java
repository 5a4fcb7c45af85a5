package org.gridshare.agent.outbox;

/** A reading the backend refused for good, kept with the reason it gave (name, numeric code, detail). */
// a row of the outbox: never compared or hashed
@SuppressWarnings("ArrayRecordComponent")
public record RejectedReading(
        long seq, String digest, byte[] payload, String reason, int code, String detail, long rejectedAtMs) {}
