package org.gridshare.drivers;

import java.math.BigDecimal;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * One value exactly as the meter sent it: the text of the number (leading zeros and all) and the unit
 * text, or null when the meter sent no unit. SML values, which arrive as integer plus power-of-ten
 * scaler, are rendered to their exact decimal text.
 */
public record ObisValue(String value, String unit) {

    private static final Pattern DECIMAL = Pattern.compile("[+-]?\\d+(\\.\\d+)?");

    public ObisValue {
        Objects.requireNonNull(value, "value");
    }

    /** The value as an exact decimal, or empty when it is not a number (an id, a timestamp, text). */
    public Optional<BigDecimal> decimal() {
        if (!DECIMAL.matcher(value).matches()) {
            return Optional.empty();
        }
        return Optional.of(new BigDecimal(value));
    }
}
