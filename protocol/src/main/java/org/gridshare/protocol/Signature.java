package org.gridshare.protocol;

import java.math.BigInteger;
import java.util.Arrays;

/**
 * A secp256k1 signature in the one canonical form gridshare accepts: {@code r} and {@code s} as
 * 32-byte big-endian integers with {@code 1 <= r < n} and {@code 1 <= s <= n/2} (low-s, so the
 * malleable twin {@code (r, n - s)} is rejected), and {@code v} = 27 + recovery id, so 27 or 28.
 * Wire form: 65 bytes {@code r || s || v}.
 */
// the arrays are copied in and out and equals/hashCode compare their contents
@SuppressWarnings("ArrayRecordComponent")
public record Signature(byte[] r, byte[] s, int v) {
    public static final int LENGTH = 65;
    /** Order n of the secp256k1 group. */
    static final BigInteger N = new BigInteger("FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141", 16);

    static final BigInteger HALF_N = N.shiftRight(1);

    /** @throws MalformedValueException on wrong lengths, {@link NonCanonicalSignatureException} when not canonical */
    public Signature {
        if (r == null || r.length != 32) {
            throw new MalformedValueException("signature.r", -1, "expected 32 bytes");
        }
        if (s == null || s.length != 32) {
            throw new MalformedValueException("signature.s", -1, "expected 32 bytes");
        }
        if (v != 27 && v != 28) {
            throw new NonCanonicalSignatureException("signature.v", "v must be 27 or 28, got " + v);
        }
        BigInteger ri = new BigInteger(1, r);
        BigInteger si = new BigInteger(1, s);
        if (ri.signum() == 0 || ri.compareTo(N) >= 0) {
            throw new NonCanonicalSignatureException("signature.r", "r must be in [1, n-1]");
        }
        if (si.signum() == 0) {
            throw new NonCanonicalSignatureException("signature.s", "s must not be zero");
        }
        if (si.compareTo(HALF_N) > 0) {
            throw new NonCanonicalSignatureException("signature.s", "high-s (s > n/2) is not accepted");
        }
        r = r.clone();
        s = s.clone();
    }

    /** Parses the 65-byte {@code r || s || v} form. */
    public static Signature fromBytes(byte[] rsv) {
        if (rsv == null || rsv.length != LENGTH) {
            throw new MalformedValueException(
                    "signature", -1, "expected 65 bytes, got " + (rsv == null ? "null" : rsv.length));
        }
        return new Signature(Arrays.copyOfRange(rsv, 0, 32), Arrays.copyOfRange(rsv, 32, 64), rsv[64] & 0xff);
    }

    /** Parses {@code 0x} + 130 hex digits ({@code r || s || v}). */
    public static Signature fromHex(String hex) {
        return fromBytes(Hex.decode("signature", hex, LENGTH));
    }

    @Override
    public byte[] r() {
        return r.clone();
    }

    @Override
    public byte[] s() {
        return s.clone();
    }

    /** Recovery id, 0 or 1. */
    public int recoveryId() {
        return v - 27;
    }

    /** 65 bytes {@code r || s || v}. */
    public byte[] toBytes() {
        byte[] out = new byte[LENGTH];
        System.arraycopy(r, 0, out, 0, 32);
        System.arraycopy(s, 0, out, 32, 32);
        out[64] = (byte) v;
        return out;
    }

    public String toHex() {
        return Hex.encode(toBytes());
    }

    BigInteger rValue() {
        return new BigInteger(1, r);
    }

    BigInteger sValue() {
        return new BigInteger(1, s);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Signature x && v == x.v && Arrays.equals(r, x.r) && Arrays.equals(s, x.s);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * Arrays.hashCode(r) + Arrays.hashCode(s)) + v;
    }

    @Override
    public String toString() {
        return toHex();
    }
}
