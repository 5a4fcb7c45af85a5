package org.gridshare.agent.config;

import java.nio.file.Path;
import java.time.Duration;
import org.gridshare.agent.uplink.MqttTls;

/**
 * The {@code uplink}, {@code mqtt} and {@code coap} sections, typed: which uplink carries readings, the
 * MQTT broker (null without an mqtt section) and the CoAP endpoint (null without a coap section). Paths
 * are resolved inside the data directory.
 */
public record UplinkSettings(Kind kind, Mqtt mqtt, Coap coap) {
    public enum Kind {
        MQTT("mqtt"),
        COAP("coap");

        private final String label;

        Kind(String label) {
            this.label = label;
        }

        @Override
        public String toString() {
            return label;
        }
    }

    /** An MQTT 5 broker; {@code tls} null when {@code mqtt.tls} is absent. */
    public record Mqtt(String serverUri, MqttTls tls) {}

    /** CoAP over DTLS: PSK (identity = meter address) or RPK (the box's key, the server's public key). */
    public record Coap(
            String serverUri,
            boolean rpk,
            Path pskKeyFile,
            Path rpkKeyFile,
            Path serverPublicKeyFile,
            Duration ackTimeout,
            int maxRetransmit) {}
}
