package org.gridshare.drivers.dsmr;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.regex.Pattern;

/** DSMR sends identifiers and text messages as hex of their ASCII bytes. */
final class HexText {

    private static final Pattern HEX = Pattern.compile("[0-9A-Fa-f]+");

    private HexText() {}

    /**
     * The ASCII text when {@code value} is an even number of hex digits encoding printable ASCII;
     * otherwise {@code value} unchanged (DSMR 2.2 sends some ids in clear, some meters send zeros).
     */
    static String decode(String value) {
        if (value.isEmpty() || value.length() % 2 != 0 || !HEX.matcher(value).matches()) {
            return value;
        }
        byte[] bytes = HexFormat.of().parseHex(value);
        for (byte b : bytes) {
            if (b < 0x20 || b > 0x7E) {
                return value;
            }
        }
        return new String(bytes, StandardCharsets.US_ASCII);
    }
}
