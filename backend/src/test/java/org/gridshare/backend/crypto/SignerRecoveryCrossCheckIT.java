package org.gridshare.backend.crypto;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.gridshare.testsupport.Reports;
import org.junit.jupiter.api.Test;

/**
 * The fast path and the web3j path agree on 100,000 seeded signatures: canonical ones, high-s twins,
 * r or s zero or at or above n, the s = n/2 boundary, random r, bad v and wrong lengths. An IT only
 * because web3j needs about 10 s of both cores for it; writes {@code target/reports/signer-recovery-crosscheck.md}.
 */
class SignerRecoveryCrossCheckIT {
    @Test
    void libsecp256k1_and_web3j_agree_on_100000_seeded_signatures() {
        CrossCheck.Result r = CrossCheck.run(20261202L, 100_000, 8);
        Reports.of(SignerRecoveryCrossCheckIT.class)
                .write(
                        "signer-recovery-crosscheck.md",
                        "# Signer recovery cross-check\n\n" + r.cases() + " cases (seeds 20261202..+7), "
                                + r.disagreements().size() + " disagreements, " + r.nanos() / 1_000_000
                                + " ms\n\n" + r.table());
        assertEquals(100_000, r.cases());
        assertEquals(List.of(), r.disagreements().stream().limit(20).toList());
        assertTrue(r.recoveredSigner() > 25_000, r.table());
        assertTrue(r.refused() > 35_000, r.table());
    }
}
