package org.gridshare.drivers.obis;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An OBIS code (IEC 62056-61) without its F field, rendered {@code A-B:C.D.E}: the key of
 * {@link org.gridshare.drivers.NormalizedReading#obis()}.
 */
public record ObisCode(int a, int b, int c, int d, int e) {

    private static final Pattern FULL =
            Pattern.compile("(\\d{1,3})-(\\d{1,3}):(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})(?:[*&](\\d{1,3}))?");

    public ObisCode {
        for (int v : new int[] {a, b, c, d, e}) {
            if (v < 0 || v > 255) {
                throw new IllegalArgumentException("OBIS field out of 0..255: " + v);
            }
        }
    }

    /** Parses {@code A-B:C.D.E} with an optional {@code *F}; null when the text is not of that form. */
    public static ObisCode parse(CharSequence text) {
        Matcher m = FULL.matcher(text);
        if (!m.matches()) {
            return null;
        }
        try {
            return new ObisCode(
                    Integer.parseInt(m.group(1)),
                    Integer.parseInt(m.group(2)),
                    Integer.parseInt(m.group(3)),
                    Integer.parseInt(m.group(4)),
                    Integer.parseInt(m.group(5)));
        } catch (IllegalArgumentException ex) {
            return null;
        }
    }

    /**
     * The key of {@code text} in an OBIS value map: {@code A-B:C.D.E} for current values (no F, or F = 255),
     * {@code A-B:C.D.E*F} for historical ones (billing period F), so that a stored value never shadows
     * the current one. Null when the text is not an OBIS code.
     */
    public static String key(CharSequence text) {
        Matcher m = FULL.matcher(text);
        if (!m.matches()) {
            return null;
        }
        ObisCode code = parse(text);
        if (code == null) {
            return null;
        }
        String f = m.group(6);
        return f == null || Integer.parseInt(f) == 255 ? code.toString() : code + "*" + Integer.parseInt(f);
    }

    /** The six OBIS bytes A..F as SML sends them (F is dropped). */
    public static ObisCode ofBytes(byte[] six) {
        return new ObisCode(six[0] & 0xFF, six[1] & 0xFF, six[2] & 0xFF, six[3] & 0xFF, six[4] & 0xFF);
    }

    /** True when C, D and E equal the given values (any A and B). */
    public boolean is(int c, int d, int e) {
        return this.c == c && this.d == d && this.e == e;
    }

    @Override
    public String toString() {
        return a + "-" + b + ":" + c + "." + d + "." + e;
    }
}
