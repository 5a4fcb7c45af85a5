package org.gridshare.contracts;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import org.gridshare.contracts.generated.GridshareTypedData;
import org.gridshare.protocol.Address;
import org.gridshare.protocol.Bytes32;
import org.gridshare.protocol.Eip712Domain;
import org.gridshare.protocol.IntervalStatement;
import org.gridshare.protocol.MeterReading;
import org.gridshare.protocol.Order;
import org.gridshare.protocol.Signed;
import org.web3j.crypto.Credentials;
import org.web3j.protocol.Web3j;
import org.web3j.tuples.generated.Tuple7;
import org.web3j.tx.TransactionManager;
import org.web3j.tx.gas.ContractGasProvider;
import org.web3j.tx.gas.DefaultGasProvider;

/**
 * The contract's own EIP-712 digests and signer recovery ({@code GridshareTypedData}), for checking
 * off-chain digests against the chain. The batch methods evaluate a whole list in one {@code
 * eth_call}; keep a batch to a few hundred messages so it stays under the node's call gas cap.
 */
public final class TypedDataClient {
    static final String CONTRACT = "GridshareTypedData";
    private static final RevertDecoder DECODER = RevertDecoder.forContract(CONTRACT);

    private final GridshareTypedData contract;
    private final ContractTransactor tx;

    private TypedDataClient(GridshareTypedData contract, Web3j web3j, Credentials credentials) {
        this.contract = contract;
        this.tx = new ContractTransactor(web3j, credentials, contract.getContractAddress(), DECODER);
    }

    /** Deploys a {@code GridshareTypedData} contract. */
    public static TypedDataClient deploy(Web3j web3j, Credentials credentials) throws ChainCallException {
        ContractGasProvider gas = new DefaultGasProvider();
        TransactionManager tm = ContractTransactor.transactionManager(web3j, credentials, "deploy " + CONTRACT);
        try {
            return new TypedDataClient(GridshareTypedData.deploy(web3j, tm, gas).send(), web3j, credentials);
        } catch (Exception e) {
            throw new ChainCallException("(deploy)", "deploy " + CONTRACT, String.valueOf(e.getMessage()), e);
        }
    }

    /** The contract's address: the verifying contract of its domain. */
    public Address address() {
        return Address.fromHex(contract.getContractAddress());
    }

    /** The EIP-712 domain as the contract reports it (ERC-5267 {@code eip712Domain()}). */
    public Eip712Domain domain() throws ChainCallException {
        Tuple7<byte[], String, String, BigInteger, String, byte[], List<BigInteger>> d =
                tx.call("eip712Domain", contract.eip712Domain());
        if (!Eip712Domain.NAME.equals(d.component2()) || !Eip712Domain.VERSION.equals(d.component3())) {
            throw new ChainCallException(
                    contract.getContractAddress(),
                    "eip712Domain",
                    "domain is " + d.component2() + "/" + d.component3() + ", expected " + Eip712Domain.NAME + "/"
                            + Eip712Domain.VERSION,
                    null);
        }
        return new Eip712Domain(d.component4().longValueExact(), Address.fromHex(d.component5()));
    }

    /** The contract's domain separator. */
    public Bytes32 domainSeparator() throws ChainCallException {
        return new Bytes32(tx.call("domainSeparator", contract.domainSeparator()));
    }

    public Bytes32 digest(MeterReading r) throws ChainCallException {
        return new Bytes32(tx.call("hashMeterReading", contract.hashMeterReading(toStruct(r))));
    }

    public Bytes32 digest(IntervalStatement s) throws ChainCallException {
        return new Bytes32(tx.call("hashIntervalStatement", contract.hashIntervalStatement(toStruct(s))));
    }

    public Bytes32 digest(Order o) throws ChainCallException {
        return new Bytes32(tx.call("hashOrder", contract.hashOrder(toStruct(o))));
    }

