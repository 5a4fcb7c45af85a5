package org.gridshare.contracts;

import java.util.List;
import java.util.Objects;

/**
 * A decoded revert: the error name, its arguments rendered as text (addresses and bytes as
 * lower-case hex, integers in decimal) and the raw revert data as {@code 0x} hex.
 *
 * @param name the custom error name, {@code Error}, {@code Panic}, or {@link #UNKNOWN}
 * @param arguments the decoded arguments in declaration order
 * @param data the raw revert data, {@code 0x} for an empty revert
 */
public record RevertReason(String name, List<String> arguments, String data) {
    /** Name used when the selector matches no error of the ABI, or there is no revert data. */
    public static final String UNKNOWN = "UNKNOWN";

    public RevertReason {
        Objects.requireNonNull(name, "name");
        arguments = List.copyOf(arguments);
        Objects.requireNonNull(data, "data");
    }

    @Override
    public String toString() {
        String call = name + "(" + String.join(", ", arguments) + ")";
        return name.equals(UNKNOWN) ? call + " data " + data : call;
    }
}
