package org.gridshare.backend.registry;

import java.io.IOException;
import java.math.BigInteger;
import java.time.Clock;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.gridshare.contracts.ChainCallException;
import org.gridshare.contracts.RegistryClient;
import org.gridshare.protocol.Address;
import org.gridshare.protocol.ZoneIds;
import org.web3j.crypto.Credentials;
import org.web3j.crypto.Hash;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.core.DefaultBlockParameter;
import org.web3j.protocol.core.methods.request.EthFilter;
import org.web3j.protocol.core.methods.response.EthBlockNumber;
import org.web3j.protocol.core.methods.response.EthLog;
import org.web3j.protocol.core.methods.response.Log;
import org.web3j.protocol.http.HttpService;

/**
 * The {@link MeterDirectory} of a deployed MeterRegistry: answers read through {@link RegistryClient},
 * kept until the registry's own events name the meter (see {@link CachedMeterDirectory}, events mode).
 * The event filter matches the v1 and the v2 signatures of {@code MeterRegistered} and
 * {@code MeterRevoked}, and {@code MeterReplaced}; each has the meter as its first indexed argument
 * (MeterReplaced names the new meter second, which is read too).
 */
public final class RegistryMeterDirectory {
    /**
     * The directory only makes eth_calls, which need no key; RegistryClient wants credentials, so it gets
     * this one, which signs nothing and holds nothing.
     */
    private static final String CALL_ONLY_KEY = "0x0000000000000000000000000000000000000000000000000000000000000001";

    /** Blocks per eth_getLogs after an outage: nodes cap the range a single call may span. */
    private static final long MAX_LOG_RANGE = 5_000;

    static final List<String> EVENT_TOPICS = List.of(
            Hash.sha3String("MeterRegistered(address,address,bytes32)"),
            Hash.sha3String("MeterRevoked(address,address)"),
            Hash.sha3String("MeterRegistered(address,address,bytes32,address,uint64,bytes32)"),
            Hash.sha3String("MeterRevoked(address,address,uint8,uint64)"),
            Hash.sha3String("MeterReplaced(address,address)"));

    private RegistryMeterDirectory() {}

    /**
     * A directory over the MeterRegistry at {@code registry} on {@code rpcUrl} that fails closed after
     * {@code maxAge} without an answer from the chain, polling the registry's events every {@code maxAge/2}
     * (a zero {@code maxAge}: every reading asks the chain).
     *
     * @throws IllegalStateException when the registry client cannot be created
     */
    public static MeterDirectory connect(String rpcUrl, Address registry, Duration maxAge, Clock clock) {
        return connect(rpcUrl, registry, maxAge, maxAge.dividedBy(2), clock);
    }

    /**
     * As {@link #connect(String, Address, Duration, Clock)} with the event poll interval given (shorter
     * than {@code maxAge}; zero for a lookup per {@code maxAge} and meter instead of events).
     */
    public static MeterDirectory connect(
            String rpcUrl, Address registry, Duration maxAge, Duration pollInterval, Clock clock) {
        Web3j web3j = Web3j.build(new HttpService(rpcUrl));
        RegistryClient client;
        try {
            client = RegistryClient.load(web3j, Credentials.create(CALL_ONLY_KEY), registry);
        } catch (ChainCallException e) {
            web3j.shutdown();
            throw new IllegalStateException("cannot load the MeterRegistry " + registry + " at " + rpcUrl, e);
        }
        CachedMeterDirectory.RegistryChain chain = new CachedMeterDirectory.RegistryChain() {
            @Override
            public Optional<CachedMeterDirectory.Entry> lookup(Address meter) throws ChainCallException {
                synchronized (client) { // RegistryClient is not for concurrent use
                    // the v1 registry records no genesis: null until RegistryClient.genesisOf (v2) is wired here
                    return client.meter(meter).map(m -> new CachedMeterDirectory.Entry(m.zone(), m.active()));
                }
            }

            @Override
            public long head() throws IOException {
                EthBlockNumber n = web3j.ethBlockNumber().send();
                if (n.hasError()) {
                    throw new IOException(
                            "eth_blockNumber at " + rpcUrl + ": " + n.getError().getMessage());
                }
                return n.getBlockNumber().longValueExact();
            }

            @Override
            public Set<Address> changed(long fromBlock, long toBlock) throws IOException {
                Set<Address> meters = new HashSet<>();
                for (long from = fromBlock; from <= toBlock; from += MAX_LOG_RANGE) {
                    long to = Math.min(toBlock, from + MAX_LOG_RANGE - 1);
                    EthFilter filter = new EthFilter(
                            DefaultBlockParameter.valueOf(BigInteger.valueOf(from)),
                            DefaultBlockParameter.valueOf(BigInteger.valueOf(to)),
                            registry.toHex());
                    filter.addOptionalTopics(EVENT_TOPICS.toArray(String[]::new));
                    EthLog logs = web3j.ethGetLogs(filter).send();
                    if (logs.hasError()) {
                        throw new IOException("eth_getLogs " + from + ".." + to + " of the MeterRegistry " + registry
                                + " at " + rpcUrl + ": " + logs.getError().getMessage());
                    }
                    for (EthLog.LogResult<?> r : logs.getLogs()) {
                        if (r.get() instanceof Log log) {
                            List<String> topics = log.getTopics();
                            for (int i = 1; i < topics.size() && i <= 2; i++) {
                                // MeterReplaced's second indexed argument is a meter too; the others' are
                                // households or installers: re-reading one of those is harmless
                                meters.add(Address.fromHex("0x" + topics.get(i).substring(26)));
                            }
                        }
                    }
                }
                return meters;
            }
        };
        return new CachedMeterDirectory(chain, ZoneIds::of, maxAge, pollInterval, clock, web3j::shutdown);
    }
}
