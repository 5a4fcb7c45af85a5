package org.gridshare.backend.market.chain;

import java.math.BigInteger;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import org.gridshare.contracts.ChainCallException;
import org.gridshare.contracts.MarketClient;
import org.gridshare.contracts.MeterRecord;
import org.gridshare.contracts.RegistryClient;
import org.gridshare.contracts.generated.EnergyMarket;
import org.gridshare.contracts.generated.MeterRegistry;
import org.gridshare.protocol.Address;
import org.gridshare.protocol.Bytes32;
import org.web3j.abi.EventEncoder;
import org.web3j.crypto.Credentials;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.core.DefaultBlockParameter;
import org.web3j.protocol.core.DefaultBlockParameterName;
import org.web3j.protocol.core.methods.request.EthFilter;
import org.web3j.protocol.core.methods.response.EthLog;
import org.web3j.protocol.core.methods.response.Log;
import org.web3j.tx.ReadonlyTransactionManager;
import org.web3j.utils.Numeric;

/**
 * {@link MarketChain} over JSON-RPC. The registry has no household → meters view, so the meters of a
 * household in a zone come from its {@code MeterRegistered(meter, household, zone)} events (all three
 * indexed: one {@code eth_getLogs} filtered by household and zone), each then checked with
 * {@code meterOf} for revocation. Answers are cached for {@code maxAge}.
 */
public final class Web3MarketChain implements MarketChain {
    private static final String REGISTERED_TOPIC = EventEncoder.encode(MeterRegistry.METERREGISTERED_EVENT);
    /** Read-only calls need no key; RegistryClient wants credentials, so it gets one that signs nothing. */
    private static final String CALL_ONLY_KEY = "0x0000000000000000000000000000000000000000000000000000000000000001";

    private record Cached<T>(T value, long atMs) {}

    private final Web3j web3j;
    private final RegistryClient registry;
    private final EnergyMarket market;
    private final Address registryAddress;
    private final Duration maxAge;
    private final Clock clock;
    private final DefaultBlockParameter logsFrom;
    private volatile Cached<Tariffs> tariffs;
    private final Map<String, Cached<List<Address>>> households = new ConcurrentHashMap<>();
    private final Map<Address, Cached<BigInteger>> balances = new ConcurrentHashMap<>();

    private Web3MarketChain(
            Web3j web3j,
            RegistryClient registry,
            EnergyMarket market,
            Address registryAddress,
            Duration maxAge,
            Clock clock,
            long logsFromBlock) {
        this.web3j = web3j;
        this.registry = registry;
        this.market = market;
        this.registryAddress = registryAddress;
        this.maxAge = maxAge;
        this.clock = clock;
        this.logsFrom = DefaultBlockParameter.valueOf(BigInteger.valueOf(logsFromBlock));
    }

    /** Reads the market at {@code market} and the registry at {@code registry} through {@code web3j} (not closed here). */
    public static Web3MarketChain connect(
            Web3j web3j, Address market, Address registry, Duration maxAge, Clock clock, long logsFromBlock) {
        Credentials callOnly = Credentials.create(CALL_ONLY_KEY);
        RegistryClient reg;
        try {
            reg = RegistryClient.load(web3j, callOnly, registry);
        } catch (ChainCallException e) {
            throw new IllegalStateException("cannot load the MeterRegistry " + registry, e);
        }
        EnergyMarket m = EnergyMarket.load(
                market.toHex(),
                web3j,
                new ReadonlyTransactionManager(web3j, callOnly.getAddress()),
                MarketClient.gasProvider());
        return new Web3MarketChain(web3j, reg, m, registry, maxAge, clock, logsFromBlock);
    }

    @Override
    public Tariffs tariffs() throws ChainUnavailableException {
        long now = clock.millis();
        Cached<Tariffs> c = tariffs;
        if (c != null && now - c.atMs() < maxAge.toMillis()) {
            return c.value();
        }
        try {
            Tariffs t = new Tariffs(
                    market.feedInTariff().send().longValueExact(),
                    market.retailTariff().send().longValueExact(),
                    market.gridFeePerKWh().send().longValueExact());
            tariffs = new Cached<>(t, now);
            return t;
        } catch (Exception e) {
            throw new ChainUnavailableException("reading the tariffs of market " + market.getContractAddress(), e);
        }
    }

    @Override
    public BigInteger balance(Address account) throws ChainUnavailableException {
        long now = clock.millis();
        Cached<BigInteger> c = balances.get(account);
        if (c != null && now - c.atMs() < maxAge.toMillis()) {
            return c.value();
        }
        try {
            BigInteger b = market.balanceOf(account.toHex()).send();
            balances.put(account, new Cached<>(b, now));
            return b;
        } catch (Exception e) {
            throw new ChainUnavailableException(
                    "reading the balance of " + account + " in market " + market.getContractAddress(), e);
        }
    }

    @Override
    public List<Address> activeMeters(Address household, Bytes32 zone) throws ChainUnavailableException {
        long now = clock.millis();
        String key = household.toHex() + zone.toHex();
        Cached<List<Address>> c = households.get(key);
        if (c != null && now - c.atMs() < maxAge.toMillis()) {
            return c.value();
        }
        EthFilter filter = new EthFilter(logsFrom, DefaultBlockParameterName.LATEST, registryAddress.toHex());
        filter.addSingleTopic(REGISTERED_TOPIC);
        filter.addSingleTopic(null);
        filter.addSingleTopic(Numeric.toHexStringWithPrefixZeroPadded(Numeric.toBigInt(household.bytes()), 64));
        filter.addSingleTopic(zone.toHex());
        EthLog logs;
        try {
            logs = web3j.ethGetLogs(filter).send();
        } catch (Exception e) {
            throw new ChainUnavailableException("reading MeterRegistered events of " + household, e);
        }
        if (logs.hasError()) {
            throw new ChainUnavailableException(
                    "reading MeterRegistered events of " + household + ": "
                            + logs.getError().getMessage(),
                    null);
        }
        TreeSet<String> meters = new TreeSet<>();
        for (EthLog.LogResult<?> r : logs.getLogs()) {
            Log log = (Log) r.get();
            byte[] topic = Numeric.hexStringToByteArray(log.getTopics().get(1));
            meters.add(new Address(Arrays.copyOfRange(topic, 12, 32)).toHex());
        }
        List<Address> active = new ArrayList<>();
        for (String m : meters) {
            Optional<MeterRecord> rec = meter(Address.fromHex(m));
            // the event is history; the entry says whether the key is still bound here and not revoked
            if (rec.isPresent()
                    && rec.get().active()
                    && rec.get().household().equals(household)
                    && rec.get().zone().equals(zone)) {
                active.add(rec.get().meter());
            }
        }
        List<Address> answer = List.copyOf(active);
        households.put(key, new Cached<>(answer, now));
        return answer;
    }

    @Override
    public Optional<MeterRecord> meter(Address meter) throws ChainUnavailableException {
        try {
            synchronized (registry) { // RegistryClient is not for concurrent use
                return registry.meter(meter);
            }
        } catch (ChainCallException | RuntimeException e) {
            throw new ChainUnavailableException("reading meter " + meter + " from registry " + registryAddress, e);
        }
    }
}
