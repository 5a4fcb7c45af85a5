package org.gridshare.backend.market.chain;

import java.util.List;
import java.util.Optional;
import org.gridshare.contracts.MeterRecord;
import org.gridshare.protocol.Address;
import org.gridshare.protocol.Bytes32;

/** What the market pipeline reads from the chain: tariffs of the market and meters of the registry. */
public interface MarketChain extends AutoCloseable {
    /** The market's published tariffs. */
    Tariffs tariffs() throws ChainUnavailableException;

    /** The meters registered to {@code household} in {@code zone} that are active now, ascending. */
    List<Address> activeMeters(Address household, Bytes32 zone) throws ChainUnavailableException;

    /**
     * The account's balance in the market, token base units: what settlement may debit first (with v2,
     * pending withdrawals are not in it). Cached like the tariffs.
     */
    java.math.BigInteger balance(Address account) throws ChainUnavailableException;

    /** The registry entry of {@code meter}; empty when it was never registered. */
    Optional<MeterRecord> meter(Address meter) throws ChainUnavailableException;

    @Override
    default void close() {}
}
