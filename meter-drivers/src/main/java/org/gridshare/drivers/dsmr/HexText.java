package org.gridshare.drivers.dsmr;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;

/** DSMR sends identifiers and text messages as hex of their ASCII bytes. */
final class HexText {

    private HexText() {
    }

    /**
     * The ASCII text when {@code value} is an even number of hex digits encoding printable ASCII;
     * otherwise {@code value} unchanged (DSMR 2.2 sends some ids in clear, some meters send zeros).
     */
    static String decode(String value) {
        if (value.isEmpty() || value.length() % 2 != 0 || !value.matches("[0-9A-Fa-f]+")) {
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
