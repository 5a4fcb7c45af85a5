package org.gridshare.agent.signing;

import org.gridshare.protocol.Bytes32;

/**
 * What the meter key has already signed: the last sequence number used, the digest of that reading
 * (the next reading's {@code prev}) and its time. {@code lastSeq == 0} means nothing was signed yet;
 * the first reading carries seq 1.
 */
public record SigningState(long lastSeq, Bytes32 lastDigest, long lastTimeMs) {
    public static final SigningState INITIAL = new SigningState(0, Bytes32.ZERO, Long.MIN_VALUE);
}
