package org.gridshare.backend.market;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.gridshare.contracts.MarketClient;
import org.gridshare.contracts.MarketDeployment;
import org.gridshare.contracts.RegistryClient;
import org.gridshare.contracts.TokenClient;
import org.gridshare.parts.AnvilNode;
import org.gridshare.protocol.Address;
import org.gridshare.protocol.Bytes32;
import org.gridshare.protocol.Eip712;
import org.gridshare.protocol.Eip712Domain;
import org.gridshare.protocol.IntervalStatement;
import org.gridshare.protocol.MeterReading;
import org.gridshare.protocol.Order;
import org.gridshare.protocol.ReadingsRoot;
import org.gridshare.protocol.Secp256k1Signer;
import org.gridshare.protocol.Signed;
import org.gridshare.protocol.ZoneIds;
import org.web3j.crypto.Credentials;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.core.Request;
import org.web3j.protocol.core.Response;
import org.web3j.protocol.http.HttpService;
import org.web3j.utils.Numeric;

/**
 * A {@link MarketDeployment} on anvil (dev account 0 = admin, installer and grid; dev account 3
 * settles), and
 * households with keys generated here (seeded), each funded with gas, a registered meter and a deposit.
 */
public final class MarketFixture implements AutoCloseable {
    public static final long FEED_IN = 80_000;
    public static final long RETAIL = 300_000;
    public static final long FEE = 10_000;
    public static final BigInteger DEPOSIT = BigInteger.valueOf(10_000_000);

    public final Web3j web3j;
    public final HttpService http;
    public final Credentials operator;
    /** Settles batches (dev account 3, granted the operator role): the backend's own key, apart from the test's. */
    public final Credentials settler;

    public final MarketDeployment deployment;
    public final RegistryClient registry;
    public final TokenClient token;
    public final MarketClient market;
    public final Eip712Domain domain;
    private final Random random;

    /** One household: account key, meter key, and its meter's running registers. */
    public static final class Household {
        public final Secp256k1Signer account;
        public final Secp256k1Signer meter;
        public final String zone;
        /** The account key as web3j credentials, for deposits and withdrawals. */
        public Credentials credentials;

        long importRegister = 1_000_000;
        long exportRegister = 2_000_000;
        long seq = 1;
        Bytes32 prev = Bytes32.ZERO;

        Household(Secp256k1Signer account, Secp256k1Signer meter, String zone) {
            this.account = account;
            this.meter = meter;
            this.zone = zone;
        }

        public String hex() {
            return account.address().toHex();
        }

        public String orderTopic() {
            return "gridshare/v1/" + zone + "/" + hex() + "/orders";
        }

        public String statementTopic() {
            return "gridshare/v1/" + zone + "/" + meter.address().toHex() + "/statements";
        }

        public String readingTopic() {
            return "gridshare/v1/" + zone + "/" + meter.address().toHex() + "/readings";
        }
    }

    /** What a meter publishes for one interval: its signed readings, then the statement built from them. */
    public record Metered(List<Signed<MeterReading>> readings, Signed<IntervalStatement> statement) {}

    /** Readings are signed in the registry's domain (the backend's reading domain), statements in the market's. */
    public final Eip712Domain readingDomain;

    public MarketFixture(AnvilNode anvil, long seed) throws Exception {
        this.random = new Random(seed);
        http = new HttpService(anvil.rpcUrl());
        web3j = Web3j.build(http);
        operator = Credentials.create(anvil.devPrivateKeys().get(0));
        deployment = MarketDeployment.deploy(
                web3j, operator, "gridshare test euro", "gEUR", new MarketDeployment.Tariffs(FEED_IN, RETAIL, FEE));
        registry = deployment.registry();
        token = deployment.token();
        market = deployment.market();
        domain = new Eip712Domain(anvil.chainId(), market.address());
        readingDomain = new Eip712Domain(anvil.chainId(), registry.address());
        settler = Credentials.create(anvil.devPrivateKeys().get(3));
        market.grantOperator(Address.fromHex(settler.getAddress()));
        deployment.fund(operator, DEPOSIT);
    }

