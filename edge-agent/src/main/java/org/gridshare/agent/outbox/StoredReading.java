package org.gridshare.agent.outbox;

/**
 * A signed reading from the outbox: its seq, the hex EIP-712 digest and the JSON wire payload that is
 * published (rebuilt deterministically from the stored binary form, so a re-send is byte-identical).
 */
// a row of the outbox: never compared or hashed
@SuppressWarnings("ArrayRecordComponent")
public record StoredReading(long seq, String digest, byte[] payload) {}
