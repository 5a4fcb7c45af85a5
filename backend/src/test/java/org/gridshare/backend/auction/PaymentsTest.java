package org.gridshare.backend.auction;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.math.BigInteger;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class PaymentsTest {
    @Test
    void payment_is_energy_in_kwh_times_price_rounded_down() {
        assertEquals(22, Payments.paymentBaseUnits(1_000_000, 22)); // 1 kWh at 22
        assertEquals(0, Payments.paymentBaseUnits(999_999, 1)); // just under a base unit
        assertEquals(4, Payments.paymentBaseUnits(1_500_000, 3)); // 1.5 kWh at 3 = 4.5 -> 4
    }

    @Test
    void large_products_are_exact_where_a_long_multiplication_would_overflow() {
        SplittableRandom random = new SplittableRandom(3);
        for (int k = 0; k < 10_000; k++) {
            long energy = random.nextLong(Long.MAX_VALUE);
            long price = random.nextLong(1_000_000_000_000L);
            BigInteger exact = BigInteger.valueOf(energy)
                    .multiply(BigInteger.valueOf(price))
                    .divide(BigInteger.valueOf(1_000_000));
            if (exact.bitLength() < 64) {
                assertEquals(exact.longValueExact(), Payments.paymentBaseUnits(energy, price));
            } else {
                assertThrows(ArithmeticException.class, () -> Payments.paymentBaseUnits(energy, price));
            }
        }
        assertThrows(IllegalArgumentException.class, () -> Payments.paymentBaseUnits(-1, 5));
    }
}