    /** Digests of many readings in one call, in order. */
    public List<Bytes32> meterReadingDigests(List<MeterReading> readings) throws ChainCallException {
        return toDigests(tx.call(
                "hashMeterReadings",
                contract.hashMeterReadings(
                        readings.stream().map(TypedDataClient::toStruct).toList())));
    }

    /** Digests of many statements in one call, in order. */
    public List<Bytes32> intervalStatementDigests(List<IntervalStatement> statements) throws ChainCallException {
        return toDigests(tx.call(
                "hashIntervalStatements",
                contract.hashIntervalStatements(
                        statements.stream().map(TypedDataClient::toStruct).toList())));
    }

    /** Digests of many orders in one call, in order. */
    public List<Bytes32> orderDigests(List<Order> orders) throws ChainCallException {
        return toDigests(tx.call(
                "hashOrders",
                contract.hashOrders(
                        orders.stream().map(TypedDataClient::toStruct).toList())));
    }

    /** The signer the contract recovers (OpenZeppelin ECDSA: high-s reverts with {@code ECDSAInvalidSignatureS}). */
    public Address recoverMeterReading(Signed<MeterReading> signed) throws ChainCallException {
        return Address.fromHex(tx.call(
                "recoverMeterReading",
                contract.recoverMeterReading(
                        toStruct(signed.message()), signed.signature().toBytes())));
    }

    public Address recoverIntervalStatement(Signed<IntervalStatement> signed) throws ChainCallException {
        return Address.fromHex(tx.call(
                "recoverIntervalStatement",
                contract.recoverIntervalStatement(
                        toStruct(signed.message()), signed.signature().toBytes())));
    }

    public Address recoverOrder(Signed<Order> signed) throws ChainCallException {
        return Address.fromHex(tx.call(
                "recoverOrder",
                contract.recoverOrder(
                        toStruct(signed.message()), signed.signature().toBytes())));
    }

    /** Recovers from raw signature bytes, which need not be canonical (to see what the contract rejects). */
    public Address recoverOrder(Order order, byte[] signature) throws ChainCallException {
        return Address.fromHex(tx.call("recoverOrder", contract.recoverOrder(toStruct(order), signature.clone())));
    }

    private static List<Bytes32> toDigests(List<?> raw) {
        List<Bytes32> out = new ArrayList<>(raw.size());
        for (Object o : raw) {
            out.add(new Bytes32((byte[]) o));
        }
        return out;
    }

    static GridshareTypedData.MeterReading toStruct(MeterReading r) {
        return new GridshareTypedData.MeterReading(
                r.meter().toHex(),
                u64(r.seq()),
                u64(r.timeMs()),
                u64(r.importMilliWh()),
                u64(r.exportMilliWh()),
                BigInteger.valueOf(r.powerMilliW()),
                BigInteger.valueOf(r.status()),
                r.prev().bytes());
    }

    static GridshareTypedData.IntervalStatement toStruct(IntervalStatement s) {
        return new GridshareTypedData.IntervalStatement(
                s.meter().toHex(),
                u64(s.intervalStartMs()),
                BigInteger.valueOf(s.intervalSeconds()),
                u64(s.importStart()),
                u64(s.importEnd()),
                u64(s.exportStart()),
                u64(s.exportEnd()),
                u64(s.firstSeq()),
                u64(s.lastSeq()),
                s.readingsRoot().bytes());
    }

    static GridshareTypedData.Order toStruct(Order o) {
        return new GridshareTypedData.Order(
                o.account().toHex(),
                o.zone().bytes(),
                u64(o.intervalStartMs()),
                BigInteger.valueOf(o.side()),
                u64(o.energyMilliWh()),
                u64(o.limitPricePerKWh()),
                u64(o.nonce()),
                u64(o.expiryMs()));
    }

    /** The protocol keeps uint64 in a long read as unsigned. */
    static BigInteger u64(long value) {
        return new BigInteger(Long.toUnsignedString(value));
    }
}
