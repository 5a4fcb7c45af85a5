package org.gridshare.cli.demo;

import java.math.BigInteger;
import java.time.Duration;
import java.util.List;
import org.gridshare.agent.market.MarketSchedule;
import org.gridshare.agent.market.TradingLimits;
import org.gridshare.backend.market.MarketSettings;
import org.gridshare.contracts.ChainCallException;
import org.gridshare.contracts.MarketDeployment;
import org.gridshare.contracts.RegistryClient;
import org.gridshare.contracts.SettlementPolicy;
import org.gridshare.protocol.Address;
import org.web3j.crypto.Credentials;
import org.web3j.protocol.Web3j;

/**
 * The demo's choices for its market on anvil (tariffs, deposits, token name, schedule, trading limits),
 * deployed through {@link MarketDeployment}: a settlement token and the {@code EnergyMarket} deployed by the
 * grid operator, tariffs published, the grid and every household funded with a deposit. Prices are token
 * base units (6 decimals) per kWh.
 */
public final class DemoMarket {
    /** 0.08 per kWh: what the grid pays for energy fed in. */
    public static final long FEED_IN = 80_000;
    /** 0.30 per kWh: what the grid charges for energy it supplies. */
    public static final long RETAIL = 300_000;
    /** 0.02 per locally traded kWh, paid by the buyer to the operator. */
    public static final long GRID_FEE = 20_000;
    /** What each household and the grid deposit: 50 tokens. */
    public static final BigInteger DEPOSIT = BigInteger.valueOf(50_000_000);

    private final MarketDeployment deployment;

    private DemoMarket(MarketDeployment deployment) {
        this.deployment = deployment;
    }

    /** Deploys token and market as {@code operator} (the grid account), publishes tariffs, funds everyone. */
    public static DemoMarket deploy(
            Web3j web3j, Credentials operator, RegistryClient registry, List<Credentials> households)
            throws ChainCallException {
        DemoMarket m = new DemoMarket(MarketDeployment.deployOn(
                web3j,
                operator,
                registry,
                "gridshare euro",
                "gEUR",
                new MarketDeployment.Tariffs(FEED_IN, RETAIL, GRID_FEE)));
        // the grid pays feed-in for energy a buyer bought but did not take: it needs a deposit too
        m.deployment.fund(operator, DEPOSIT);
        for (Credentials h : households) {
            m.deployment.fund(h, DEPOSIT);
        }
        return m;
    }

    public Address address() {
        return deployment.addresses().market();
    }

    /** Where registry, token and market live. */
    public MarketDeployment.Addresses addresses() {
        return deployment.addresses();
    }

    /** {@code baseUnits} of the 6-decimal token as text, e.g. {@code 0.08}. */
    public static String tokens(long baseUnits) {
        return MarketReport.tokens(BigInteger.valueOf(baseUnits));
    }

    /** {@code baseUnits} of the 6-decimal token as text. */
    public static String tokens(BigInteger baseUnits) {
        return MarketReport.tokens(baseUnits);
    }

    public BigInteger balanceOf(Address account) throws ChainCallException {
        return deployment.market().balanceOf(account);
    }

    public BigInteger deposit(Address account) {
        return deployment.funded(account);
    }

    /** Gate closure: a fifth of the interval, at least 3 s (the agents must get their orders in). */
    public static long gateClosureSeconds(Duration interval) {
        return Math.max(3, interval.toSeconds() / 5);
    }

    /** How long after an interval the backend waits for statements: a quarter interval, at least 5 s. */
    public static Duration statementGrace(Duration interval) {
        return Duration.ofSeconds(Math.max(5, interval.toSeconds() / 4));
    }

    public static MarketSchedule schedule(Duration interval) {
        return new MarketSchedule(interval.toSeconds(), gateClosureSeconds(interval));
    }

    /** The backend's market settings: anvil mines on demand, so one confirmation. */
    public MarketSettings backendSettings(Credentials operator, Duration interval) {
        return MarketSettings.of(address(), operator)
                .withInterval(interval)
                .withGateClosure(Duration.ofSeconds(gateClosureSeconds(interval)))
                .withStatementGrace(statementGrace(interval))
                .withSettlementPolicy(SettlementPolicy.devChain());
    }

    /** Sellers ask at least 0.10, buyers pay at most 0.25 per kWh, 5 tokens a day, nothing kept back. */
    public static TradingLimits limits() {
        return new TradingLimits(100_000, 250_000, 5_000_000, 0, FEED_IN, RETAIL);
    }
}
