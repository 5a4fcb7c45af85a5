package org.gridshare.contracts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.time.Clock;
import org.gridshare.testsupport.Reports;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.web3j.protocol.core.DefaultBlockParameterName;

/**
 * A batch of 760 participants (about 18.3 M gas) against the real 16,777,216 cap: the submitter refuses it
 * from anvil's estimate and sends nothing. Enrolling 760 households takes minutes, so not in the normal run:
 * {@code ./mvnw -pl market-contracts test -Dtest=SettlementGasCapHarness -Dcontracts.excludedGroups=none}.
 */
@Tag("harness")
class SettlementGasCapHarness {
    static final int PARTICIPANTS = 760;

    @Test
    void a_batch_above_the_per_transaction_cap_is_refused_from_the_estimate() throws Exception {
        try (LocalChain chain = LocalChain.start()) {
            MarketScenario s = new MarketScenario(chain);
            s.enrol(PARTICIPANTS);
            long interval = 1_767_225_600_000L;
            SettlementBatch batch = s.fullDeliveryBatch(PARTICIPANTS, interval, 155_000);
            BigInteger before = chain.web3j
                    .ethGetTransactionCount(s.operator.getAddress(), DefaultBlockParameterName.PENDING)
                    .send()
                    .getTransactionCount();
            SettlementSubmitter sub = SettlementSubmitter.create(
                    chain.web3j,
                    s.operator,
                    s.market.address(),
                    SettlementPolicy.devChain(),
                    Clock.systemUTC(),
                    DefaultBlockParameterName.EARLIEST,
                    null);

            BatchGasCapException e = assertThrows(BatchGasCapException.class, () -> sub.submit(batch));

            Reports.printf("gas-cap.txt", "[gas cap] %s%n", e.getMessage());
            assertTrue(e.estimate().compareTo(BigInteger.valueOf(MarketClient.TX_GAS_CAP)) > 0);
            assertEquals(PARTICIPANTS, e.participants());
            assertEquals(
                    before,
                    chain.web3j
                            .ethGetTransactionCount(s.operator.getAddress(), DefaultBlockParameterName.PENDING)
                            .send()
                            .getTransactionCount(),
                    "nothing sent");
            assertFalse(s.market.isSettled(MarketScenario.ZONE, interval));
        }
    }
}
