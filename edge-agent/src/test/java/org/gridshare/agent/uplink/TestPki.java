package org.gridshare.agent.uplink;

import java.io.IOException;
import java.io.Writer;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.util.Date;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A throwaway PKI for TLS tests: an EC P-256 CA and certificates it issues, written as PEM files the
 * way Mosquitto and the agent read them (certificate, PKCS#8 private key).
 */
public final class TestPki {
    private static final long DAY_MS = 24 * 3600 * 1000L;
    private final SecureRandom random;
    private final KeyPair caKey;
    private final X509Certificate ca;
    private final String caName;

    /** A new CA named {@code cn}; {@code seed} makes the serial numbers repeatable. */
    public TestPki(String cn, long seed) throws Exception {
        this.random = new SecureRandom();
        this.random.setSeed(seed);
        this.caName = cn;
        this.caKey = key();
        long now = System.currentTimeMillis();
        JcaX509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(
                new X500Name("CN=" + cn),
                BigInteger.valueOf(random.nextLong() & Long.MAX_VALUE),
                new Date(now - DAY_MS),
                new Date(now + DAY_MS),
                new X500Name("CN=" + cn),
                caKey.getPublic());
        b.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
        this.ca = sign(b);
    }

    /** Writes the CA certificate to {@code file}. */
    public Path writeCa(Path file) throws IOException {
        write(file, ca);
        return file;
    }

    /**
     * Issues a leaf certificate for {@code cn} with the given subject alternative names (DNS names, or
     * IP addresses when they start with a digit) and writes {@code name.pem} and {@code name.key} to {@code dir}.
     */
    public Path[] issue(Path dir, String name, String cn, String... altNames) throws Exception {
        KeyPair k = key();
        long now = System.currentTimeMillis();
        JcaX509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(
                new X500Name("CN=" + caName),
                BigInteger.valueOf(random.nextLong() & Long.MAX_VALUE),
                new Date(now - DAY_MS),
                new Date(now + DAY_MS),
                new X500Name("CN=" + cn),
                k.getPublic());
        b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
        if (altNames.length > 0) {
            GeneralName[] names = new GeneralName[altNames.length];
            for (int i = 0; i < altNames.length; i++) {
                boolean ip = Character.isDigit(altNames[i].charAt(0));
                names[i] = new GeneralName(ip ? GeneralName.iPAddress : GeneralName.dNSName, altNames[i]);
            }
            b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(names));
        }
        Path cert = dir.resolve(name + ".pem");
        Path key = dir.resolve(name + ".key");
        write(cert, sign(b));
        try (Writer w = Files.newBufferedWriter(key);
                JcaPEMWriter pem = new JcaPEMWriter(w)) {
            pem.writeObject(new JcaPKCS8Generator(k.getPrivate(), null));
        }
        Files.setPosixFilePermissions(key, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        return new Path[] {cert, key};
    }

    private KeyPair key() throws GeneralSecurityException {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"), random);
        return g.generateKeyPair();
    }

    private X509Certificate sign(JcaX509v3CertificateBuilder b) throws Exception {
        return new JcaX509CertificateConverter()
                .getCertificate(b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(caKey.getPrivate())));
    }

    private static void write(Path file, Object pemObject) throws IOException {
        try (Writer w = Files.newBufferedWriter(file);
                JcaPEMWriter pem = new JcaPEMWriter(w)) {
            pem.writeObject(pemObject);
        }
    }
}
