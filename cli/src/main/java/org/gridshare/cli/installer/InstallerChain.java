package org.gridshare.cli.installer;

import java.util.List;
import java.util.Optional;
import org.gridshare.contracts.ChainCallException;
import org.gridshare.protocol.Address;
import org.gridshare.protocol.Bytes32;
import org.gridshare.protocol.Signature;

/**
 * What the installer commands need of the MeterRegistry v2 (spec10), as the installer's account sends it.
 * {@link RegistryChain} is the one implementation, over {@code RegistryClient} on a JSON-RPC node; the commands
 * take this interface so that they stay free of web3j types.
 */
public interface InstallerChain extends AutoCloseable {
    /** A revocation reason of the registry. */
    int REPLACED = 1;

    int DECOMMISSIONED = 2;

    /** One meter's binding as the registry holds it, with its genesis. */
    record BindingState(
            Address meter,
            Address household,
            Bytes32 zone,
            long zoneId,
            long validFromMs,
            long validUntilMs,
            Address installer,
            int revokeReason,
            long genesisSeq,
            long genesisImportMilliWh,
            long genesisExportMilliWh) {
        /** {@code validUntilMs} of a binding that is not revoked ({@code type(uint64).max}). */
        public static final long OPEN_END = -1L;

        public boolean active() {
            return revokeReason == 0;
        }
    }

    /** The chain's id (the EIP-712 domains are on it). */
    long chainId() throws ChainCallException;

    /** The registry's address. */
    Address registry();

    /** The account that sends. */
    Address sender();

    /** The chain's latest block time in ms (the registry's "now"). */
    long blockTimeMs() throws ChainCallException;

    /** {@code registerMeter}; returns the transaction hash. */
    String register(Binding b, Signature meterSig, Signature householdSig) throws ChainCallException;

    /** {@code replaceMeter}; returns the transaction hash. */
    String replace(Address oldMeter, long oldValidUntilMs, Binding b, Signature meterSig, Signature householdSig)
            throws ChainCallException;

    /** {@code revokeMeter}; returns the transaction hash. */
    String revoke(Address meter, int reason, long effectiveMs) throws ChainCallException;

    /** The binding of {@code meter}, empty when it was never registered. */
    Optional<BindingState> binding(Address meter) throws ChainCallException;

    /** Every meter ever bound to {@code household}, in order of registration. */
    List<Address> metersOf(Address household) throws ChainCallException;

    /** The registry's own digest of {@code b} (cross-check of the Java digest). */
    Bytes32 hashMeterBinding(Binding b) throws ChainCallException;

    @Override
    void close();
}
