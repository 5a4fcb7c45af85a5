package org.gridshare.protocol.keys;

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
import javax.net.ssl.TrustManagerFactory;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;

/**
 * TLS from PEM files, as MQTT brokers are usually set up (Mosquitto's <code>cafile</code>/<code>certfile</code>/
 * <code>keyfile</code>): both ends of the device link, the box and the backend, log in to the same broker
 * with the same kind of files, so the one reader of them lives here. Keys are unencrypted PEM (PKCS#8
 * {@code PRIVATE KEY}, or {@code EC}/{@code RSA PRIVATE KEY}).
 */
public final class PemTls {
    private static final char[] NO_PASSWORD = new char[0];

    private PemTls() {}

    /**
     * A TLS context trusting only the CA certificate(s) in {@code caFile} (not the JVM's trust store),
     * with the client certificate chain {@code certFile} and its key {@code keyFile} for mutual TLS (both
     * null for server-authenticated TLS only). The exception names the file that could not be used and why.
     */
    public static SSLContext context(Path caFile, Path certFile, Path keyFile)
            throws IOException, GeneralSecurityException {
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
    public static PrivateKey privateKey(Path file) throws IOException, GeneralSecurityException {
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
                                + " (encrypted keys are not supported: services start unattended)"));
    }
}
