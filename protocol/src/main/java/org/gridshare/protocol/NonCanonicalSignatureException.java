package org.gridshare.protocol;

/**
 * A signature is not in the one canonical form gridshare accepts: {@code s} above n/2 (the malleable
 * "high-s" twin), {@code r} or {@code s} out of range, or {@code v} not 27/28.
 */
public final class NonCanonicalSignatureException extends MalformedValueException {
    public NonCanonicalSignatureException(String what, String message) {
        super(what, -1, message);
    }
}
