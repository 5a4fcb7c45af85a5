package org.gridshare.contracts;

import java.math.BigInteger;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.gridshare.protocol.Address;
import org.gridshare.protocol.Bytes32;
import org.web3j.crypto.Credentials;
import org.web3j.protocol.Web3j;

/**
 * A market as an operator brings it up on a chain: the {@code MeterRegistry} (the operator its admin and an
 * installer), a settlement token and the {@code EnergyMarket} with its tariffs published; then meters registered
 * to households and zones, and accounts funded (token minted by the operator, deposited into the market by the
 * account itself). The one implementation for the demo and every test that needs a deployed market.
 */
public final class MarketDeployment {
    /** The tariffs the market publishes, in token base units per kWh. */
    public record Tariffs(long feedIn, long retail, long gridFee) {}

    /** Where the three contracts live. */
    public record Addresses(Address registry, Address token, Address market) {}

    private final Web3j web3j;
    private final Credentials operator;
    private final RegistryClient registry;
    private final TokenClient token;
    private final MarketClient market;
    private final Map<Address, BigInteger> funded = new LinkedHashMap<>();

    private MarketDeployment(
            Web3j web3j, Credentials operator, RegistryClient registry, TokenClient token, MarketClient market) {
        this.web3j = web3j;
        this.operator = operator;
        this.registry = registry;
        this.token = token;
        this.market = market;
    }

    /**
     * Deploys registry, token ({@code tokenName}, {@code tokenSymbol}) and market as {@code operator}, grants the
     * operator the installer role and publishes {@code tariffs}.
     */
    public static MarketDeployment deploy(
            Web3j web3j, Credentials operator, String tokenName, String tokenSymbol, Tariffs tariffs)
            throws ChainCallException {
        RegistryClient registry = RegistryClient.deploy(web3j, operator);
        registry.grantInstaller(Address.fromHex(operator.getAddress()));
        return deployOn(web3j, operator, registry, tokenName, tokenSymbol, tariffs);
    }

    /**
     * Deploys token and market as {@code operator} on an existing {@code registry} (whose installers are already
     * chosen) and publishes {@code tariffs}.
     */
    public static MarketDeployment deployOn(
            Web3j web3j,
            Credentials operator,
            RegistryClient registry,
            String tokenName,
            String tokenSymbol,
            Tariffs tariffs)
            throws ChainCallException {
        Objects.requireNonNull(tariffs, "tariffs");
        TokenClient token = TokenClient.deploy(web3j, operator, tokenName, tokenSymbol);
        MarketClient market = MarketClient.deploy(web3j, operator, token.address(), registry.address());
        market.setTariffs(tariffs.feedIn(), tariffs.retail(), tariffs.gridFee());
        return new MarketDeployment(web3j, operator, registry, token, market);
    }

    public Addresses addresses() {
        return new Addresses(registry.address(), token.address(), market.address());
    }

    /** Registers {@code meter} to {@code household} in {@code zone}, through the registry client deployed with. */
    public void register(Address meter, Address household, Bytes32 zone) throws ChainCallException {
        registry.registerMeter(meter, household, zone);
    }

    /**
     * Funds {@code account}: the operator mints {@code amount} to it and the account deposits it into the market
     * (the account needs gas for that transaction).
     */
    public void fund(Credentials account, BigInteger amount) throws ChainCallException {
        Address a = Address.fromHex(account.getAddress());
        token.mint(a, amount);
        MarketClient asAccount = account.getAddress().equalsIgnoreCase(operator.getAddress())
                ? market
                : MarketClient.load(web3j, account, market.address());
        asAccount.deposit(amount);
        funded.merge(a, amount, BigInteger::add);
    }

    /** What {@link #fund} has deposited for {@code account} so far (zero for an account never funded). */
    public BigInteger funded(Address account) {
        return funded.getOrDefault(account, BigInteger.ZERO);
    }

    /** The registry as the operator (admin and installer) sends to it. */
    public RegistryClient registry() {
        return registry;
    }

    /** The token as the operator (its minter) sends to it. */
    public TokenClient token() {
        return token;
    }

    /** The market as the operator sends to it. */
    public MarketClient market() {
        return market;
    }

    public Credentials operator() {
        return operator;
    }
}
