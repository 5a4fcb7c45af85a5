package org.gridshare.backend.auction;

import java.math.BigInteger;

/** Money for energy at a price per kWh, in exact integer arithmetic. */
public final class Payments {
    /** Milliwatt-hours in one kilowatt-hour. */
    public static final long MILLI_WH_PER_KWH = 1_000_000L;

    private static final BigInteger MILLI_WH_PER_KWH_BIG = BigInteger.valueOf(MILLI_WH_PER_KWH);

    private Payments() {}

    /**
     * {@code floor(energyMilliWh * pricePerKWh / 1,000,000)}: the token base units paid for a fill. The
     * product is formed in 128 bits (never overflows); rounding down means a buyer never pays more than
     * the exact amount and the shortfall is below one base unit per fill.
     *
     * @throws IllegalArgumentException if an argument is negative
     * @throws ArithmeticException if the payment does not fit a long
     */
    public static long paymentBaseUnits(long energyMilliWh, long pricePerKWh) {
        if (energyMilliWh < 0 || pricePerKWh < 0) {
            throw new IllegalArgumentException(
                    "energy " + energyMilliWh + " mWh and price " + pricePerKWh + " per kWh must be non-negative");
        }
        // Both factors are below 2^63, so the 128-bit product is non-negative; high == 0 and a
        // non-negative low word mean it fits a long.
        long high = Math.multiplyHigh(energyMilliWh, pricePerKWh);
        long low = energyMilliWh * pricePerKWh;
        if (high == 0 && low >= 0) {
            return low / MILLI_WH_PER_KWH;
        }
        BigInteger product = BigInteger.valueOf(energyMilliWh).multiply(BigInteger.valueOf(pricePerKWh));
        return product.divide(MILLI_WH_PER_KWH_BIG).longValueExact();
    }
}
