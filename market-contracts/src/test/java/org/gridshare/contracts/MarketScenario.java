package org.gridshare.contracts;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.gridshare.protocol.Address;
import org.gridshare.protocol.Bytes32;
import org.gridshare.protocol.Eip712Domain;
import org.gridshare.protocol.IntervalStatement;
import org.gridshare.protocol.Order;
import org.gridshare.protocol.Secp256k1Signer;
import org.web3j.crypto.Credentials;
import org.web3j.crypto.Hash;
import org.web3j.utils.Numeric;

/**
 * A {@link MarketDeployment} on a {@link LocalChain} with N funded households, each with a
 * registered meter, and signed batches built from Java keys (protocol's Secp256k1Signer, EIP-712 domain
 * with the market as verifying contract).
 */
final class MarketScenario {
    static final Bytes32 ZONE = new Bytes32(Hash.sha3("zone-nl-3511".getBytes(StandardCharsets.US_ASCII)));
    static final long INTERVAL_SECONDS = 900;
    static final long FEED_IN = 80_000;
    static final long RETAIL = 320_000;
    static final long FEE = 10_000;
    static final BigInteger FUNDS = BigInteger.valueOf(1_000_000_000L);

    final LocalChain chain;
    final Credentials operator;
    final MarketDeployment deployment;
    final RegistryClient registry;
    final TokenClient token;
    final MarketClient market;
    final Eip712Domain domain;
    final List<Household> households = new ArrayList<>();

    /** A household: its account key (signs orders, sends deposits) and its meter's key. */
    record Household(Secp256k1Signer signer, Credentials credentials, Secp256k1Signer meter) {
        Address account() {
            return signer.address();
        }
    }

    MarketScenario(LocalChain chain) throws Exception {
        this.chain = chain;
        this.operator = chain.account(0);
        deployment = MarketDeployment.deploy(
                chain.web3j,
                operator,
                "gridshare test euro",
                "gEUR",
                new MarketDeployment.Tariffs(FEED_IN, RETAIL, FEE));
        registry = deployment.registry();
        token = deployment.token();
        market = deployment.market();
        domain = new Eip712Domain(chain.anvil.chainId(), market.address());
        deployment.fund(operator, FUNDS);
    }

    /** Adds households until there are {@code n}: registered meter, FUNDS minted and deposited. */
    void enrol(int n) throws Exception {
        while (households.size() < n) {
            int i = households.size();
            byte[] key = Hash.sha3(("household-" + i).getBytes(StandardCharsets.US_ASCII));
            Secp256k1Signer signer = Secp256k1Signer.fromPrivateKey(key);
            Secp256k1Signer meter =
                    Secp256k1Signer.fromPrivateKey(Hash.sha3(("meter-" + i).getBytes(StandardCharsets.US_ASCII)));
            Household h = new Household(signer, Credentials.create(Numeric.toHexString(key)), meter);
            chain.anvilRpc("anvil_setBalance", h.account().toHex(), "0x56BC75E2D63100000"); // 100 ether for gas
            deployment.register(meter.address(), h.account(), ZONE);
            deployment.fund(h.credentials(), FUNDS);
            households.add(h);
        }
    }

    /** A signed participant: household i's order (side, energy, limit) and its meter's statement. */
    SettlementBatch.Participant participant(
            int i, long intervalStartMs, int side, long energy, long limit, long fill, long imported, long exported) {
        // the order stands through its interval: the contract refuses one that expired before the start
        return participant(
                i,
                intervalStartMs,
                side,
                energy,
                limit,
                fill,
                imported,
                exported,
                intervalStartMs + INTERVAL_SECONDS * 1000);
    }

    /** As above with the order's signed expiry. */
    SettlementBatch.Participant participant(
            int i,
            long intervalStartMs,
            int side,
            long energy,
            long limit,
            long fill,
            long imported,
            long exported,
            long expiryMs) {
        Household h = households.get(i);
        Order order = new Order(h.account(), ZONE, intervalStartMs, side, energy, limit, i + 1L, expiryMs);
        long importStart = 5_000_000L + 1_000L * i;
        long exportStart = 7_000_000L + 1_000L * i;
        IntervalStatement statement = new IntervalStatement(
                h.meter().address(),
                intervalStartMs,
                INTERVAL_SECONDS,
                importStart,
                importStart + imported,
                exportStart,
                exportStart + exported,
                100L + i,
                1_000L + i,
                new Bytes32(Hash.sha3(("readings-" + i + "-" + intervalStartMs).getBytes(StandardCharsets.US_ASCII))));
        return new SettlementBatch.Participant(
                h.signer().sign(domain, order), h.meter().sign(domain, statement), fill);
    }

    /**
     * A batch of the first n households: the first half sell 1 kWh each and deliver it, the rest buy the
     * same total in equal parts and import it. With n = 1 the only participant has fill 0 (fills must balance).
     */
    SettlementBatch fullDeliveryBatch(int n, long intervalStartMs, long price) {
        List<SettlementBatch.Participant> ps = new ArrayList<>();
        int sellers = n / 2;
        long volume = sellers * 1_000_000L;
        int buyers = n - sellers;
        for (int i = 0; i < sellers; i++) {
            ps.add(participant(i, intervalStartMs, Order.SELL, 1_000_000L, FEED_IN, 1_000_000L, 0, 1_000_000L));
        }
        for (int b = 0; b < buyers; b++) {
            long fill = volume / buyers + (b == buyers - 1 ? volume % buyers : 0);
            ps.add(participant(sellers + b, intervalStartMs, Order.BUY, fill + 1_000L, RETAIL, fill, fill, 0));
        }
        return new SettlementBatch(ZONE, intervalStartMs, INTERVAL_SECONDS, price, ps);
    }
}
