package org.gridshare.protocol;

import java.util.Objects;

/**
 * A household's sealed bid or offer for one interval, signed with the household key. All long
 * fields are uint64 read as UNSIGNED; {@code side} is a uint8 restricted to {@link #BUY} or
 * {@link #SELL}.
 *
 * @param account household account (the signer)
 * @param zone grid zone id
 * @param intervalStartMs start of the delivery interval, Unix ms UTC
 * @param side {@link #BUY} (0) or {@link #SELL} (1)
 * @param energyMilliWh energy to buy or sell, mWh
 * @param limitPricePerKWh limit price per kWh in settlement-token base units (max for buy, min for sell)
 * @param nonce per-account replay protection
 * @param expiryMs the order is void after this Unix ms UTC
 */
public record Order(
        Address account,
        Bytes32 zone,
        long intervalStartMs,
        int side,
        long energyMilliWh,
        long limitPricePerKWh,
        long nonce,
        long expiryMs)
        implements TypedMessage {
    public static final int BUY = 0;
    public static final int SELL = 1;
    public static final String PRIMARY_TYPE = "Order";
    public static final String TYPE = "Order(address account,bytes32 zone,uint64 intervalStartMs,uint8 side,"
            + "uint64 energyMilliWh,uint64 limitPricePerKWh,uint64 nonce,uint64 expiryMs)";
    private static final byte[] TYPE_HASH = StructEncoder.typeHash(TYPE);

    public Order {
        Objects.requireNonNull(account, "account");
        Objects.requireNonNull(zone, "zone");
        if (side != BUY && side != SELL) {
            throw new MalformedValueException("side", -1, "must be 0 (buy) or 1 (sell), got " + side);
        }
    }

    @Override
    public String primaryType() {
        return PRIMARY_TYPE;
    }

    @Override
    public Bytes32 structHash() {
        return new StructEncoder(TYPE_HASH, 8)
                .address(account)
                .bytes32(zone)
                .uint(intervalStartMs)
                .uint(side)
                .uint(energyMilliWh)
                .uint(limitPricePerKWh)
                .uint(nonce)
                .uint(expiryMs)
                .hash();
    }

    @Override
    public String toString() {
        return "Order[account=" + account + ", zone=" + zone
                + ", intervalStartMs=" + Long.toUnsignedString(intervalStartMs) + ", side=" + side
                + ", energyMilliWh=" + Long.toUnsignedString(energyMilliWh)
                + ", limitPricePerKWh=" + Long.toUnsignedString(limitPricePerKWh)
                + ", nonce=" + Long.toUnsignedString(nonce) + ", expiryMs=" + Long.toUnsignedString(expiryMs) + "]";
    }
}
