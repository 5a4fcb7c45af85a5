package org.gridshare.protocol;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Every topic name of the system, in one place (docs/protocol.md, "Topics").
 *
 * <p>MQTT: {@code gridshare/v1/{zone}/{device}/{kind}}, the zone by name (see {@link ZoneIds}), the
 * device as its lowercase 0x address (meter, or account for orders and fills). Device → backend:
 * {@code readings}, {@code statements}, {@code orders}, {@code status}; backend → device: {@code acks},
 * {@code statement-acks}, {@code fills}.
 *
 * <p>Kafka: the backend's topics ({@link #READINGS} …), each with {@link #PARTITIONS} partitions. Device
 * topics are keyed by the device (lowercase 0x address); clearing and settlement records by
 * {@code zoneId:intervalStartMs}.
 */
public final class Topics {
    // ---- MQTT kinds ----
    public static final String READINGS_KIND = "readings";
    public static final String STATEMENTS_KIND = "statements";
    public static final String ORDERS_KIND = "orders";
    public static final String STATUS_KIND = "status";
    public static final String ACKS_KIND = "acks";
    public static final String STATEMENT_ACKS_KIND = "statement-acks";
    public static final String FILLS_KIND = "fills";

    private static final String PREFIX = "gridshare/v1/";

    // ---- Kafka ----
    /** Raw reading payloads exactly as received over MQTT. */
    public static final String READINGS = "gridshare.readings.v1";
    /** Raw interval statements as received (forwarded by the bridge, verified later). */
    public static final String STATEMENTS = "gridshare.statements.v1";
    /** Raw orders as received (keyed by account). */
    public static final String ORDERS = "gridshare.orders.v1";
    /** Readings that passed every check, as JSON with verifiedAtMs. */
    public static final String READINGS_VERIFIED = "gridshare.readings.verified.v1";
    /** Every rejection with its reason. */
    public static final String REJECTED = "gridshare.rejected.v1";
    /** Energy per meter per interval (updates; the latest record per (meter, interval) wins). */
    public static final String INTERVALS = "gridshare.intervals.v1";

    /** Market: orders that passed every check, with their arrival time (the books are rebuilt from it). */
    public static final String ORDERS_ACCEPTED = "gridshare.orders.accepted.v1";
    /** Market: statements that passed every check, keyed by meter; the latest per (meter, interval) wins. */
    public static final String STATEMENTS_VERIFIED = "gridshare.statements.verified.v1";
    /** Market: one clearing record per (zone, interval): price, volume and every order with its fill. */
    public static final String CLEARING = "gridshare.clearing.v1";
    /** Market: settlement outcomes per (zone, interval): HELD, SETTLED, ALREADY_SETTLED, REVERTED. */
    public static final String SETTLEMENT = "gridshare.settlement.v1";

    /** Partitions per Kafka topic: keyed by device, so a device's records stay in order. */
    public static final int PARTITIONS = 3;

    private Topics() {}

    /** Every Kafka topic the backend needs, with its partition count, in a fixed order. */
    public static Map<String, Integer> all() {
        Map<String, Integer> topics = new LinkedHashMap<>();
        for (String t : new String[] {
            READINGS,
            STATEMENTS,
            ORDERS,
            READINGS_VERIFIED,
            REJECTED,
            INTERVALS,
            ORDERS_ACCEPTED,
            STATEMENTS_VERIFIED,
            CLEARING,
            SETTLEMENT
        }) {
            topics.put(t, PARTITIONS);
        }
        return topics;
    }

    // ---- MQTT builders for a device's own topics: the zone comes from configuration, so it is checked ----

    /** Agent → backend: the meter's signed readings. */
    public static String readings(String zone, Address meter) {
        return device(zone, meter, READINGS_KIND);
    }

    /** Backend → agent: end-to-end acks of the meter's readings. */
    public static String acks(String zone, Address meter) {
        return device(zone, meter, ACKS_KIND);
    }

    /** Agent → anyone: the device's retained online/offline status. */
    public static String status(String zone, Address device) {
        return device(zone, device, STATUS_KIND);
    }

    /** Agent → backend: the meter's signed interval statements. */
    public static String statements(String zone, Address meter) {
        return device(zone, meter, STATEMENTS_KIND);
    }

    /** Backend → agent: verdicts on the meter's statements. */
    public static String statementAcks(String zone, Address meter) {
        return device(zone, meter, STATEMENT_ACKS_KIND);
    }

    /** Agent → backend: the household's signed orders. */
    public static String orders(String zone, Address account) {
        return device(zone, account, ORDERS_KIND);
    }

    /** Backend → agent: order verdicts, fills and settlements of the household. */
    public static String fills(String zone, Address account) {
        return device(zone, account, FILLS_KIND);
    }

    private static String device(String zone, Address device, String kind) {
        if (zone.isEmpty() || zone.chars().anyMatch(c -> c == '/' || c == '+' || c == '#' || c < 0x21 || c > 0x7e)) {
            throw new IllegalArgumentException(
                    "zone '" + zone + "' is not a valid topic segment (printable ASCII, no / + #)");
        }
        return PREFIX + zone + "/" + device.toHex() + "/" + kind;
    }

    // ---- MQTT for the backend: segments echo a topic it received (see Device#parse) ----

    /** The topic for a zone, device segment and kind, as the backend answers on a topic it parsed. */
    public static String of(String zone, String device, String kind) {
        return PREFIX + zone + "/" + device + "/" + kind;
    }

    /** The MQTT subscription filter for one kind over every zone and device. */
    public static String filter(String kind) {
        return PREFIX + "+/+/" + kind;
    }

    /** The parsed topic, or empty when it does not have the five segments of the scheme. */
    public static Optional<Device> parse(String topic) {
        return Device.parse(topic);
    }

    /**
     * A parsed device topic {@code gridshare/v1/{zone}/{device}/{kind}}. The device segment is
     * lowercased because it becomes the Kafka key and addresses are compared case-insensitively.
     */
    public record Device(String zone, String device, String kind) {
        /** The parsed topic, or empty when it does not have the five segments of the scheme. */
        public static Optional<Device> parse(String topic) {
            if (topic == null) {
                return Optional.empty();
            }
            String[] s = topic.split("/", -1);
            if (s.length != 5
                    || !s[0].equals("gridshare")
                    || !s[1].equals("v1")
                    || s[2].isEmpty()
                    || s[3].isEmpty()
                    || s[4].isEmpty()) {
                return Optional.empty();
            }
            return Optional.of(new Device(s[2], s[3].toLowerCase(Locale.ROOT), s[4]));
        }
    }
}
