package org.gridshare.protocol;

/** No public key can be recovered from a signature over a digest: the signature is invalid. */
public final class InvalidSignatureException extends Exception {
    public InvalidSignatureException(String message) {
        super(message);
    }
}
