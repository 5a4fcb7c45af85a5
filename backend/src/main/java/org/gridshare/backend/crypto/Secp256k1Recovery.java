package org.gridshare.backend.crypto;

import fr.acinq.secp256k1.Secp256k1;
import java.util.Arrays;
import java.util.HexFormat;
import org.gridshare.protocol.Address;
import org.gridshare.protocol.Bytes32;
import org.gridshare.protocol.Hex;
import org.gridshare.protocol.InvalidSignatureException;
import org.gridshare.protocol.Signature;
import org.web3j.crypto.Hash;

/**
 * Recovery through Bitcoin Core's libsecp256k1 (constant-time C, the curve's reference implementation)
 * by ACINQ's JNI binding {@code fr.acinq.secp256k1}: about four times web3j's rate on the same core. The
 * canonical-form checks are done here on the bytes, before the native call, so that this path rejects
 * exactly what {@link Signature} rejects (libsecp256k1 itself would recover from a high-s signature).
 * Construct it through {@link SignerRecoveries}, which checks that the native library loads.
 */
public final class Secp256k1Recovery implements SignerRecovery {
    public static final String NAME = "libsecp256k1";

    /** Order n of the secp256k1 group, and n/2 (the largest low s), big-endian. */
    private static final byte[] N =
            HexFormat.of().parseHex("FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141");

    private static final byte[] HALF_N =
            HexFormat.of().parseHex("7FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF5D576E7357A4501DDFE92F46681B20A0");
    private static final byte[] ZERO = new byte[32];

    private final Secp256k1 native_;

    /** @param secp256k1 the loaded binding ({@code Secp256k1.get()}) */
    Secp256k1Recovery(Secp256k1 secp256k1) {
        this.native_ = secp256k1;
    }

    @Override
    public Address recover(Bytes32 digest, Signature signature) throws InvalidSignatureException {
        // Signature is canonical by construction: straight to the curve
        return recoverChecked(digest.bytes(), signature.toBytes());
    }

    @Override
    public Address recover(byte[] digest, byte[] rsv) throws InvalidSignatureException {
        if (digest == null || digest.length != Bytes32.LENGTH) {
            throw new InvalidSignatureException(
                    "digest must be 32 bytes, got " + (digest == null ? "null" : digest.length));
        }
        if (rsv == null || rsv.length != Signature.LENGTH) {
            throw new InvalidSignatureException(
                    "signature must be 65 bytes r || s || v, got " + (rsv == null ? "null" : rsv.length));
        }
        String problem = canonicalProblem(rsv);
        if (problem != null) {
            throw new InvalidSignatureException("signature " + Hex.encode(rsv) + " is not canonical: " + problem);
        }
        return recoverChecked(digest, rsv);
    }

    /** Why {@code rsv} is not in gridshare's canonical form, or null when it is. */
    static String canonicalProblem(byte[] rsv) {
        int v = rsv[64] & 0xff;
        if (v != 27 && v != 28) {
            return "v must be 27 or 28, got " + v;
        }
        if (Arrays.equals(rsv, 0, 32, ZERO, 0, 32)) {
            return "r must be in [1, n-1]";
        }
        if (Arrays.compareUnsigned(rsv, 0, 32, N, 0, 32) >= 0) {
            return "r must be in [1, n-1]";
        }
        if (Arrays.equals(rsv, 32, 64, ZERO, 0, 32)) {
            return "s must not be zero";
        }
        if (Arrays.compareUnsigned(rsv, 32, 64, HALF_N, 0, 32) > 0) {
            return "high-s (s > n/2) is not accepted";
        }
        return null;
    }

    /** Recovers from a canonical {@code rsv}: the uncompressed key's keccak256, last 20 bytes. */
    private Address recoverChecked(byte[] digest, byte[] rsv) throws InvalidSignatureException {
        byte[] publicKey;
        try {
            publicKey = native_.ecdsaRecover(Arrays.copyOf(rsv, 64), digest, (rsv[64] & 0xff) - 27);
        } catch (RuntimeException e) { // Secp256k1Exception: no point with x = r, or the key is infinity
            throw new InvalidSignatureException("signature " + Hex.encode(rsv) + " over " + Hex.encode(digest)
                    + " is not recoverable: " + e.getMessage());
        }
        if (publicKey == null || publicKey.length != 65 || publicKey[0] != 0x04) {
            throw new InvalidSignatureException("signature " + Hex.encode(rsv) + " over " + Hex.encode(digest)
                    + " gave no uncompressed public key");
        }
        byte[] hash = Hash.sha3(publicKey, 1, 64);
        return new Address(Arrays.copyOfRange(hash, 12, 32));
    }

    @Override
    public String name() {
        return NAME;
    }
}
