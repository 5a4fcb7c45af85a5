package org.gridshare.agent.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.gridshare.agent.uplink.MqttSession;
import org.gridshare.agent.uplink.MqttTls;
import org.gridshare.agent.uplink.MqttUplink;
import org.gridshare.agent.uplink.ReadingUplink;
import org.gridshare.agent.uplink.coap.CoapUplink;
import org.gridshare.agent.uplink.coap.DtlsCredentials;
import org.gridshare.agent.uplink.coap.RpkFiles;
import org.gridshare.config.schema.ConfigException;
import org.gridshare.protocol.Address;

/**
 * The {@code uplink}, {@code mqtt} and {@code coap} sections of the agent configuration: the checks the
 * schema cannot express (the chosen uplink's section is present, TLS only with {@code ssl://}, RPK
 * needs the server's key) and the uplink they describe.
 */
public final class UplinkConfig {
    private UplinkConfig() {}

    /** Cross-field checks; the exception names the file, the line of the field and the problem. */
    static void validate(Path file, Map<String, Object> c) throws ConfigException, IOException {
        String uplink = (String) c.get("uplink");
        if (!c.containsKey(uplink)) {
            throw new ConfigException(
                    file,
                    lineOf(file, "uplink"),
                    1,
                    uplink,
                    "uplink is " + uplink + " but there is no " + uplink + " section");
        }
        Map<String, Object> mqtt = section(c, "mqtt");
        if (mqtt != null && mqtt.get("tls") != null) {
            String uri = (String) mqtt.get("serverUri");
            if (!uri.startsWith("ssl://") && !uri.startsWith("wss://")) {
                throw new ConfigException(
                        file,
                        lineOf(file, "tls"),
                        1,
                        "mqtt.tls",
                        "TLS settings need an ssl:// or wss:// serverUri, not " + uri);
            }
            Map<String, Object> tls = section(mqtt, "tls");
            if ((tls.get("certFile") == null) != (tls.get("keyFile") == null)) {
                throw new ConfigException(
                        file, lineOf(file, "tls"), 1, "mqtt.tls", "certFile and keyFile go together (mutual TLS)");
            }
        }
        Map<String, Object> coap = section(c, "coap");
        if (coap != null && "rpk".equals(coap.get("security")) && coap.get("serverPublicKeyFile") == null) {
            throw new ConfigException(
                    file,
                    lineOf(file, "coap"),
                    1,
                    "coap.serverPublicKeyFile",
                    "security rpk needs the backend's DTLS public key");
        }
    }

    /** {@code mqtt} or {@code coap}. */
    public static String uplink(AgentConfig c) {
        return (String) c.effective().get("uplink");
    }

    /** The MQTT TLS settings, or null when {@code mqtt.tls} is absent. Paths resolved inside dataDir. */
    public static MqttTls mqttTls(AgentConfig c) {
        Map<String, Object> mqtt = section(c.effective(), "mqtt");
        Map<String, Object> tls = mqtt == null ? null : section(mqtt, "tls");
        if (tls == null) {
            return null;
        }
        return new MqttTls(path(c, tls.get("caFile")), path(c, tls.get("certFile")), path(c, tls.get("keyFile")));
    }

    /** An MQTT session with {@code mqtt.serverUri} (with TLS when configured), or null without an mqtt section. */
    public static MqttSession mqtt(AgentConfig c, Address meter, Clock clock) throws MqttException {
        Map<String, Object> mqtt = section(c.effective(), "mqtt");
        return mqtt == null
                ? null
                : new MqttSession((String) mqtt.get("serverUri"), c.zone(), meter, mqttTls(c), clock);
    }

    /** The CoAP over DTLS uplink of the {@code coap} section (creates the box's RPK key on first start). */
    public static CoapUplink coap(AgentConfig c, Address meter) throws IOException, GeneralSecurityException {
        Map<String, Object> coap = section(c.effective(), "coap");
        DtlsCredentials credentials;
        if ("rpk".equals(coap.get("security"))) {
            credentials = new DtlsCredentials.Rpk(
                    RpkFiles.loadOrCreate(path(c, coap.get("rpkKeyFile"))),
                    RpkFiles.publicKey(path(c, coap.get("serverPublicKeyFile"))));
        } else {
            credentials = new DtlsCredentials.Psk(meter.toHex(), RpkFiles.psk(path(c, coap.get("pskKeyFile"))));
        }
        return new CoapUplink(new CoapUplink.Settings(
                (String) coap.get("serverUri"),
                c.zone(),
                meter,
                credentials,
                Duration.ofMillis(((Number) coap.get("ackTimeoutMs")).longValue()),
                ((Number) coap.get("maxRetransmit")).intValue(),
                1));
    }

    /** The uplink readings travel on, as chosen by {@code uplink}; {@code clock} is the agent's. */
    public static ReadingUplink readings(AgentConfig c, Address meter, Clock clock)
            throws IOException, GeneralSecurityException, MqttException {
        return uplink(c).equals("coap") ? coap(c, meter) : new MqttUplink(mqtt(c, meter, clock));
    }

    private static Path path(AgentConfig c, Object value) {
        return value == null ? null : c.dataDir().resolve((String) value);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> section(Map<String, Object> m, String name) {
        return (Map<String, Object>) m.get(name);
    }

    private static int lineOf(Path file, String key) throws IOException {
        List<String> lines = Files.readAllLines(file);
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).stripLeading().startsWith(key + ":")) {
                return i + 1;
            }
        }
        return 1;
    }
}
