package org.gridshare.parts;

import java.io.IOException;
import java.util.List;

/**
 * A local part (broker, node) did not come up before its deadline, or died while starting. Carries the
 * part's name and the last lines it printed, so the cause is visible without hunting for a log file.
 */
public class PartStartException extends IOException {
    private final String part;
    private final List<String> lastOutput;

    public PartStartException(String part, String reason, List<String> lastOutput) {
        this(part, reason, lastOutput, null);
    }

    public PartStartException(String part, String reason, List<String> lastOutput, Throwable cause) {
        super(format(part, reason, lastOutput), cause);
        this.part = part;
        this.lastOutput = List.copyOf(lastOutput);
    }

    /** Name of the part that did not come up, e.g. "anvil" or "mosquitto". */
    public String part() {
        return part;
    }

    /** The last lines the part printed before the failure (oldest first), possibly empty. */
    public List<String> lastOutput() {
        return lastOutput;
    }

    private static String format(String part, String reason, List<String> lastOutput) {
        StringBuilder b = new StringBuilder(part).append(" did not come up: ").append(reason);
        if (lastOutput.isEmpty()) {
            b.append(" (it printed nothing)");
        } else {
            b.append("; its last ").append(lastOutput.size()).append(" output lines:");
            for (String line : lastOutput) {
                b.append("\n  | ").append(line);
            }
        }
        return b.toString();
    }
}
