package org.gridshare.contracts;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import org.gridshare.contracts.generated.MeterRegistry;
import org.gridshare.protocol.Address;
import org.gridshare.protocol.Bytes32;
import org.web3j.crypto.Credentials;
import org.web3j.crypto.Hash;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.core.methods.response.TransactionReceipt;
import org.web3j.tuples.generated.Tuple5;
import org.web3j.tx.TransactionManager;
import org.web3j.tx.gas.ContractGasProvider;
import org.web3j.tx.gas.DefaultGasProvider;

/**
 * The on-chain meter registry as the operator and installers use it: who may register meters, which
 * meter key belongs to which household and zone, and which keys are revoked. Every revert comes back
 * as a {@link ContractRevertException} naming the Solidity error ({@code MeterAlreadyRegistered},
 * {@code MeterKeyRevoked}, {@code AccessControlUnauthorizedAccount}, ...).
 *
 * <p>All clients of one signing key on one {@link Web3j} share a transaction manager that caches the
 * account's nonce and hands nonces out in order, so clients and threads may share a key.
 */
public final class RegistryClient {
    static final String CONTRACT = "MeterRegistry";
    private static final RevertDecoder DECODER = RevertDecoder.forContract(CONTRACT);
    /** {@code keccak256("INSTALLER_ROLE")}, as the contract's constant. */
    private static final byte[] INSTALLER_ROLE = Hash.sha3("INSTALLER_ROLE".getBytes(StandardCharsets.US_ASCII));

    private final MeterRegistry registry;
    private final Address address;
    private final ContractTransactor tx;

    private RegistryClient(MeterRegistry registry, Web3j web3j, Credentials credentials) {
        this.registry = registry;
        this.address = Address.fromHex(registry.getContractAddress());
        this.tx = new ContractTransactor(web3j, credentials, address.toHex(), DECODER);
    }

    /** Deploys a new registry; {@code credentials} becomes its admin and operator. */
    public static RegistryClient deploy(Web3j web3j, Credentials credentials) throws ChainCallException {
        return deploy(web3j, credentials, new DefaultGasProvider());
    }

    /** Deploys with an explicit gas policy (chains with a zero gas price, EIP-1559 fees). */
    public static RegistryClient deploy(Web3j web3j, Credentials credentials, ContractGasProvider gas)
            throws ChainCallException {
        TransactionManager tm = ContractTransactor.transactionManager(web3j, credentials, "deploy " + CONTRACT);
        try {
            return new RegistryClient(MeterRegistry.deploy(web3j, tm, gas).send(), web3j, credentials);
        } catch (Exception e) {
            throw new ChainCallException("(deploy)", "deploy " + CONTRACT, String.valueOf(e.getMessage()), e);
        }
    }

    /** A client for the registry at {@code registry}, sending as {@code credentials}. */
    public static RegistryClient load(Web3j web3j, Credentials credentials, Address registry)
            throws ChainCallException {
        return load(web3j, credentials, registry, new DefaultGasProvider());
    }

    /** As {@link #load(Web3j, Credentials, Address)} with an explicit gas policy. */
    public static RegistryClient load(Web3j web3j, Credentials credentials, Address registry, ContractGasProvider gas)
            throws ChainCallException {
        Objects.requireNonNull(registry, "registry");
        TransactionManager tm = ContractTransactor.transactionManager(web3j, credentials, "load " + CONTRACT);
        return new RegistryClient(MeterRegistry.load(registry.toHex(), web3j, tm, gas), web3j, credentials);
    }

    /** The registry contract's address. */
    public Address address() {
        return address;
    }

    /** Operator only: lets {@code installer} register and revoke meters. */
    public TransactionReceipt grantInstaller(Address installer) throws ChainCallException {
        return tx.send("grantRole", registry.grantRole(installerRole(), installer.toHex()));
    }

    /** Operator only: withdraws the installer role. */
    public TransactionReceipt revokeInstaller(Address installer) throws ChainCallException {
        return tx.send("revokeRole", registry.revokeRole(installerRole(), installer.toHex()));
    }

    /** True when {@code account} holds the installer role. */
    public boolean isInstaller(Address account) throws ChainCallException {
        return tx.call("hasRole", registry.hasRole(installerRole(), account.toHex()));
    }

    /** Installer only: binds a new meter key to a household and zone. */
    public TransactionReceipt registerMeter(Address meter, Address household, Bytes32 zone) throws ChainCallException {
        return tx.send("registerMeter", registry.registerMeter(meter.toHex(), household.toHex(), zone.bytes()));
    }

    /** Installer or operator: revokes a meter key for good. */
    public TransactionReceipt revokeMeter(Address meter) throws ChainCallException {
        return tx.send("revokeMeter", registry.revokeMeter(meter.toHex()));
    }

    /** The registry entry of {@code meter}, active or revoked; empty when it was never registered. */
    public Optional<MeterRecord> meter(Address meter) throws ChainCallException {
        Tuple5<String, byte[], BigInteger, BigInteger, Boolean> t = tx.call("meterOf", registry.meterOf(meter.toHex()));
        Address household = Address.fromHex(t.component1());
        if (household.equals(new Address(new byte[Address.LENGTH]))) {
            return Optional.empty();
        }
        BigInteger revokedAt = t.component4();
        return Optional.of(new MeterRecord(
                meter,
                household,
                new Bytes32(t.component2()),
                Instant.ofEpochSecond(t.component3().longValueExact()),
                revokedAt.signum() == 0
                        ? Optional.empty()
                        : Optional.of(Instant.ofEpochSecond(revokedAt.longValueExact())),
                t.component5()));
    }

    /** True while {@code meter} is registered and not revoked. */
    public boolean isActive(Address meter) throws ChainCallException {
        return tx.call("isActive", registry.isActive(meter.toHex()));
    }

    private static byte[] installerRole() {
        return INSTALLER_ROLE.clone();
    }
}
