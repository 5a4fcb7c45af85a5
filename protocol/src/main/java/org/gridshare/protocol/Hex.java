package org.gridshare.protocol;

/** Strict 0x-prefixed hex codec for protocol values: exact length, no guessing. */
public final class Hex {
    private static final char[] DIGITS = "0123456789abcdef".toCharArray();

    private Hex() {}

    /**
     * Decodes {@code 0x} followed by exactly {@code 2 * length} hex digits (either case).
     *
     * @param what name of the value for the error message
     * @throws MalformedValueException with the offset of the first bad character
     */
    public static byte[] decode(String what, String hex, int length) {
        if (hex == null) {
            throw new MalformedValueException(what, -1, "missing");
        }
        if (!hex.startsWith("0x") && !hex.startsWith("0X")) {
            throw new MalformedValueException(what, 0, "expected 0x prefix");
        }
        int digits = hex.length() - 2;
        if (digits != 2 * length) {
            throw new MalformedValueException(what, -1, "expected " + (2 * length) + " hex digits, got " + digits);
        }
        byte[] out = new byte[length];
        for (int i = 0; i < length; i++) {
            int hi = nibble(what, hex, 2 + 2 * i);
            int lo = nibble(what, hex, 3 + 2 * i);
            out[i] = (byte) ((hi << 4) | lo);
        }
        return out;
    }

    private static int nibble(String what, String hex, int at) {
        int v = Character.digit(hex.charAt(at), 16);
        if (v < 0 || hex.charAt(at) > 'f') {
            throw new MalformedValueException(what, at, "not a hex digit");
        }
        return v;
    }

    /** Lower-case hex with 0x prefix. */
    public static String encode(byte[] bytes) {
        char[] out = new char[2 + 2 * bytes.length];
        out[0] = '0';
        out[1] = 'x';
        for (int i = 0; i < bytes.length; i++) {
            out[2 + 2 * i] = DIGITS[(bytes[i] >> 4) & 0xf];
            out[3 + 2 * i] = DIGITS[bytes[i] & 0xf];
        }
        return new String(out);
    }
}
