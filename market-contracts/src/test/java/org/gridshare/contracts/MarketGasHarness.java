package org.gridshare.contracts;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.gridshare.testsupport.Reports;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.web3j.protocol.core.methods.response.TransactionReceipt;
import org.web3j.utils.Numeric;

/**
 * Gas per settled participant of EnergyMarket.submitBatch on anvil (current hardfork), every order and
 * statement signature verified on-chain, all balances existing. Not part of the normal run:
 * {@code ./mvnw -pl market-contracts test -Dtest=MarketGasHarness -Dcontracts.excludedGroups=none}.
 * Prints the table and writes it to {@code target/reports/gas-report.md}.
 */
@Tag("harness")
class MarketGasHarness {
    static final int[] SIZES = {1, 10, 50, 100, 200};
    /** docs/benchmarks.md, "Gas per settlement batch": the settlement target at 100 participants. */
    static final long TARGET_PER_PARTICIPANT = 25_000;

    @Test
    void gas_per_settled_participant() throws Exception {
        List<String> rows = new ArrayList<>();
        rows.add(
                "| participants | batch gas | gas / participant | calldata bytes / participant | calldata gas / participant |");
        rows.add("|---:|---:|---:|---:|---:|");
        try (LocalChain chain = LocalChain.start()) {
            MarketScenario s = new MarketScenario(chain);
            s.enrol(SIZES[SIZES.length - 1]);
            long interval = 1_767_225_600_000L;
            for (int n : SIZES) {
                interval += 900_000;
                SettlementBatch batch = s.fullDeliveryBatch(n, interval, 155_000);
                byte[] call = Numeric.hexStringToByteArray(s.market.submitBatchCallData(batch));
                long callGas = 0;
                for (byte b : call) {
                    callGas += b == 0 ? 4 : 16;
                }
                TransactionReceipt r = s.market.submitBatch(batch);
                long gas = r.getGasUsed().longValueExact();
                rows.add(String.format(
                        Locale.ROOT, "| %d | %,d | %,d | %d | %,d |", n, gas, gas / n, call.length / n, callGas / n));
                assertTrue(gas <= MarketClient.TX_GAS_CAP, n + " participants used " + gas + " gas");
                if (n == 100) {
                    assertTrue(
                            gas / n <= TARGET_PER_PARTICIPANT,
                            "the target is " + TARGET_PER_PARTICIPANT + " gas per participant at 100, got " + gas / n);
                }
            }
        }
        String table = String.join("\n", rows) + "\n";
        System.out.println(table);
        Reports.write("gas-report.md", table);
    }
}
