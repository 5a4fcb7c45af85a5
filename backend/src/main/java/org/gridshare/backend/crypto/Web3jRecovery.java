package org.gridshare.backend.crypto;

import org.gridshare.protocol.Address;
import org.gridshare.protocol.Bytes32;
import org.gridshare.protocol.Hex;
import org.gridshare.protocol.InvalidSignatureException;
import org.gridshare.protocol.MalformedValueException;
import org.gridshare.protocol.Signature;
import org.gridshare.protocol.SignatureVerifier;

/**
 * Recovery in pure Java: web3j's {@code Sign.recoverFromSignature} over BouncyCastle, through
 * {@code protocol}'s {@link SignatureVerifier} (what the agent and the contracts' tests use). About a
 * quarter of libsecp256k1's speed; the fallback where no native library loads and the reference the
 * fast path is checked against.
 */
public final class Web3jRecovery implements SignerRecovery {
    public static final String NAME = "web3j";

    @Override
    public Address recover(Bytes32 digest, Signature signature) throws InvalidSignatureException {
        return SignatureVerifier.recover(digest, signature);
    }

    @Override
    public Address recover(byte[] digest, byte[] rsv) throws InvalidSignatureException {
        if (digest == null || digest.length != Bytes32.LENGTH) {
            throw new InvalidSignatureException(
                    "digest must be 32 bytes, got " + (digest == null ? "null" : digest.length));
        }
        Signature signature;
        try {
            signature = Signature.fromBytes(rsv);
        } catch (MalformedValueException e) {
            throw new InvalidSignatureException(
                    "signature " + (rsv == null ? "null" : Hex.encode(rsv)) + " is not canonical: " + e.getMessage());
        }
        return recover(new Bytes32(digest), signature);
    }

    @Override
    public String name() {
        return NAME;
    }
}
