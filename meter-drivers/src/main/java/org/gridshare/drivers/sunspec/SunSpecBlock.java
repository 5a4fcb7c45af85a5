package org.gridshare.drivers.sunspec;

import java.math.BigDecimal;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One decoded SunSpec model: every implemented point with its value (scale factor applied, exact), and
 * the names of the points the device marked "not implemented".
 *
 * @param modelId the SunSpec model id (1, 101, 203, ...)
 * @param address the register of the model's first point (after ID and L)
 */
public record SunSpecBlock(int modelId, int address, Map<String, Value> values, List<String> notImplemented) {

    /** A point's value: {@code number} for numeric points, {@code text} for strings; {@code units} as the model defines. */
    public record Value(BigDecimal number, String text, String units) {

        /** The value as text: the exact decimal, or the string. */
        public String asText() {
            return number != null ? number.toPlainString() : text;
        }
    }

    public SunSpecBlock {
        values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
        notImplemented = List.copyOf(notImplemented);
    }

    /** The point's value, or null when absent (not implemented, or not in this model). */
    public Value get(String name) {
        return values.get(name);
    }
}
