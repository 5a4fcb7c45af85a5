package org.gridshare.backend.crypto;

import fr.acinq.secp256k1.Secp256k1;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Objects;
import org.gridshare.protocol.Address;
import org.gridshare.protocol.Bytes32;
import org.gridshare.protocol.InvalidSignatureException;
import org.gridshare.protocol.Secp256k1Signer;
import org.gridshare.protocol.Signature;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.web3j.crypto.Hash;

/**
 * Picks the {@link SignerRecovery} for this process, once: libsecp256k1 when its native library loads
 * on this platform (linux x86-64 and aarch64 ship in the jar) and passes a self-test against web3j,
 * otherwise web3j. The choice and its reason are logged once at INFO (WARN for a fallback on a platform
 * that should have the native library). The system property {@value #PROPERTY} ({@code auto},
 * {@code libsecp256k1}, {@code web3j}) forces one; a forced libsecp256k1 that does not load fails.
 */
public final class SignerRecoveries {
    private static final Logger LOG = LoggerFactory.getLogger(SignerRecoveries.class);
    public static final String PROPERTY = "gridshare.signerRecovery";
    private static final String SELF_TEST = "gridshare signer recovery self-test";

    /** Which implementation to use. */
    public enum Mode {
        /** libsecp256k1 if it loads, else web3j. */
        AUTO,
        LIBSECP256K1,
        WEB3J
    }

    /** The outcome of {@link #choose}: the implementation and why it was picked. */
    public record Choice(SignerRecovery recovery, String reason) {
        public Choice {
            Objects.requireNonNull(recovery, "recovery");
            Objects.requireNonNull(reason, "reason");
        }
    }

    private SignerRecoveries() {}

    /** This process's implementation (from {@value #PROPERTY}, default auto), chosen and logged once. */
    public static SignerRecovery preferred() {
        return Preferred.CHOICE.recovery();
    }

    /** The reason the preferred implementation was picked, as logged. */
    public static String preferredReason() {
        return Preferred.CHOICE.reason();
    }

    private static final class Preferred {
        static final Choice CHOICE = logged(choose(mode(System.getProperty(PROPERTY, "auto"))));
    }

    private static Choice logged(Choice c) {
        if (c.recovery() instanceof Web3jRecovery && c.reason().startsWith("no native")) {
            LOG.warn("signer recovery: {} ({})", c.recovery().name(), c.reason());
        } else {
            LOG.info("signer recovery: {} ({})", c.recovery().name(), c.reason());
        }
        return c;
    }

    /** Parses a mode name ({@code auto}, {@code libsecp256k1}, {@code web3j}, any case). */
    public static Mode mode(String name) {
        return switch (name.trim().toLowerCase(Locale.ROOT)) {
            case "auto" -> Mode.AUTO;
            case "libsecp256k1", "native" -> Mode.LIBSECP256K1;
            case "web3j" -> Mode.WEB3J;
            default ->
                throw new IllegalArgumentException(
                        PROPERTY + " must be auto, libsecp256k1 or web3j, got \"" + name + "\"");
        };
    }

    /**
     * Chooses without logging.
     *
     * @throws IllegalStateException when {@link Mode#LIBSECP256K1} is asked for and does not load or fails
     *     its self-test
     */
    public static Choice choose(Mode mode) {
        if (mode == Mode.WEB3J) {
            return new Choice(new Web3jRecovery(), "asked for by " + PROPERTY + "=web3j");
        }
        String platform = System.getProperty("os.name") + "/" + System.getProperty("os.arch");
        Secp256k1Recovery fast;
        try {
            fast = new Secp256k1Recovery(Secp256k1.get());
        } catch (RuntimeException | LinkageError e) {
            // the binding throws IllegalStateException (no library for the platform) or a link error
            String why = "no native libsecp256k1 for " + platform + ": " + e;
            if (mode == Mode.LIBSECP256K1) {
                throw new IllegalStateException(why, e);
            }
            return new Choice(new Web3jRecovery(), why);
        }
        String failed = selfTest(fast);
        if (failed != null) {
            String why = "libsecp256k1 loaded on " + platform + " but failed its self-test: " + failed;
            if (mode == Mode.LIBSECP256K1) {
                throw new IllegalStateException(why);
            }
            return new Choice(new Web3jRecovery(), why);
        }
        return new Choice(
                fast,
                "native library loaded for " + platform + " (fr.acinq.secp256k1 JNI), self-test against web3j passed");
    }

    /** One signature by a fixed key, recovered by both: null when they agree with the key's address. */
    private static String selfTest(SignerRecovery candidate) {
        byte[] privateKey = new byte[32];
        privateKey[31] = 0x5e; // a fixed, public test key: it signs nothing but this digest
        privateKey[30] = 0x1f;
        Secp256k1Signer key = Secp256k1Signer.fromPrivateKey(privateKey);
        Bytes32 digest = new Bytes32(Hash.sha3(SELF_TEST.getBytes(StandardCharsets.UTF_8)));
        Signature sig = key.sign(digest);
        try {
            Address got = candidate.recover(digest, sig);
            Address reference = new Web3jRecovery().recover(digest, sig);
            if (!got.equals(key.address()) || !reference.equals(key.address())) {
                return "recovered " + got + ", web3j " + reference + ", key " + key.address();
            }
            return null;
        } catch (InvalidSignatureException | RuntimeException e) {
            return e.toString();
        }
    }
}
