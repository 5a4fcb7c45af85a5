package org.gridshare.agent.uplink.coap;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Set;
import org.gridshare.protocol.crypto.Randomness;

/**
 * Key files of the DTLS credentials, PEM: the box's P-256 key ({@code PRIVATE KEY}, PKCS#8, mode 0600,
 * created on first start like the meter key, with its public key written beside it as
 * {@code <file>.pub.pem} for provisioning), public keys ({@code PUBLIC KEY}, SubjectPublicKeyInfo), and
 * pre-shared keys (hex, mode 0600).
 */
public final class RpkFiles {
    private RpkFiles() {}

    /** Loads the box's DTLS key pair, creating it (0600, atomically) when the file does not exist. */
    public static KeyPair loadOrCreate(Path file) throws IOException, GeneralSecurityException {
        if (!Files.exists(file)) {
            KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
            g.initialize(new ECGenParameterSpec("secp256r1"), Randomness.secureRandom());
            KeyPair pair = g.generateKeyPair();
            Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
            Files.deleteIfExists(tmp);
            Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(tmp, pem("PRIVATE KEY", pair.getPrivate().getEncoded()));
            Files.move(tmp, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            Files.writeString(
                    file.resolveSibling(file.getFileName() + ".pub.pem"),
                    pem("PUBLIC KEY", pair.getPublic().getEncoded()));
            return pair;
        }
        requirePrivate(file);
        PrivateKey key =
                KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(der(file, "PRIVATE KEY")));
        return new KeyPair(publicKey(file.resolveSibling(file.getFileName() + ".pub.pem")), key);
    }

    /** Reads a PEM {@code PUBLIC KEY} (EC). */
    public static PublicKey publicKey(Path file) throws IOException, GeneralSecurityException {
        return KeyFactory.getInstance("EC").generatePublic(new X509EncodedKeySpec(der(file, "PUBLIC KEY")));
    }

    /** Reads a pre-shared key written as hex (whitespace ignored); refused when others can read it. */
    public static byte[] psk(Path file) throws IOException {
        requirePrivate(file);
        String hex = Files.readString(file, StandardCharsets.US_ASCII).replaceAll("\\s+", "");
        if (hex.startsWith("0x")) {
            hex = hex.substring(2);
        }
        try {
            return HexFormat.of().parseHex(hex);
        } catch (IllegalArgumentException e) {
            throw new IOException(file + ": a pre-shared key file holds hex digits only: " + e.getMessage());
        }
    }

    /** The PEM text of {@code der}. */
    public static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n"
                + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der) + "\n-----END " + type + "-----\n";
    }

    /** First 8 bytes of SHA-256 over the key's SubjectPublicKeyInfo, hex: for logs. */
    public static String fingerprint(PublicKey key) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(key.getEncoded());
            return HexFormat.of().formatHex(d, 0, 8);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-256 is always there", e);
        }
    }

    private static void requirePrivate(Path file) throws IOException {
        try {
            Set<PosixFilePermission> p = Files.getPosixFilePermissions(file);
            if (p.contains(PosixFilePermission.GROUP_READ) || p.contains(PosixFilePermission.OTHERS_READ)) {
                throw new IOException(file + ": key file is readable by group or others (chmod 600 it)");
            }
        } catch (UnsupportedOperationException e) {
            // not a POSIX file system: nothing to check
        }
    }

    private static byte[] der(Path file, String type) throws IOException {
        String text = Files.readString(file, StandardCharsets.US_ASCII);
        String begin = "-----BEGIN " + type + "-----";
        String end = "-----END " + type + "-----";
        int b = text.indexOf(begin);
        int e = text.indexOf(end);
        if (b < 0 || e < b) {
            throw new IOException(file + ": no PEM " + type + " block");
        }
        return Base64.getMimeDecoder().decode(text.substring(b + begin.length(), e));
    }
}
