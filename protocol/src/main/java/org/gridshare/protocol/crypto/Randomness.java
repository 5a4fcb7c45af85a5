package org.gridshare.protocol.crypto;

import java.security.SecureRandom;

/**
 * The one {@link SecureRandom} of gridshare. Every key and every other secret comes from here, so
 * there is one place to audit or to swap for a hardware source.
 */
public final class Randomness {
    // The platform default: NativePRNG on Linux (non-blocking /dev/urandom mixed with SHA1PRNG),
    // which is what key generation needs; getInstanceStrong() may block on a fresh device.
    private static final SecureRandom RANDOM = new SecureRandom();

    private Randomness() {}

    /** The shared instance (thread-safe). */
    public static SecureRandom secureRandom() {
        return RANDOM;
    }

    /** {@code length} fresh random bytes. */
    public static byte[] bytes(int length) {
        byte[] out = new byte[length];
        RANDOM.nextBytes(out);
        return out;
    }
}