    private byte[] keyBytes() {
        byte[] k = new byte[32];
        random.nextBytes(k);
        k[0] = (byte) ((k[0] & 0x7f) | 0x01); // below the group order, never zero
        return k;
    }

    /** A household with a registered meter in {@code zone} (when {@code registered}) and a deposit. */
    public Household enrol(String zone, boolean registered) throws Exception {
        byte[] k = keyBytes();
        Household h =
                new Household(Secp256k1Signer.fromPrivateKey(k), Secp256k1Signer.fromPrivateKey(keyBytes()), zone);
        h.credentials = Credentials.create(Numeric.toHexString(k));
        if (registered) {
            deployment.register(h.meter.address(), h.account.address(), ZoneIds.of(zone));
        }
        new Request<>("anvil_setBalance", List.of(h.hex(), "0x56BC75E2D63100000"), http, RawResponse.class).send();
        deployment.fund(h.credentials, DEPOSIT);
        return h;
    }

    /** Enrols {@code n} registered households in {@code zone}. */
    public List<Household> enrol(String zone, int n) throws Exception {
        List<Household> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(enrol(zone, true));
        }
        return out;
    }

    /** The household's signed order for the interval (expiry = interval start). */
    public Signed<Order> order(Household h, long intervalStartMs, int side, long energy, long limit, long nonce) {
        return h.account.sign(
                domain,
                new Order(
                        h.account.address(),
                        ZoneIds.of(h.zone),
                        intervalStartMs,
                        side,
                        energy,
                        limit,
                        nonce,
                        intervalStartMs));
    }

    /**
     * The meter's readings of the interval (five, 1 s apart from its start; the registers move on by the
     * amounts, the last reading carries the totals; before the meter's first interval one more reading a
     * second before its start) and the statement an honest agent builds from them: start registers = the
     * meter's previous reading.
     */
    public Metered metered(Household h, long intervalStartMs, long intervalSeconds, long imported, long exported) {
        long importStart = h.importRegister;
        long exportStart = h.exportRegister;
        List<Signed<MeterReading>> readings = new ArrayList<>();
        if (h.prev.equals(Bytes32.ZERO)) {
            // the meter's first reading, a second before its first interval: the start registers
            MeterReading first = new MeterReading(
                    h.meter.address(), h.seq, intervalStartMs - 1000, importStart, exportStart, 0, 0, h.prev);
            readings.add(h.meter.sign(readingDomain, first));
            h.prev = Eip712.digest(readingDomain, first);
            h.seq++;
        }
        long firstSeq = h.seq;
        List<Bytes32> leaves = new ArrayList<>();
        for (int k = 1; k <= 5; k++) {
            MeterReading r = new MeterReading(
                    h.meter.address(),
                    h.seq,
                    intervalStartMs + 1000L * k,
                    importStart + imported * k / 5,
                    exportStart + exported * k / 5,
                    0,
                    0,
                    h.prev);
            Bytes32 digest = Eip712.digest(readingDomain, r);
            readings.add(h.meter.sign(readingDomain, r));
            leaves.add(digest);
            h.prev = digest;
            h.seq++;
        }
        h.importRegister += imported;
        h.exportRegister += exported;
        IntervalStatement s = new IntervalStatement(
                h.meter.address(),
                intervalStartMs,
                intervalSeconds,
                importStart,
                h.importRegister,
                exportStart,
                h.exportRegister,
                firstSeq,
                h.seq - 1,
                ReadingsRoot.of(leaves));
        return new Metered(readings, h.meter.sign(domain, s));
    }

    public BigInteger balance(Household h) throws Exception {
        return market.balanceOf(h.account.address());
    }

    public BigInteger gridBalance() throws Exception {
        return market.balanceOf(Address.fromHex(operator.getAddress()));
    }

    /** Any JSON result. */
    public static final class RawResponse extends Response<Object> {}

    @Override
    public void close() {
        web3j.shutdown();
    }
}
