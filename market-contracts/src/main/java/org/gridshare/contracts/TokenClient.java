package org.gridshare.contracts;

import java.math.BigInteger;
import java.util.Objects;
import org.gridshare.contracts.generated.SettlementToken;
import org.gridshare.protocol.Address;
import org.web3j.crypto.Credentials;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.core.methods.response.TransactionReceipt;
import org.web3j.tx.TransactionManager;
import org.web3j.tx.gas.ContractGasProvider;
import org.web3j.tx.gas.DefaultGasProvider;

/**
 * The settlement token (ERC-20, 6 decimals) as tests and the demo use it: deploy, mint (deployer
 * only), approve and read balances.
 */
public final class TokenClient {
    static final String CONTRACT = "SettlementToken";
    private static final RevertDecoder DECODER = RevertDecoder.forContract(CONTRACT);

    private final SettlementToken token;
    private final Address address;
    private final ContractTransactor tx;

    private TokenClient(SettlementToken token, Web3j web3j, Credentials credentials) {
        this.token = token;
        this.address = Address.fromHex(token.getContractAddress());
        this.tx = new ContractTransactor(web3j, credentials, address.toHex(), DECODER);
    }

    /** Deploys a new token; {@code credentials} may mint. */
    public static TokenClient deploy(Web3j web3j, Credentials credentials, String name, String symbol)
            throws ChainCallException {
        TransactionManager tm = ContractTransactor.transactionManager(web3j, credentials, "deploy " + CONTRACT);
        try {
            return new TokenClient(
                    SettlementToken.deploy(web3j, tm, new DefaultGasProvider(), name, symbol)
                            .send(),
                    web3j,
                    credentials);
        } catch (Exception e) {
            throw new ChainCallException("(deploy)", "deploy " + CONTRACT, String.valueOf(e.getMessage()), e);
        }
    }

    /** A client for the token at {@code token}, sending as {@code credentials}. */
    public static TokenClient load(Web3j web3j, Credentials credentials, Address token, ContractGasProvider gas)
            throws ChainCallException {
        Objects.requireNonNull(token, "token");
        TransactionManager tm = ContractTransactor.transactionManager(web3j, credentials, "load " + CONTRACT);
        return new TokenClient(SettlementToken.load(token.toHex(), web3j, tm, gas), web3j, credentials);
    }

    public Address address() {
        return address;
    }

    /** Minter only: creates {@code amount} base units for {@code to}. */
    public TransactionReceipt mint(Address to, BigInteger amount) throws ChainCallException {
        return tx.send("mint", token.mint(to.toHex(), amount));
    }

    /** Lets {@code spender} take up to {@code amount} base units from the sender. */
    public TransactionReceipt approve(Address spender, BigInteger amount) throws ChainCallException {
        return tx.send("approve", token.approve(spender.toHex(), amount));
    }

    /** Token base units held by {@code account} (outside the market). */
    public BigInteger balanceOf(Address account) throws ChainCallException {
        return tx.call("balanceOf", token.balanceOf(account.toHex()));
    }

    /** All base units in existence. */
    public BigInteger totalSupply() throws ChainCallException {
        return tx.call("totalSupply", token.totalSupply());
    }
}
