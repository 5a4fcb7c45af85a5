package org.gridshare.agent.signing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.gridshare.agent.meter.Measurement;
import org.gridshare.protocol.Address;
import org.gridshare.protocol.Bytes32;
import org.gridshare.protocol.Eip712Domain;
import org.gridshare.protocol.MeterReading;
import org.gridshare.protocol.MeterStatus;
import org.gridshare.protocol.ReadingChain;
import org.gridshare.protocol.Secp256k1Signer;
import org.gridshare.protocol.SignatureVerifier;
import org.gridshare.protocol.Signed;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReadingSignerTest {
    private static final Eip712Domain DOMAIN =
            new Eip712Domain(31337, Address.fromHex("0x5fbdb2315678afecb367f032d93f642f64180aa3"));
    private final Secp256k1Signer key = Secp256k1Signer.fromPrivateKey(new byte[] {
        1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30,
        31, 32
    });

    @TempDir
    Path dir;

    private static Clock at(long ms) {
        return Clock.fixed(Instant.ofEpochMilli(ms), ZoneOffset.UTC);
    }

    @Test
    void signs_readings_with_increasing_seq_and_an_unbroken_prev_chain() throws Exception {
        ReadingSigner signer = new ReadingSigner(key, DOMAIN, new SigningStateFile(dir.resolve("state")), at(1_000));
        Signed<MeterReading> first = signer.sign(new Measurement(10, 0, 5, 0));
        Signed<MeterReading> second = signer.sign(new Measurement(20, 0, 5, 0));

        assertEquals(1, first.message().seq());
        assertEquals(Bytes32.ZERO, first.message().prev());
        assertEquals(2, second.message().seq());
        assertEquals(
                ReadingChain.link(DOMAIN, first.message()), second.message().prev());
        assertEquals(key.address(), SignatureVerifier.recover(DOMAIN, second));
        assertEquals(key.address(), second.message().meter());
    }

    @Test
    void never_reuses_a_seq_and_keeps_the_chain_across_a_restart() throws Exception {
        SigningStateFile file = new SigningStateFile(dir.resolve("state"));
        Signed<MeterReading> last = null;
        for (int i = 0; i < 3; i++) {
            last = new ReadingSigner(key, DOMAIN, file, at(1_000 + i)).sign(new Measurement(i, 0, 0, 0));
        }
        Signed<MeterReading> afterRestart =
                new ReadingSigner(key, DOMAIN, file, at(2_000)).sign(new Measurement(9, 0, 0, 0));
        assertEquals(3, last.message().seq());
        assertEquals(4, afterRestart.message().seq());
        assertEquals(
                ReadingChain.link(DOMAIN, last.message()),
                afterRestart.message().prev());
    }

    @Test
    void flags_a_clock_stepped_back_and_never_signs_an_earlier_time() throws Exception {
        SigningStateFile file = new SigningStateFile(dir.resolve("state"));
        new ReadingSigner(key, DOMAIN, file, at(50_000)).sign(new Measurement(1, 0, 0, 0));
        Signed<MeterReading> stepped =
                new ReadingSigner(key, DOMAIN, file, at(40_000)).sign(new Measurement(2, 0, 0, 0));
        assertEquals(50_000, stepped.message().timeMs());
        assertTrue((stepped.message().status() & MeterStatus.CLOCK_STEPPED_BACK) != 0);

        Signed<MeterReading> recovered =
                new ReadingSigner(key, DOMAIN, file, at(60_000)).sign(new Measurement(3, 0, 0, 0));
        assertEquals(60_000, recovered.message().timeMs());
        assertEquals(0, recovered.message().status() & MeterStatus.CLOCK_STEPPED_BACK);
    }

    @Test
    void keeps_the_meters_own_status_bits() throws Exception {
        ReadingSigner signer = new ReadingSigner(key, DOMAIN, new SigningStateFile(dir.resolve("state")), at(1));
        Signed<MeterReading> r = signer.sign(new Measurement(1, 0, 0, MeterStatus.METER_ERROR));
        assertEquals(MeterStatus.METER_ERROR, r.message().status());
    }

    @Test
    void refuses_a_damaged_state_file_instead_of_starting_over() throws IOException {
        Path state = dir.resolve("state");
        Files.writeString(state, "v1 12 nonsense 5\n");
        IOException e = assertThrows(
                IOException.class, () -> new ReadingSigner(key, DOMAIN, new SigningStateFile(state), at(1)));
        assertTrue(e.getMessage().contains(state.toString()), e.getMessage());
    }

    @Test
    void a_signature_for_another_chain_does_not_recover_the_meter() throws Exception {
        ReadingSigner signer = new ReadingSigner(key, DOMAIN, new SigningStateFile(dir.resolve("state")), at(1));
        Signed<MeterReading> r = signer.sign(new Measurement(1, 0, 0, 0));
        Eip712Domain other = new Eip712Domain(1, DOMAIN.verifyingContract());
        assertNotEquals(key.address(), SignatureVerifier.recover(other, r));
    }
}
