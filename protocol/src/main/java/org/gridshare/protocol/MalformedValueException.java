package org.gridshare.protocol;

/**
 * A protocol value (hex string, fixed-size byte array, integer field) is malformed. Says which value
 * ({@link #what()}) and, for text input, the character offset of the first fault.
 */
public class MalformedValueException extends IllegalArgumentException {
    private final String what;
    private final int offset;

    public MalformedValueException(String what, int offset, String message) {
        super(what + (offset >= 0 ? " at offset " + offset : "") + ": " + message);
        this.what = what;
        this.offset = offset;
    }

    /** Name of the value that was rejected, e.g. {@code "address"} or {@code "signature.s"}. */
    public String what() {
        return what;
    }

    /** Character offset of the first fault in the text input, or -1 when not applicable. */
    public int offset() {
        return offset;
    }
}
