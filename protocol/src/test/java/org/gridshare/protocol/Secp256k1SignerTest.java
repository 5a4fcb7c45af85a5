package org.gridshare.protocol;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.util.HashSet;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.web3j.crypto.ECKeyPair;
import org.web3j.crypto.Keys;
import org.web3j.crypto.Sign;

class Secp256k1SignerTest {
    // anvil/hardhat default account 0: public knowledge, test use only
    private static final String ANVIL_KEY_0 = "ac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";
    private static final BigInteger N = Signature.N;

    @Test
    void derives_the_well_known_address_of_a_known_key() {
        Secp256k1Signer signer =
                Secp256k1Signer.fromPrivateKey(org.web3j.utils.Numeric.hexStringToByteArray(ANVIL_KEY_0));
        assertEquals(
                "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266", signer.address().toChecksumHex());
    }

    @Test
    void signatures_equal_web3j_rfc6979_signatures_byte_for_byte() {
        Random random = new Random(11);
        for (int i = 0; i < 300; i++) {
            byte[] key = randomKey(random);
            byte[] digest = new byte[32];
            random.nextBytes(digest);
            Signature ours = Secp256k1Signer.fromPrivateKey(key).sign(new Bytes32(digest));
            Sign.SignatureData theirs = Sign.signMessage(digest, ECKeyPair.create(key), false);
            assertArrayEquals(theirs.getR(), ours.r(), "r");
            assertArrayEquals(theirs.getS(), ours.s(), "s");
            assertEquals(theirs.getV()[0] & 0xff, ours.v(), "v");
        }
    }

    @Test
    void recovers_the_signer_address_for_random_keys_and_messages() throws Exception {
        RandomMessages rnd = new RandomMessages(12);
        for (int i = 0; i < 500; i++) {
            Secp256k1Signer signer = Secp256k1Signer.fromPrivateKey(randomKey(rnd.random()));
            Eip712Domain domain = rnd.domain();
            Signed<TypedMessage> signed = signer.sign(domain, rnd.any());
            assertEquals(signer.address(), SignatureVerifier.recover(domain, signed));
        }
    }

    @Test
    void address_matches_web3j_key_derivation() {
        Random random = new Random(13);
        for (int i = 0; i < 200; i++) {
            byte[] key = randomKey(random);
            assertEquals(
                    "0x" + Keys.getAddress(ECKeyPair.create(key)),
                    Secp256k1Signer.fromPrivateKey(key).address().toHex());
        }
    }

    @Test
    void signing_is_deterministic_and_low_s() {
        Random random = new Random(14);
        Secp256k1Signer signer = Secp256k1Signer.fromPrivateKey(randomKey(random));
        Set<Integer> vs = new HashSet<>();
        for (int i = 0; i < 200; i++) {
            byte[] d = new byte[32];
            random.nextBytes(d);
            Signature a = signer.sign(new Bytes32(d));
            assertEquals(a, signer.sign(new Bytes32(d)));
            assertTrue(new BigInteger(1, a.s()).compareTo(N.shiftRight(1)) <= 0);
            vs.add(a.v());
        }
        assertEquals(Set.of(27, 28), vs, "both recovery ids occur");
    }

    @Test
    void rejects_the_high_s_twin_of_a_valid_signature() throws Exception {
        Random random = new Random(15);
        Secp256k1Signer signer = Secp256k1Signer.fromPrivateKey(randomKey(random));
        Bytes32 digest = new Bytes32(new byte[] {
            1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29,
            30, 31, 32
        });
        Signature good = signer.sign(digest);
        assertEquals(signer.address(), SignatureVerifier.recover(digest, good));
        byte[] twin = good.toBytes();
        byte[] highS = Secp256k1Signer.toBytes32(N.subtract(new BigInteger(1, good.s())));
        System.arraycopy(highS, 0, twin, 32, 32);
        twin[64] = (byte) (good.v() == 27 ? 28 : 27);
        // the twin is mathematically valid (web3j recovers the same key from it) ...
        BigInteger key = Sign.signedMessageHashToKey(digest.bytes(), new Sign.SignatureData(twin[64], good.r(), highS));
        assertEquals(signer.address().toHex(), "0x" + Keys.getAddress(key));
        // ... and gridshare refuses it
        assertThrows(NonCanonicalSignatureException.class, () -> Signature.fromBytes(twin));
    }

