package org.gridshare.contracts;

import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import org.gridshare.contracts.generated.EnergyMarket;
import org.gridshare.protocol.Address;
import org.gridshare.protocol.Bytes32;
import org.gridshare.protocol.IntervalStatement;
import org.gridshare.protocol.Order;
import org.gridshare.protocol.Signature;
import org.web3j.abi.TypeEncoder;
import org.web3j.abi.datatypes.generated.Uint64;
import org.web3j.crypto.Credentials;
import org.web3j.crypto.Hash;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.core.RemoteFunctionCall;
import org.web3j.protocol.core.methods.response.TransactionReceipt;
import org.web3j.tx.TransactionManager;
import org.web3j.tx.gas.ContractGasProvider;
import org.web3j.tx.gas.DefaultGasProvider;
import org.web3j.tx.gas.StaticGasProvider;
import org.web3j.utils.Numeric;

/**
 * The on-chain energy market: households deposit and withdraw the settlement token, the operator
 * publishes tariffs and submits one {@link SettlementBatch} per (interval, zone). Every revert comes
 * back as a {@link ContractRevertException} naming the Solidity error ({@code BatchAlreadySettled},
 * {@code OrderSignerMismatch}, {@code MeterNotActive}, {@code InsufficientBalance}, ...); a batch that
 * would revert is never sent (it is simulated first).
 *
 * <p>Transactions carry a gas limit of {@value #TX_GAS_CAP} (the per-transaction cap of current
 * Ethereum rules), so a batch too large for one transaction fails in simulation. Clients of the same
 * key share one nonce-caching transaction manager (see {@link RegistryClient}).
 */
public final class MarketClient {
    static final String CONTRACT = "EnergyMarket";
    /** 2^24: the per-transaction gas cap (EIP-7825). */
    public static final long TX_GAS_CAP = 16_777_216L;

    private static final RevertDecoder DECODER = RevertDecoder.forContract(CONTRACT);
    /** Bytes per packed participant, as EnergyMarket.RECORD. */
    static final int RECORD = 291;

    private static final Comparator<byte[]> UNSIGNED = Arrays::compareUnsigned;

    private final EnergyMarket market;
    private final Address address;
    private final ContractTransactor tx;
    private final TokenClient token;

    private MarketClient(EnergyMarket market, Web3j web3j, Credentials credentials, ContractGasProvider gas)
            throws ChainCallException {
        this.market = market;
        this.address = Address.fromHex(market.getContractAddress());
        this.tx = new ContractTransactor(web3j, credentials, address.toHex(), DECODER);
        this.token = TokenClient.load(web3j, credentials, Address.fromHex(tx.call("token", market.token())), gas);
    }

    /** The gas policy of every market client: legacy price as web3j's default, limit {@link #TX_GAS_CAP}. */
    public static ContractGasProvider gasProvider() {
        return new StaticGasProvider(DefaultGasProvider.GAS_PRICE, BigInteger.valueOf(TX_GAS_CAP));
    }

    /**
     * Deploys a market settling in {@code token} with meters from {@code registry}; {@code credentials}
     * becomes its admin, operator and grid account (receives fees and residuals, pays feed-in).
     */
    public static MarketClient deploy(Web3j web3j, Credentials credentials, Address token, Address registry)
            throws ChainCallException {
        TransactionManager tm = ContractTransactor.transactionManager(web3j, credentials, "deploy " + CONTRACT);
        EnergyMarket deployed;
        try {
            deployed = EnergyMarket.deploy(
                            web3j, tm, gasProvider(), token.toHex(), registry.toHex(), credentials.getAddress())
                    .send();
        } catch (Exception e) {
            throw new ChainCallException("(deploy)", "deploy " + CONTRACT, String.valueOf(e.getMessage()), e);
        }
        return new MarketClient(deployed, web3j, credentials, gasProvider());
    }

    /** A client for the market at {@code market}, sending as {@code credentials}. */
    public static MarketClient load(Web3j web3j, Credentials credentials, Address market) throws ChainCallException {
        Objects.requireNonNull(market, "market");
        TransactionManager tm = ContractTransactor.transactionManager(web3j, credentials, "load " + CONTRACT);
        return new MarketClient(
                EnergyMarket.load(market.toHex(), web3j, tm, gasProvider()), web3j, credentials, gasProvider());
    }

    /** The market's address: the EIP-712 verifying contract of every order and statement it settles. */
    public Address address() {
        return address;
    }

    /** The settlement token, as this client's account. */
    public TokenClient token() {
        return token;
    }

