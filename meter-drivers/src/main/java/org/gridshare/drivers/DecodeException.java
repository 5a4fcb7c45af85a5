package org.gridshare.drivers;

import java.util.HexFormat;

/**
 * A frame could not be decoded. Says what went wrong ({@link Kind}), where (byte offset into the frame
 * or stream) and shows the bytes around that place, so a field report can be matched to a capture.
 * Decoders never return a guessed value instead of throwing this.
 */
public final class DecodeException extends Exception {

    /** What kind of fault the input has; callers treat CORRUPT and TRUNCATED as line noise. */
    public enum Kind {
        /** The bytes do not follow the protocol's grammar. */
        MALFORMED,
        /** The frame is well formed but its CRC, BCC or authentication tag does not match. */
        CORRUPT,
        /** The frame ends before its structure is complete. */
        TRUNCATED,
        /** A field parses but its value cannot be true (month 13, negative energy register). */
        IMPOSSIBLE_VALUE,
        /** A valid construct this decoder does not handle (unknown unit, cipher suite, version). */
        UNSUPPORTED
    }

    private static final int WINDOW = 16;

    private final Kind kind;
    private final long offset;
    private final String hexWindow;
    private final String field;
    private final String detail;

    /**
     * @param kind the fault
     * @param message what is wrong, in words
     * @param field the protocol field concerned (an OBIS code, "crc", "header"), or null
     * @param data the frame or stream excerpt the offset refers to, or null
     * @param offset offset of the fault in {@code data}, or -1 when not known
     */
    public DecodeException(Kind kind, String message, String field, byte[] data, long offset) {
        this(kind, message, field, offset, data == null ? "" : window(data, offset));
    }

    private DecodeException(Kind kind, String message, String field, long offset, String hexWindow) {
        super(kind + (field == null ? "" : " [" + field + "]") + (offset >= 0 ? " at byte " + offset : "") + ": "
                + message + (hexWindow.isEmpty() ? "" : " near " + hexWindow));
        this.kind = kind;
        this.offset = offset;
        this.field = field;
        this.hexWindow = hexWindow;
        this.detail = message;
    }

    /** Same as the five-argument form, keeping the underlying cause (e.g. a cipher failure). */
    public DecodeException(Kind kind, String message, String field, byte[] data, long offset, Throwable cause) {
        this(kind, message, field, data, offset);
        initCause(cause);
    }

    public Kind kind() {
        return kind;
    }

    /** Byte offset of the fault, -1 when not tied to one place. */
    public long offset() {
        return offset;
    }

    /** Hex of up to 16 bytes either side of the offset; the byte at the offset is in square brackets. */
    public String hexWindow() {
        return hexWindow;
    }

    /** The protocol field concerned, or null. */
    public String field() {
        return field;
    }

    /** What is wrong, without kind, field, offset and bytes. */
    public String detail() {
        return detail;
    }

    /** The same fault with its offset moved by {@code base}, for errors found inside a larger stream. */
    public DecodeException shifted(long base) {
        DecodeException e = new DecodeException(kind, detail, field, offset < 0 ? offset : offset + base, hexWindow);
        e.initCause(this);
        return e;
    }

    static String window(byte[] data, long offset) {
        if (data.length == 0) {
            return "<empty>";
        }
        int at = (int) Math.max(0, Math.min(offset < 0 ? 0 : offset, data.length));
        int from = Math.max(0, at - WINDOW);
        int to = Math.min(data.length, at + WINDOW);
        HexFormat hex = HexFormat.of();
        StringBuilder sb = new StringBuilder();
        for (int i = from; i < to; i++) {
            if (i > from) {
                sb.append(' ');
            }
            String b = hex.toHexDigits(data[i]);
            sb.append(i == at && offset >= 0 ? "[" + b + "]" : b);
        }
        if (at == data.length && offset >= 0) {
            sb.append(" [end]");
        }
        return sb.toString();
    }
}
