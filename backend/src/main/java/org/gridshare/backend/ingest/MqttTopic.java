package org.gridshare.backend.ingest;

import java.util.Locale;
import java.util.Optional;

/**
 * A parsed device topic {@code gridshare/v1/{zone}/{device}/{kind}}. The device segment is lowercased
 * because it becomes the Kafka key and addresses are compared case-insensitively.
 */
public record MqttTopic(String zone, String device, String kind) {
    /** The MQTT subscription filter for a kind (readings, statements, orders). */
    public static String filter(String kind) {
        return "gridshare/v1/+/+/" + kind;
    }

    /** The topic for a zone, device and kind. */
    public static String of(String zone, String device, String kind) {
        return "gridshare/v1/" + zone + "/" + device + "/" + kind;
    }

    /** The parsed topic, or empty when it does not have the five segments of the scheme. */
    public static Optional<MqttTopic> parse(String topic) {
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
        return Optional.of(new MqttTopic(s[2], s[3].toLowerCase(Locale.ROOT), s[4]));
    }
}
