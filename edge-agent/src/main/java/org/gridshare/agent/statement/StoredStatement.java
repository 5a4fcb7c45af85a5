package org.gridshare.agent.statement;

/**
 * A signed interval statement as the agent keeps it: the wire JSON that is (re-)published, the net
 * energy it states (export − import, mWh), whether it chains to a reading before the interval
 * ({@code complete}; false for the first interval the agent saw, which it covers only partly), and the
 * backend's verdict: {@code status} is {@code pending}, {@code accepted} or {@code rejected} (with
 * reason, code and detail).
 */
// a row of the outbox: never compared or hashed
@SuppressWarnings("ArrayRecordComponent")
public record StoredStatement(
        long intervalStartMs,
        long firstSeq,
        long lastSeq,
        long netMilliWh,
        boolean complete,
        String digest,
        byte[] payload,
        long signedAtMs,
        String status,
        String reason,
        Integer code,
        String detail) {
    public static final String PENDING = "pending";
    public static final String ACCEPTED = "accepted";
    public static final String REJECTED = "rejected";
}
