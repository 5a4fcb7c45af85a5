package org.gridshare.agent.config;

import java.io.IOException;
import java.security.GeneralSecurityException;
import java.time.Clock;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.gridshare.agent.uplink.MqttSession;
import org.gridshare.agent.uplink.MqttTls;
import org.gridshare.agent.uplink.MqttUplink;
import org.gridshare.agent.uplink.ReadingUplink;
import org.gridshare.agent.uplink.coap.CoapUplink;
import org.gridshare.agent.uplink.coap.DtlsCredentials;
import org.gridshare.agent.uplink.coap.RpkFiles;
import org.gridshare.protocol.Address;

/**
 * The uplinks the {@code uplink}, {@code mqtt} and {@code coap} sections describe ({@link UplinkSettings},
 * checked when the configuration was read: the chosen uplink's section is present, TLS only with
 * {@code ssl://}, RPK needs the server's key).
 */
public final class UplinkConfig {
    private UplinkConfig() {}

    /** {@code mqtt} or {@code coap}. */
    public static String uplink(AgentConfig c) {
        return c.uplink().kind().toString();
    }

    /** The MQTT TLS settings, or null when {@code mqtt.tls} is absent. Paths resolved inside dataDir. */
    public static MqttTls mqttTls(AgentConfig c) {
        return c.uplink().mqtt() == null ? null : c.uplink().mqtt().tls();
    }

    /** An MQTT session with {@code mqtt.serverUri} (with TLS when configured), or null without an mqtt section. */
    public static MqttSession mqtt(AgentConfig c, Address meter, Clock clock) throws MqttException {
        UplinkSettings.Mqtt mqtt = c.uplink().mqtt();
        return mqtt == null ? null : new MqttSession(mqtt.serverUri(), c.zone(), meter, mqtt.tls(), clock);
    }

    /** The CoAP over DTLS uplink of the {@code coap} section (creates the box's RPK key on first start). */
    public static CoapUplink coap(AgentConfig c, Address meter) throws IOException, GeneralSecurityException {
        UplinkSettings.Coap coap = c.uplink().coap();
        DtlsCredentials credentials;
        if (coap.rpk()) {
            credentials = new DtlsCredentials.Rpk(
                    RpkFiles.loadOrCreate(coap.rpkKeyFile()), RpkFiles.publicKey(coap.serverPublicKeyFile()));
        } else {
            credentials = new DtlsCredentials.Psk(meter.toHex(), RpkFiles.psk(coap.pskKeyFile()));
        }
        return new CoapUplink(new CoapUplink.Settings(
                coap.serverUri(), c.zone(), meter, credentials, coap.ackTimeout(), coap.maxRetransmit(), 1));
    }

    /** The uplink readings travel on, as chosen by {@code uplink}; {@code clock} is the agent's. */
    public static ReadingUplink readings(AgentConfig c, Address meter, Clock clock)
            throws IOException, GeneralSecurityException, MqttException {
        return c.uplink().kind() == UplinkSettings.Kind.COAP ? coap(c, meter) : new MqttUplink(mqtt(c, meter, clock));
    }
}
