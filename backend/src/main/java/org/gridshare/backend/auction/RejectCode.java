package org.gridshare.backend.auction;

/**
 * Why an order was not admitted to a book. The numbers are stable and machine-readable (printed by
 * {@code market clear} and kept with the rejected order); never renumber, only add.
 */
public enum RejectCode {
    /** A required field is absent or JSON null. */
    MISSING_FIELD(101),
    /** A number has a fraction or exponent, or a value is not a number, where an exact integer belongs. */
    NOT_AN_INTEGER(102),
    /** An integer does not fit a signed 64-bit long. */
    OUT_OF_RANGE(103),
    /** The id is neither a non-empty string nor an integer. */
    BAD_ID(104),
    /** The side is neither {@code "buy"} nor {@code "sell"}. */
    UNKNOWN_SIDE(105),
    /** Another order of the same book has the same id. */
    DUPLICATE_ID(106),
    /** The energy is below zero. */
    NEGATIVE_ENERGY(107),
    /** The order time is before the Unix epoch. */
    NEGATIVE_TIME(108),
    /** The limit price is below the operator's feed-in tariff (the floor of every limit). */
    LIMIT_BELOW_FEED_IN_TARIFF(109),
    /** The limit price is above the operator's retail tariff (the ceiling of every limit). */
    LIMIT_ABOVE_RETAIL_TARIFF(110),
    /** Adding the order would make one side's total energy exceed 2^63 - 1 mWh. */
    SIDE_TOTAL_OVERFLOW(111);

    private final int code;

    RejectCode(int code) {
        this.code = code;
    }

    /** The stable numeric code. */
    public int code() {
        return code;
    }
}
