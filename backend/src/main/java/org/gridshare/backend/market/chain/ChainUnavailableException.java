package org.gridshare.backend.market.chain;

/** The chain could not be asked (node down, timeout); the caller keeps its input and tries again later. */
public final class ChainUnavailableException extends Exception {
    public ChainUnavailableException(String what, Throwable cause) {
        super(what + ": " + (cause == null ? "no answer" : cause.getMessage()), cause);
    }
}
