package org.gridshare.contracts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.math.BigInteger;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Fee bumps and policy bounds of the settlement client (pure). */
class SettlementFeesTest {
    static BigInteger b(long v) {
        return BigInteger.valueOf(v);
    }

    @Test
    void a_bump_rounds_up_and_raises_every_field_by_at_least_one_wei() {
        TransactionSender.Fees f = new TransactionSender.Fees(b(2_000_000_001L), b(1));
        TransactionSender.Fees bumped = f.bump(20);
        assertEquals(b(2_400_000_002L), bumped.maxFeePerGas(), "20% of 2,000,000,001 rounded up");
        assertEquals(b(2), bumped.maxPriorityFeePerGas(), "1 wei tip still rises");
        assertEquals(b(10), new TransactionSender.Fees(b(9), b(9)).bump(10).maxFeePerGas(), "10% of 9 is 0.9, up to 1");
    }

    @Test
    void a_legacy_price_is_bumped_alone() {
        TransactionSender.Fees legacy = new TransactionSender.Fees(b(1_000), null).bump(10);
        assertEquals(b(1_100), legacy.maxFeePerGas());
        assertNull(legacy.maxPriorityFeePerGas());
    }

    @Test
    void a_bump_never_goes_below_the_current_fees() {
        TransactionSender.Fees bumped =
                new TransactionSender.Fees(b(100), b(10)).bump(20).max(new TransactionSender.Fees(b(500), b(5)));
        assertEquals(b(500), bumped.maxFeePerGas());
        assertEquals(b(12), bumped.maxPriorityFeePerGas());
    }

    @Test
    void rejects_a_fee_bump_below_what_nodes_accept_for_a_replacement() {
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class,
                () -> new SettlementPolicy(
                        20,
                        MarketClient.TX_GAS_CAP,
                        9,
                        1,
                        Duration.ofSeconds(1),
                        Duration.ofSeconds(10),
                        Duration.ofMillis(50)));
        assertEquals(true, e.getMessage().contains("feeBumpPercent"), e.getMessage());
        assertThrows(
                IllegalArgumentException.class,
                () -> SettlementPolicy.devChain().withConfirmations(0));
    }
}
