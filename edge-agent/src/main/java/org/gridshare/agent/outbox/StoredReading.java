package org.gridshare.agent.outbox;

/**
 * A signed reading as the outbox keeps it: its seq, the hex EIP-712 digest and the exact JSON wire
 * payload that is published (bytes are kept, not re-encoded, so a re-send is byte-identical).
 */
public record StoredReading(long seq, String digest, byte[] payload) {}