    /** Operator only: publishes feed-in and retail tariffs and the grid fee, base units per kWh. */
    public TransactionReceipt setTariffs(long feedIn, long retail, long gridFee) throws ChainCallException {
        return tx.send("setTariffs", market.setTariffs(unsigned(feedIn), unsigned(retail), unsigned(gridFee)));
    }

    /**
     * Admin only: lets {@code account} submit batches too (a second settlement process, a key rotation).
     * Each batch still settles once.
     */
    public TransactionReceipt grantOperator(Address account) throws ChainCallException {
        byte[] role = Hash.sha3("OPERATOR_ROLE".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        return tx.send("grantRole", market.grantRole(role, account.toHex()));
    }

    /** Approves and deposits {@code amount} token base units into the sender's market balance (two transactions). */
    public TransactionReceipt deposit(BigInteger amount) throws ChainCallException {
        token.approve(address, amount);
        return tx.send("deposit", market.deposit(amount));
    }

    /** Pull payment: moves {@code amount} of the sender's market balance to its token account. */
    public TransactionReceipt withdraw(BigInteger amount) throws ChainCallException {
        return tx.send("withdraw", market.withdraw(amount));
    }

    /** The market balance of {@code account}, token base units. */
    public BigInteger balanceOf(Address account) throws ChainCallException {
        return tx.call("balanceOf", market.balanceOf(account.toHex()));
    }

    /** True once the batch of (zone, interval) is settled. */
    public boolean isSettled(Bytes32 zone, long intervalStartMs) throws ChainCallException {
        return tx.call("settled", market.settled(batchId(zone, intervalStartMs).bytes()));
    }

    /** {@code keccak256(abi.encode(zone, uint64 intervalStartMs))}, as the contract computes it. */
    public static Bytes32 batchId(Bytes32 zone, long intervalStartMs) {
        String encoded =
                Numeric.toHexStringNoPrefix(zone.bytes()) + TypeEncoder.encode(new Uint64(unsigned(intervalStartMs)));
        return new Bytes32(Hash.sha3(Numeric.hexStringToByteArray(encoded)));
    }

    /**
     * Operator only: settles {@code batch} in one transaction. Participants are sent sorted by
     * account, as the contract requires; all-or-nothing.
     */
    public TransactionReceipt submitBatch(SettlementBatch batch) throws ChainCallException {
        return tx.send("submitBatch", submitBatchCall(batch));
    }

    private RemoteFunctionCall<TransactionReceipt> submitBatchCall(SettlementBatch batch) {
        EnergyMarket.Batch header = new EnergyMarket.Batch(
                batch.zone().bytes(),
                unsigned(batch.intervalStartMs()),
                BigInteger.valueOf(batch.intervalSeconds()),
                unsigned(batch.clearingPricePerKWh()));
        return market.submitBatch(header, pack(batch.participants()));
    }

    /** The ABI-encoded call data of {@link #submitBatch}, hex with 0x, for size accounting. */
    public String submitBatchCallData(SettlementBatch batch) {
        return submitBatchCall(batch).encodeFunctionCall();
    }

    /**
     * The contract's packed participant records ({@value #RECORD} bytes each, layout in
     * EnergyMarket.sol), sorted by account as the contract requires.
     */
    static byte[] pack(List<SettlementBatch.Participant> participants) {
        List<SettlementBatch.Participant> sorted = new ArrayList<>(participants);
        sorted.sort(Comparator.comparing(p -> p.order().message().account().bytes(), UNSIGNED));
        ByteBuffer out = ByteBuffer.allocate(RECORD * sorted.size()); // big-endian
        for (SettlementBatch.Participant p : sorted) {
            Order o = p.order().message();
            IntervalStatement s = p.statement().message();
            out.put(o.account().bytes()).put(s.meter().bytes()).put((byte) o.side());
            out.putLong(o.energyMilliWh())
                    .putLong(o.limitPricePerKWh())
                    .putLong(o.nonce())
                    .putLong(o.expiryMs());
            out.putLong(p.fillMilliWh());
            out.putLong(s.importStart())
                    .putLong(s.importEnd())
                    .putLong(s.exportStart())
                    .putLong(s.exportEnd());
            out.putLong(s.firstSeq()).putLong(s.lastSeq()).put(s.readingsRoot().bytes());
            put(out, p.order().signature());
            put(out, p.statement().signature());
        }
        return out.array();
    }

    private static void put(ByteBuffer out, Signature sig) {
        out.put(sig.r()).put(sig.s()).put((byte) sig.v());
    }

    /** uint64 fields travel as Java longs read unsigned (as in protocol). */
    private static BigInteger unsigned(long value) {
        return new BigInteger(Long.toUnsignedString(value));
    }
}