    @Test
    void a_flipped_bit_gives_another_signer_or_an_error() {
        RandomMessages rnd = new RandomMessages(16);
        Secp256k1Signer signer = Secp256k1Signer.fromPrivateKey(randomKey(rnd.random()));
        Eip712Domain domain = rnd.domain();
        int errors = 0;
        int others = 0;
        for (int i = 0; i < 300; i++) {
            Signed<MeterReading> signed = signer.sign(domain, rnd.reading());
            Bytes32 digest = Eip712.digest(domain, signed.message());
            byte[] raw = signed.signature().toBytes();
            int bit = rnd.random().nextInt(65 * 8);
            raw[bit / 8] ^= (byte) (1 << (bit % 8));
            try {
                Address recovered = SignatureVerifier.recover(digest, Signature.fromBytes(raw));
                assertNotEquals(signer.address(), recovered, "bit " + bit);
                others++;
            } catch (MalformedValueException | InvalidSignatureException e) {
                errors++;
            }
            byte[] d = digest.bytes();
            int dbit = rnd.random().nextInt(256);
            d[dbit / 8] ^= (byte) (1 << (dbit % 8));
            try {
                assertNotEquals(signer.address(), SignatureVerifier.recover(new Bytes32(d), signed.signature()));
            } catch (InvalidSignatureException e) {
                errors++;
            }
        }
        assertTrue(others > 0 && errors > 0, "both outcomes seen: others=" + others + " errors=" + errors);
    }

    @Test
    void rejects_out_of_range_private_keys() {
        assertThrows(MalformedValueException.class, () -> Secp256k1Signer.fromPrivateKey(new byte[32]));
        assertThrows(MalformedValueException.class, () -> Secp256k1Signer.fromPrivateKey(Secp256k1Signer.toBytes32(N)));
        assertThrows(MalformedValueException.class, () -> Secp256k1Signer.fromPrivateKey(new byte[31]));
        Secp256k1Signer max = Secp256k1Signer.fromPrivateKey(Secp256k1Signer.toBytes32(N.subtract(BigInteger.ONE)));
        Secp256k1Signer one = Secp256k1Signer.fromPrivateKey(Secp256k1Signer.toBytes32(BigInteger.ONE));
        // G and -G share x, so their addresses differ only through y
        assertNotEquals(max.address(), one.address());
        assertEquals("0x7e5f4552091a69125d5dfcb7b8c2659029395bdf", one.address().toHex());
    }

    @Test
    void to_string_never_shows_the_key() {
        byte[] key = org.web3j.utils.Numeric.hexStringToByteArray(ANVIL_KEY_0);
        String text = Secp256k1Signer.fromPrivateKey(key).toString();
        assertFalse(text.toLowerCase().contains(ANVIL_KEY_0.substring(0, 16)), text);
        assertFalse(text.contains(new BigInteger(1, key).toString()), text);
        assertTrue(text.contains("0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266"), text);
    }

    @Test
    void generated_keys_are_distinct_and_sign() throws Exception {
        Set<Address> seen = new HashSet<>();
        for (int i = 0; i < 20; i++) {
            Secp256k1Signer s = Secp256k1Signer.generate();
            assertTrue(seen.add(s.address()));
            Bytes32 d = new Bytes32(org.gridshare.protocol.crypto.Randomness.bytes(32));
            assertEquals(s.address(), SignatureVerifier.recover(d, s.sign(d)));
        }
    }

    static byte[] randomKey(Random random) {
        while (true) {
            byte[] key = new byte[32];
            random.nextBytes(key);
            BigInteger d = new BigInteger(1, key);
            if (d.signum() > 0 && d.compareTo(N) < 0) {
                return key;
            }
        }
    }
}
