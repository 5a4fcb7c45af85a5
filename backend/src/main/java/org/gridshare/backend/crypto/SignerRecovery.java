package org.gridshare.backend.crypto;

import org.gridshare.protocol.Address;
import org.gridshare.protocol.Bytes32;
import org.gridshare.protocol.InvalidSignatureException;
import org.gridshare.protocol.Signature;

/**
 * Recovers the address that signed a 32-byte digest, as Solidity {@code ecrecover} does, for the one
 * canonical signature form gridshare accepts ({@link Signature}: {@code 1 <= r < n}, {@code 1 <= s <= n/2},
 * {@code v} 27 or 28). Every implementation gives the same answer for the same bytes (the cross-check
 * {@code SignerRecoveryCrossCheckIT} holds them to it); {@link SignerRecoveries} picks one at start.
 * Implementations are thread-safe.
 */
public interface SignerRecovery {
    /**
     * The signer of {@code digest}.
     *
     * @throws InvalidSignatureException when no public key can be recovered (r is no curve point's x)
     */
    Address recover(Bytes32 digest, Signature signature) throws InvalidSignatureException;

    /**
     * The signer of {@code digest} (32 bytes) from the 65-byte wire form {@code r || s || v}.
     *
     * @throws InvalidSignatureException for a wrong length, a non-canonical signature (high-s, r or s zero
     *     or not below n, v not 27 or 28) or one without a recoverable key; the message says which
     */
    Address recover(byte[] digest, byte[] rsv) throws InvalidSignatureException;

    /** What backs this implementation, for logs and reports ({@code libsecp256k1} or {@code web3j}). */
    String name();
}
