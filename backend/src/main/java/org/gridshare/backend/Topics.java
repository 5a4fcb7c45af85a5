package org.gridshare.backend;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The Kafka topics the backend reads and writes. Device topics are keyed by the device (lowercase 0x
 * address: meter, or account for orders); clearing and settlement records by {@code zoneId:intervalStartMs}.
 */
public final class Topics {
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

    /** Partitions per topic: keyed by meter, so a meter's records stay in order. */
    public static final int PARTITIONS = 3;

    private Topics() {}

    /** Every topic the backend needs, with its partition count. */
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
}
