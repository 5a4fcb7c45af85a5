package org.gridshare.protocol;

import java.math.BigInteger;
import java.util.Arrays;
import org.bouncycastle.asn1.x9.X9ECParameters;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.ec.CustomNamedCurves;
import org.bouncycastle.crypto.signers.HMacDSAKCalculator;
import org.bouncycastle.math.ec.ECPoint;
import org.bouncycastle.math.ec.FixedPointCombMultiplier;
import org.gridshare.protocol.crypto.Randomness;
import org.web3j.crypto.Hash;

/**
 * Holds one secp256k1 private key and signs digests with it: deterministic (RFC 6979, HMAC-SHA256),
 * low-s, {@code v} = 27 + recovery id taken from the nonce point, so no trial recovery is needed.
 * Produces the same {@code (r, s, v)} as web3j {@code Sign.signMessage(hash, key, false)}.
 * {@link #toString()} shows the address only, never the key.
 */
public final class Secp256k1Signer {
    private static final X9ECParameters CURVE = CustomNamedCurves.getByName("secp256k1");
    private static final ECPoint G = CURVE.getG();
    private static final BigInteger N = CURVE.getN();
    private static final BigInteger HALF_N = N.shiftRight(1);
    private static final FixedPointCombMultiplier MULTIPLIER = new FixedPointCombMultiplier();

    private final BigInteger privateKey;
    private final Address address;

    private Secp256k1Signer(BigInteger privateKey) {
        this.privateKey = privateKey;
        this.address = addressOf(MULTIPLIER.multiply(G, privateKey));
    }

    /** A fresh key from {@link Randomness}, uniform in [1, n-1]. */
    public static Secp256k1Signer generate() {
        while (true) {
            byte[] candidate = Randomness.bytes(32);
            BigInteger d = new BigInteger(1, candidate);
            Arrays.fill(candidate, (byte) 0);
            if (d.signum() > 0 && d.compareTo(N) < 0) {
                return new Secp256k1Signer(d);
            }
        }
    }

    /**
     * A signer for a 32-byte big-endian private key in [1, n-1]. The caller may wipe its array afterwards.
     *
     * @throws MalformedValueException on a wrong length or a key out of range (the key is not echoed)
     */
    public static Secp256k1Signer fromPrivateKey(byte[] key32) {
        if (key32 == null || key32.length != 32) {
            throw new MalformedValueException("privateKey", -1, "expected 32 bytes");
        }
        BigInteger d = new BigInteger(1, key32);
        if (d.signum() == 0 || d.compareTo(N) >= 0) {
            throw new MalformedValueException("privateKey", -1, "not in [1, n-1]");
        }
        return new Secp256k1Signer(d);
    }

    /** The Ethereum address of this key. */
    public Address address() {
        return address;
    }

    /** Signs a 32-byte digest (no prefix is added). */
    public Signature sign(Bytes32 digest) {
        byte[] hash = digest.bytes();
        BigInteger e = new BigInteger(1, hash);
        HMacDSAKCalculator kCalculator = new HMacDSAKCalculator(new SHA256Digest());
        kCalculator.init(N, privateKey, hash);
        while (true) {
            BigInteger k = kCalculator.nextK();
            ECPoint p = MULTIPLIER.multiply(G, k).normalize();
            BigInteger x = p.getAffineXCoord().toBigInteger();
            BigInteger r = x.mod(N);
            if (r.signum() == 0 || x.compareTo(N) >= 0) {
                // x >= n would need recovery id 2 or 3, which v = 27/28 cannot carry (probability ~2^-128)
                continue;
            }
            BigInteger s =
                    k.modInverse(N).multiply(e.add(privateKey.multiply(r))).mod(N);
            if (s.signum() == 0) {
                continue;
            }
            int recId = p.getAffineYCoord().toBigInteger().testBit(0) ? 1 : 0;
            if (s.compareTo(HALF_N) > 0) {
                // (r, n - s) is the signature for the point -R, whose y has the other parity
                s = N.subtract(s);
                recId ^= 1;
            }
            return new Signature(toBytes32(r), toBytes32(s), 27 + recId);
        }
    }

    /** Signs {@code Eip712.digest(domain, message)}. */
    public <T extends TypedMessage> Signed<T> sign(Eip712Domain domain, T message) {
        return new Signed<>(message, sign(Eip712.digest(domain, message)));
    }

    static Address addressOf(ECPoint publicPoint) {
        byte[] encoded = publicPoint.normalize().getEncoded(false);
        byte[] hash = Hash.sha3(encoded, 1, 64);
        return new Address(Arrays.copyOfRange(hash, 12, 32));
    }

    static byte[] toBytes32(BigInteger value) {
        byte[] raw = value.toByteArray();
        if (raw.length == 32) {
            return raw;
        }
        byte[] out = new byte[32];
        if (raw.length > 32) {
            System.arraycopy(raw, raw.length - 32, out, 0, 32);
        } else {
            System.arraycopy(raw, 0, out, 32 - raw.length, raw.length);
        }
        return out;
    }

    @Override
    public String toString() {
        return "Secp256k1Signer[" + address.toChecksumHex() + "]";
    }
}
