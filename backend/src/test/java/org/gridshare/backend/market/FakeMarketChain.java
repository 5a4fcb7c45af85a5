package org.gridshare.backend.market;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.gridshare.backend.market.chain.ChainUnavailableException;
import org.gridshare.backend.market.chain.MarketChain;
import org.gridshare.backend.market.chain.Tariffs;
import org.gridshare.contracts.MeterRecord;
import org.gridshare.protocol.Address;
import org.gridshare.protocol.Bytes32;

/** An in-memory chain for the pure checks: tariffs and meter records set by the test. */
public final class FakeMarketChain implements MarketChain {
    public Tariffs tariffs = new Tariffs(80_000, 300_000, 10_000);
    public boolean down;
    /** Only balance reads fail. */
    public boolean balancesDown;
    /** Market balances; an account not in it has 10,000,000 base units. */
    public final Map<Address, java.math.BigInteger> balances = new HashMap<>();

    private final Map<Address, MeterRecord> meters = new HashMap<>();

    public void register(Address meter, Address household, Bytes32 zone, boolean active) {
        meters.put(
                meter,
                new MeterRecord(
                        meter,
                        household,
                        zone,
                        java.time.Instant.EPOCH,
                        active ? Optional.empty() : Optional.of(java.time.Instant.EPOCH),
                        active));
    }

    @Override
    public Tariffs tariffs() throws ChainUnavailableException {
        check();
        return tariffs;
    }

    @Override
    public List<Address> activeMeters(Address household, Bytes32 zone) throws ChainUnavailableException {
        check();
        List<Address> out = new ArrayList<>();
        for (MeterRecord r : meters.values()) {
            if (r.active() && r.household().equals(household) && r.zone().equals(zone)) {
                out.add(r.meter());
            }
        }
        return out;
    }

    @Override
    public java.math.BigInteger balance(Address account) throws ChainUnavailableException {
        check();
        if (balancesDown) {
            throw new ChainUnavailableException("fake chain balance", new java.io.IOException("timeout"));
        }
        return balances.getOrDefault(account, java.math.BigInteger.valueOf(10_000_000));
    }

    @Override
    public Optional<MeterRecord> meter(Address meter) throws ChainUnavailableException {
        check();
        return Optional.ofNullable(meters.get(meter));
    }

    private void check() throws ChainUnavailableException {
        if (down) {
            throw new ChainUnavailableException("fake chain", new java.io.IOException("connection refused"));
        }
    }
}
