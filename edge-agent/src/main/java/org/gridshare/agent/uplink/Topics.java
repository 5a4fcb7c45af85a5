package org.gridshare.agent.uplink;

import org.gridshare.protocol.Address;

/** MQTT topic names of DESIGN.md: {@code gridshare/v1/{zone}/{meter}/readings} and friends. */
public final class Topics {
    private Topics() {}

    public static String readings(String zone, Address meter) {
        return "gridshare/v1/" + checkSegment(zone) + "/" + meter.toHex() + "/readings";
    }

    /** Where the backend acknowledges the meter's readings end to end (see {@link AckMessage}). */
    public static String acks(String zone, Address meter) {
        return "gridshare/v1/" + checkSegment(zone) + "/" + meter.toHex() + "/acks";
    }

    public static String status(String zone, Address device) {
        return "gridshare/v1/" + checkSegment(zone) + "/" + device.toHex() + "/status";
    }

    static String checkSegment(String s) {
        if (s.isEmpty() || s.chars().anyMatch(c -> c == '/' || c == '+' || c == '#' || c < 0x21 || c > 0x7e)) {
            throw new IllegalArgumentException(
                    "zone '" + s + "' is not a valid topic segment (printable ASCII, no / + #)");
        }
        return s;
    }
}
