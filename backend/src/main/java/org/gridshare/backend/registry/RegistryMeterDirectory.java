package org.gridshare.backend.registry;

import java.time.Clock;
import java.time.Duration;
import org.gridshare.contracts.ChainCallException;
import org.gridshare.contracts.RegistryClient;
import org.gridshare.protocol.Address;
import org.gridshare.protocol.ZoneIds;
import org.web3j.crypto.Credentials;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.http.HttpService;

/** The {@link MeterDirectory} of a deployed MeterRegistry, read through {@link RegistryClient}. */
public final class RegistryMeterDirectory {
    /**
     * The directory only makes eth_calls, which need no key; RegistryClient wants credentials, so it gets
     * this one, which signs nothing and holds nothing.
     */
    private static final String CALL_ONLY_KEY = "0x0000000000000000000000000000000000000000000000000000000000000001";

    private RegistryMeterDirectory() {}

    /**
     * A directory over the MeterRegistry at {@code registry} on {@code rpcUrl}, caching each answer for
     * {@code maxAge} (see {@link CachedMeterDirectory} for the revocation window).
     *
     * @throws IllegalStateException when the registry client cannot be created
     */
    public static MeterDirectory connect(String rpcUrl, Address registry, Duration maxAge, Clock clock) {
        Web3j web3j = Web3j.build(new HttpService(rpcUrl));
        RegistryClient client;
        try {
            client = RegistryClient.load(web3j, Credentials.create(CALL_ONLY_KEY), registry);
        } catch (ChainCallException e) {
            web3j.shutdown();
            throw new IllegalStateException("cannot load the MeterRegistry " + registry + " at " + rpcUrl, e);
        }
        CachedMeterDirectory.ChainLookup lookup = meter -> {
            synchronized (client) { // RegistryClient is not for concurrent use
                return client.meter(meter).map(m -> new CachedMeterDirectory.Entry(m.zone(), m.active()));
            }
        };
        return new CachedMeterDirectory(lookup, ZoneIds::of, maxAge, clock, web3j::shutdown);
    }
}
