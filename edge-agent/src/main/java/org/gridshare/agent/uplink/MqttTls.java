package org.gridshare.agent.uplink;

import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.Collection;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManagerFactory;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;

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
    private static final char[] NO_PASSWORD = new char[0];

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
        CertificateFactory x509 = CertificateFactory.getInstance("X.509");
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        Collection<? extends Certificate> cas = certificates(x509, caFile);
        int i = 0;
        for (Certificate c : cas) {
            trust.setCertificateEntry("ca-" + i++, c);
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        KeyManager[] keyManagers = null;
        if (certFile != null) {
            Certificate[] chain = certificates(x509, certFile).toArray(Certificate[]::new);
            KeyStore keys = KeyStore.getInstance("PKCS12");
            keys.load(null, null);
            keys.setKeyEntry("client", privateKey(keyFile), NO_PASSWORD, chain);
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(keys, NO_PASSWORD);
            keyManagers = kmf.getKeyManagers();
        }
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(keyManagers, tmf.getTrustManagers(), null);
        return context;
    }

    private static Collection<? extends Certificate> certificates(CertificateFactory x509, Path file)
            throws IOException, GeneralSecurityException {
        try (InputStream in = Files.newInputStream(file)) {
            Collection<? extends Certificate> certs = x509.generateCertificates(in);
            if (certs.isEmpty()) {
                throw new GeneralSecurityException(file + ": no PEM certificate in the file");
            }
            return certs;
        } catch (java.security.cert.CertificateException e) {
            throw new GeneralSecurityException(file + ": not a PEM certificate: " + e.getMessage(), e);
        }
    }

    /** Reads an unencrypted PEM private key (PKCS#8, SEC1 EC or PKCS#1 RSA). */
    static PrivateKey privateKey(Path file) throws IOException, GeneralSecurityException {
        Object pem;
        try (Reader r = Files.newBufferedReader(file);
                PEMParser parser = new PEMParser(r)) {
            pem = parser.readObject();
        }
        JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
        if (pem instanceof PEMKeyPair pair) {
            return converter.getPrivateKey(pair.getPrivateKeyInfo());
        }
        if (pem instanceof PrivateKeyInfo info) {
            return converter.getPrivateKey(info);
        }
        throw new GeneralSecurityException(file + ": expected an unencrypted PEM private key, found "
                + (pem == null
                        ? "no PEM object"
                        : pem.getClass().getSimpleName()
                                + " (encrypted keys are not supported: the box starts unattended)"));
    }
}
