package org.gridshare.backend.crypto;

import fr.acinq.secp256k1.Secp256k1;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Seeded signature cases for the recovery cross-check: canonical signatures by random keys (with a
 * random v, so about half recover the signing key and half another key or none), the boundary values
 * of r and s, high-s twins, r or s zero or at or above n, bad v, random r (often no curve point) and
 * wrong lengths. Signing goes through libsecp256k1 (fast, RFC 6979, low-s); the keys come from the
 * seed, so a failing case is reproducible from its seed and index.
 */
final class SignatureCases {
    static final BigInteger N = new BigInteger("FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141", 16);
    static final BigInteger HALF_N = N.shiftRight(1);
    private static final BigInteger TWO_256 = BigInteger.ONE.shiftLeft(256);

    /** What a case is, for the tally. */
    enum Kind {
        CANONICAL,
        HIGH_S,
        S_HALF_N,
        S_HALF_N_PLUS_1,
        R_ZERO,
        S_ZERO,
        R_AT_OR_ABOVE_N,
        S_AT_OR_ABOVE_N,
        R_N_MINUS_1,
        RANDOM_R,
        BAD_V,
        BAD_LENGTH,
        BAD_DIGEST_LENGTH
    }

    // the arrays are test data, read only
    @SuppressWarnings("ArrayRecordComponent")
    record Case(Kind kind, byte[] digest, byte[] rsv, byte[] signerAddress) {}

    private SignatureCases() {}

    /** {@code count} cases from {@code seed}. */
    static List<Case> generate(Secp256k1 secp, long seed, int count) {
        SplittableRandom rnd = new SplittableRandom(seed);
        byte[][] keys = new byte[32][];
        for (int i = 0; i < keys.length; i++) {
            keys[i] = key(rnd);
        }
        List<Case> out = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            byte[] key = keys[rnd.nextInt(keys.length)];
            byte[] digest = bytes(rnd, 32);
            byte[] compact = secp.sign(digest, key);
            byte[] rsv = Arrays.copyOf(compact, 65);
            rsv[64] = (byte) (27 + rnd.nextInt(2));
            int pick = rnd.nextInt(100);
            Kind kind;
            if (pick < 60) {
                kind = Kind.CANONICAL;
            } else if (pick < 66) {
                kind = Kind.HIGH_S;
                put(rsv, 32, N.subtract(new BigInteger(1, Arrays.copyOfRange(rsv, 32, 64))));
                rsv[64] = (byte) (55 - (rsv[64] & 0xff)); // the twin's v: the same key as the original
            } else if (pick < 68) {
                kind = Kind.S_HALF_N;
                put(rsv, 32, HALF_N);
            } else if (pick < 70) {
                kind = Kind.S_HALF_N_PLUS_1;
                put(rsv, 32, HALF_N.add(BigInteger.ONE));
            } else if (pick < 73) {
                kind = Kind.R_ZERO;
                put(rsv, 0, BigInteger.ZERO);
            } else if (pick < 76) {
                kind = Kind.S_ZERO;
                put(rsv, 32, BigInteger.ZERO);
            } else if (pick < 80) {
                kind = Kind.R_AT_OR_ABOVE_N;
                put(rsv, 0, aboveN(rnd));
            } else if (pick < 84) {
                kind = Kind.S_AT_OR_ABOVE_N;
                put(rsv, 32, aboveN(rnd));
            } else if (pick < 86) {
                kind = Kind.R_N_MINUS_1;
                put(rsv, 0, N.subtract(BigInteger.ONE));
            } else if (pick < 92) {
                kind = Kind.RANDOM_R;
                System.arraycopy(bytes(rnd, 32), 0, rsv, 0, 32);
            } else if (pick < 96) {
                kind = Kind.BAD_V;
                int[] bad = {0, 1, 2, 3, 26, 29, 35, 36, 127, 255};
                rsv[64] = (byte) bad[rnd.nextInt(bad.length)];
            } else if (pick < 98) {
                kind = Kind.BAD_LENGTH;
                int[] lengths = {0, 1, 64, 66, 130};
                rsv = Arrays.copyOf(rsv, lengths[rnd.nextInt(lengths.length)]);
            } else {
                kind = Kind.BAD_DIGEST_LENGTH;
                int[] lengths = {0, 20, 31, 33, 64};
                digest = Arrays.copyOf(digest, lengths[rnd.nextInt(lengths.length)]);
            }
            out.add(new Case(kind, digest, rsv, address(secp, key)));
        }
        return out;
    }

    /** A value in [n, 2^256): n itself, just above it, or random. */
    private static BigInteger aboveN(SplittableRandom rnd) {
        return switch (rnd.nextInt(4)) {
            case 0 -> N;
            case 1 -> N.add(BigInteger.ONE);
            case 2 -> TWO_256.subtract(BigInteger.ONE);
            default -> N.add(new BigInteger(1, bytes(rnd, 16)));
        };
    }

    private static void put(byte[] rsv, int at, BigInteger value) {
        byte[] b = value.toByteArray();
        int len = Math.min(b.length, 32);
        Arrays.fill(rsv, at, at + 32, (byte) 0);
        System.arraycopy(b, b.length - len, rsv, at + 32 - len, len);
    }

    private static byte[] key(SplittableRandom rnd) {
        while (true) {
            byte[] k = bytes(rnd, 32);
            BigInteger v = new BigInteger(1, k);
            if (v.signum() > 0 && v.compareTo(N) < 0) {
                return k;
            }
        }
    }

    private static byte[] address(Secp256k1 secp, byte[] key) {
        byte[] pub = secp.pubkeyCreate(key); // 65 bytes, uncompressed
        byte[] hash = org.web3j.crypto.Hash.sha3(pub, 1, 64);
        return Arrays.copyOfRange(hash, 12, 32);
    }

    private static byte[] bytes(SplittableRandom rnd, int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) rnd.nextInt(256);
        }
        return b;
    }
}
