package org.gridshare.protocol;

import java.math.BigInteger;
import java.util.Arrays;
import org.web3j.crypto.ECDSASignature;
import org.web3j.crypto.Hash;
import org.web3j.crypto.Sign;

/**
 * Recovers the signer address of a digest, as Solidity {@code ecrecover} does. The caller compares
 * it with the expected key (registry lookup); a valid signature by the wrong key recovers a
 * different address, which is not an error here.
 */
public final class SignatureVerifier {
    private SignatureVerifier() {}

    /**
     * Recovers the address that signed {@code digest}.
     *
     * @throws InvalidSignatureException when no public key can be recovered
     */
    public static Address recover(Bytes32 digest, Signature sig) throws InvalidSignatureException {
        BigInteger publicKey;
        try {
            publicKey = Sign.recoverFromSignature(
                    sig.recoveryId(), new ECDSASignature(sig.rValue(), sig.sValue()), digest.bytes());
        } catch (RuntimeException e) {
            throw new InvalidSignatureException(
                    "signature " + sig.toHex() + " over " + digest.toHex() + " is not recoverable: " + e.getMessage());
        }
        if (publicKey == null) {
            throw new InvalidSignatureException(
                    "signature " + sig.toHex() + " over " + digest.toHex() + " has no point for its r and v");
        }
        byte[] encoded = Secp256k1Signer.toBytes32(publicKey.shiftRight(256));
        byte[] pub = new byte[64];
        System.arraycopy(encoded, 0, pub, 0, 32);
        System.arraycopy(Secp256k1Signer.toBytes32(publicKey), 0, pub, 32, 32);
        byte[] hash = Hash.sha3(pub);
        return new Address(Arrays.copyOfRange(hash, 12, 32));
    }

    /** Recovers the signer of {@code Eip712.digest(domain, signed.message())}. */
    public static <T extends TypedMessage> Address recover(Eip712Domain domain, Signed<T> signed)
            throws InvalidSignatureException {
        return recover(Eip712.digest(domain, signed.message()), signed.signature());
    }
}
