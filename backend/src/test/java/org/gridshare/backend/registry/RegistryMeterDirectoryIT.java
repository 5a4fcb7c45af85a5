package org.gridshare.backend.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import org.gridshare.backend.testing.TestChain;
import org.gridshare.parts.AnvilNode;
import org.gridshare.parts.RepoRoot;
import org.gridshare.protocol.Address;
import org.gridshare.protocol.Secp256k1Signer;
import org.gridshare.testsupport.TestClock;
import org.junit.jupiter.api.Test;

/**
 * The chain-backed directory against a MeterRegistry on anvil: answers kept until the registry's events
 * name the meter (a revocation is seen at the next poll, a registration replaces a cached "unregistered"),
 * and fail-closed once the chain is gone for longer than max age. The clock is the test's: polls happen
 * when it says so, not when the machine is idle enough.
 */
class RegistryMeterDirectoryIT {
    @Test
    void events_invalidate_cached_answers_and_a_lost_chain_fails_closed() throws Exception {
        TestClock clock = TestClock.at(1_800_000_000_000L);
        Address a = Secp256k1Signer.generate().address();
        Address b = Secp256k1Signer.generate().address();
        Address late = Secp256k1Signer.generate().address();
        AnvilNode anvil = AnvilNode.start(RepoRoot.find());
        try (anvil;
                TestChain chain = TestChain.deploy(anvil);
                MeterDirectory directory = RegistryMeterDirectory.connect(
                        anvil.rpcUrl(),
                        chain.registryAddress(),
                        Duration.ofSeconds(10),
                        Duration.ofSeconds(1),
                        clock)) {
            chain.register(a, "zone-a");
            chain.register(b, "zone-a");
            assertEquals(MeterStanding.State.ACTIVE, directory.standing(a).state());
            assertEquals(MeterStanding.State.ACTIVE, directory.standing(b).state());
            assertEquals(
                    MeterStanding.State.UNREGISTERED, directory.standing(late).state());

            chain.revoke(a);
            chain.register(late, "zone-a");
            assertEquals(MeterStanding.State.ACTIVE, directory.standing(a).state(), "cached until the next poll");
            clock.advance(Duration.ofSeconds(1));
            assertEquals(MeterStanding.State.REVOKED, directory.standing(a).state());
            assertEquals(MeterStanding.State.ACTIVE, directory.standing(late).state());
            assertEquals(MeterStanding.State.ACTIVE, directory.standing(b).state());

            anvil.close();
            clock.advance(Duration.ofSeconds(9));
            assertEquals(MeterStanding.State.ACTIVE, directory.standing(b).state(), "within max age of the last poll");
            clock.advance(Duration.ofSeconds(1));
            assertEquals(MeterStanding.State.UNAVAILABLE, directory.standing(b).state(), "never on a stale answer");
        }
    }
}
