package org.gridshare.backend;

import java.util.LinkedHashMap;
import java.util.Map;

/** The Kafka topics the backend reads and writes; all are keyed by meter (lowercase 0x address). */
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

    /** Partitions per topic: keyed by meter, so a meter's records stay in order. */
    public static final int PARTITIONS = 3;

    private Topics() {}

    /** Every topic the backend needs, with its partition count. */
    public static Map<String, Integer> all() {
        Map<String, Integer> topics = new LinkedHashMap<>();
        for (String t : new String[] {READINGS, STATEMENTS, ORDERS, READINGS_VERIFIED, REJECTED, INTERVALS}) {
            topics.put(t, PARTITIONS);
        }
        return topics;
    }
}
