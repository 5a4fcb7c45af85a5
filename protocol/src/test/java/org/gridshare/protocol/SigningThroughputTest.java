package org.gridshare.protocol;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.gridshare.protocol.wire.JsonWire;
import org.junit.jupiter.api.Test;

/**
 * The edge agent must sign and store at least 1,000 readings/s on one core. This covers the
 * protocol's share (digest, chain link, RFC 6979 signature, JSON encoding) on one thread, with a
 * wide margin so a busy build machine does not make it flaky; the measured figure is printed.
 */
class SigningThroughputTest {
    @Test
    void signs_chains_and_encodes_well_over_1000_readings_per_second_on_one_thread() {
        Secp256k1Signer signer = Secp256k1Signer.fromPrivateKey(Secp256k1SignerTest.randomKey(new java.util.Random(31)));
        Eip712Domain domain = new Eip712Domain(31337, Address.fromHex("0x5fbdb2315678afecb367f032d93f642f64180aa3"));
        run(signer, domain, 1_000); // warm-up for the JIT
        int n = 3_000;
        long start = System.nanoTime();
        long bytes = run(signer, domain, n);
        double seconds = (System.nanoTime() - start) / 1e9;
        double perSecond = n / seconds;
        System.out.printf("protocol signing throughput: %.0f readings/s on one thread (%d bytes of JSON)%n",
                perSecond, bytes);
        assertTrue(perSecond >= 1_000, "only " + perSecond + " readings/s");
    }

    private static long run(Secp256k1Signer signer, Eip712Domain domain, int n) {
        Bytes32 prev = Bytes32.ZERO;
        Bytes32 separator = domain.separator();
        long bytes = 0;
        for (int i = 0; i < n; i++) {
            MeterReading r = new MeterReading(signer.address(), i + 1, 1_764_000_000_000L + i, 1_000L + i, 0, -500,
                    MeterStatus.OK, prev);
            Bytes32 digest = Eip712.digest(separator, r.structHash());
            bytes += JsonWire.encodeReading(new Signed<>(r, signer.sign(digest))).length;
            prev = digest;
        }
        return bytes;
    }
}
