package org.gridshare.backend.crypto;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.gridshare.protocol.Bytes32;
import org.gridshare.protocol.InvalidSignatureException;
import org.gridshare.protocol.Secp256k1Signer;
import org.gridshare.protocol.Signature;
import org.junit.jupiter.api.Test;

class SignerRecoveryTest {
    private static final SignerRecovery FAST =
            SignerRecoveries.choose(SignerRecoveries.Mode.LIBSECP256K1).recovery();
    private static final SignerRecovery WEB3J = new Web3jRecovery();

    @Test
    void auto_picks_libsecp256k1_on_linux_and_says_why() {
        SignerRecoveries.Choice c = SignerRecoveries.choose(SignerRecoveries.Mode.AUTO);
        assertInstanceOf(Secp256k1Recovery.class, c.recovery());
        assertTrue(c.reason().contains("self-test against web3j passed"), c.reason());
        assertEquals(
                "web3j",
                SignerRecoveries.choose(SignerRecoveries.Mode.WEB3J).recovery().name());
        assertThrows(IllegalArgumentException.class, () -> SignerRecoveries.mode("bouncy"));
    }

    @Test
    void both_paths_recover_the_signing_key() throws Exception {
        Secp256k1Signer key = Secp256k1Signer.generate();
        Bytes32 digest = new Bytes32(new byte[32]);
        Signature sig = key.sign(digest);
        assertEquals(key.address(), FAST.recover(digest, sig));
        assertEquals(key.address(), WEB3J.recover(digest, sig));
        assertEquals(key.address(), FAST.recover(digest.bytes(), sig.toBytes()));
    }

    @Test
    void high_s_twin_is_refused_by_both_though_libsecp256k1_could_recover_it() throws Exception {
        Secp256k1Signer key = Secp256k1Signer.generate();
        Bytes32 digest = new Bytes32(new byte[32]);
        byte[] rsv = key.sign(digest).toBytes();
        byte[] s = new java.math.BigInteger(1, Arrays.copyOfRange(rsv, 32, 64))
                .negate()
                .mod(SignatureCases.N)
                .toByteArray();
        byte[] twin = rsv.clone();
        Arrays.fill(twin, 32, 64, (byte) 0);
        System.arraycopy(s, Math.max(0, s.length - 32), twin, 64 - Math.min(32, s.length), Math.min(32, s.length));
        twin[64] = (byte) (55 - (rsv[64] & 0xff));
        InvalidSignatureException e =
                assertThrows(InvalidSignatureException.class, () -> FAST.recover(digest.bytes(), twin));
        assertTrue(e.getMessage().contains("high-s"), e.getMessage());
        assertThrows(InvalidSignatureException.class, () -> WEB3J.recover(digest.bytes(), twin));
    }

    @Test
    void fast_and_web3j_agree_on_2000_seeded_cases() {
        CrossCheck.Result r = CrossCheck.run(13, 2_000, 2);
        assertEquals(java.util.List.of(), r.disagreements());
        // not a test that cannot fail: the cases must exercise both outcomes in numbers
        assertTrue(r.recoveredSigner() > 450, r.table());
        assertTrue(r.refused() > 600, r.table());
    }
}
