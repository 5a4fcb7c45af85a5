package org.gridshare.agent.uplink;

import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;
import org.gridshare.protocol.keys.PemTls;

/**
 * TLS settings of the MQTT uplink from PEM files, as brokers are usually set up (Mosquitto's
 * <code>cafile</code>/<code>certfile</code>/<code>keyfile</code>): the CA certificate(s) the broker's certificate must
 * chain to (only these, not the JVM's trust store), and for mutual TLS the box's certificate chain and
 * its unencrypted private key (PKCS#8 {@code PRIVATE KEY}, or {@code EC}/{@code RSA PRIVATE KEY}).
 * Host name verification is always on (see {@link MqttSession}).
 *
 * @param caFile PEM CA certificate(s)
 * @param certFile PEM client certificate chain, or null for server-authenticated TLS only
 * @param keyFile PEM private key of {@code certFile}, or null
 */
public record MqttTls(Path caFile, Path certFile, Path keyFile) {
    public MqttTls {
        java.util.Objects.requireNonNull(caFile, "caFile");
        if ((certFile == null) != (keyFile == null)) {
            throw new IllegalArgumentException("mqtt.tls: certFile and keyFile go together (mutual TLS), got "
                    + (certFile == null ? "keyFile only" : "certFile only"));
        }
    }

    /** Builds the socket factory; the exception names the file that could not be used and why. */
    public SSLSocketFactory socketFactory() throws IOException, GeneralSecurityException {
        return context().getSocketFactory();
    }

    /** The TLS context trusting only {@link #caFile()}, with the client key when configured. */
    public SSLContext context() throws IOException, GeneralSecurityException {
        return PemTls.context(caFile, certFile, keyFile);
    }
}
