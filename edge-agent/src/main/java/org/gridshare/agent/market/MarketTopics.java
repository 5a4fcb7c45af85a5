package org.gridshare.agent.market;

import org.gridshare.protocol.Address;

/** The market's MQTT topics (market wire contract); zone by name, addresses in lowercase hex. */
public final class MarketTopics {
    private MarketTopics() {}

    /** Agent → backend: the meter's signed interval statements. */
    public static String statements(String zone, Address meter) {
        return base(zone, meter) + "/statements";
    }

    /** Backend → agent: verdicts on the meter's statements. */
    public static String statementAcks(String zone, Address meter) {
        return base(zone, meter) + "/statement-acks";
    }

    /** Agent → backend: the household's signed orders. */
    public static String orders(String zone, Address account) {
        return base(zone, account) + "/orders";
    }

    /** Backend → agent: order verdicts, fills and settlements of the household. */
    public static String fills(String zone, Address account) {
        return base(zone, account) + "/fills";
    }

    private static String base(String zone, Address a) {
        if (zone.isEmpty() || zone.chars().anyMatch(c -> c == '/' || c == '+' || c == '#' || c < 0x21 || c > 0x7e)) {
            throw new IllegalArgumentException(
                    "zone '" + zone + "' is not a valid topic segment (printable ASCII, no / + #)");
        }
        return "gridshare/v1/" + zone + "/" + a.toHex();
    }
}
