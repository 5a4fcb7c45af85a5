package org.gridshare.backend.mqtt;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import javax.net.ssl.SSLSocketFactory;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;

/**
 * How the backend logs in to an MQTT broker, by the broker's server URI: user name, password and the
 * TLS socket factory (CA, and the client certificate for mutual TLS). The backend's MQTT clients (the
 * bridge, the ack publisher, the market's notices) are handed only the URI; the login belongs to the
 * broker, so each client applies it when it connects ({@link #apply}). Host names are always verified.
 */
public final class MqttConnections {
    /** One broker's login: user name and password (each may be absent) and TLS (absent for {@code tcp://}). */
    public static final class Login {
        private final String username;
        private final byte[] password;
        private final SSLSocketFactory tls;

        /**
         * @param username null for none
         * @param password null for none (never logged; {@link #toString()} hides it)
         * @param tls null for a plain {@code tcp://} broker
         */
        public Login(String username, byte[] password, SSLSocketFactory tls) {
            if (password != null && username == null) {
                throw new IllegalArgumentException("an MQTT password needs a user name");
            }
            this.username = username;
            this.password = password == null ? null : password.clone();
            this.tls = tls;
        }

        public String username() {
            return username;
        }

        public boolean hasTls() {
            return tls != null;
        }

        @Override
        public String toString() {
            return "Login[username=" + username + ", password=" + (password == null ? "none" : "***") + ", tls="
                    + (tls != null) + "]";
        }
    }

    private static final Map<String, Login> BROKERS = new ConcurrentHashMap<>();

    private MqttConnections() {}

    /** Every backend MQTT client connecting to {@code serverUri} from now on logs in with {@code login}. */
    public static void configure(String serverUri, Login login) {
        BROKERS.put(Objects.requireNonNull(serverUri, "serverUri"), Objects.requireNonNull(login, "login"));
    }

    /** Forgets the login of {@code serverUri}. */
    public static void forget(String serverUri) {
        BROKERS.remove(serverUri);
    }

    /** Sets the configured login of {@code serverUri} (if any) on {@code options}; returns them. */
    public static MqttConnectionOptions apply(String serverUri, MqttConnectionOptions options) {
        Login login = BROKERS.get(serverUri);
        if (login == null) {
            return options;
        }
        if (login.username != null) {
            options.setUserName(login.username);
        }
        if (login.password != null) {
            options.setPassword(login.password.clone());
        }
        if (login.tls != null) {
            options.setSocketFactory(login.tls);
            options.setHttpsHostnameVerificationEnabled(true);
        }
        return options;
    }

    /** The password file's first line as bytes (the file's trailing newline is not part of it). */
    public static byte[] passwordOf(String fileContent) {
        String first = fileContent.lines().findFirst().orElse("");
        return first.getBytes(StandardCharsets.UTF_8);
    }
}
