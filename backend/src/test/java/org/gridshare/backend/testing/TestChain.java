package org.gridshare.backend.testing;

import org.gridshare.contracts.RegistryClient;
import org.gridshare.parts.AnvilNode;
import org.gridshare.protocol.Address;
import org.gridshare.protocol.ZoneIds;
import org.web3j.crypto.Credentials;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.http.HttpService;

/**
 * A MeterRegistry deployed on anvil: dev account 0 is the operator, account 1 the installer, account
 * 2 the household all test meters belong to.
 */
public final class TestChain implements AutoCloseable {
    private final Web3j web3j;
    private final RegistryClient operator;
    private final RegistryClient installer;
    private final Address household;

    private TestChain(Web3j web3j, RegistryClient operator, RegistryClient installer, Address household) {
        this.web3j = web3j;
        this.operator = operator;
        this.installer = installer;
        this.household = household;
    }

    public static TestChain deploy(AnvilNode anvil) throws Exception {
        Web3j web3j = Web3j.build(new HttpService(anvil.rpcUrl()));
        Credentials operatorKey = Credentials.create(anvil.devPrivateKeys().get(0));
        Credentials installerKey = Credentials.create(anvil.devPrivateKeys().get(1));
        Address household = Address.fromHex(
                Credentials.create(anvil.devPrivateKeys().get(2)).getAddress());
        RegistryClient operator = RegistryClient.deploy(web3j, operatorKey);
        operator.grantInstaller(Address.fromHex(installerKey.getAddress()));
        RegistryClient installer = RegistryClient.load(web3j, installerKey, operator.address());
        return new TestChain(web3j, operator, installer, household);
    }

    public Address registryAddress() {
        return operator.address();
    }

    /** Registers the meter to the test household in the zone named as in MQTT topics. */
    public synchronized void register(Address meter, String zone) throws Exception {
        installer.registerMeter(meter, household, ZoneIds.of(zone));
    }

    public synchronized void revoke(Address meter) throws Exception {
        installer.revokeMeter(meter);
    }

    @Override
    public void close() {
        web3j.shutdown();
    }
}
