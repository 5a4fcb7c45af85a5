package org.gridshare.contracts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.gridshare.protocol.Address;
import org.gridshare.protocol.Bytes32;
import org.gridshare.testsupport.Await;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.web3j.crypto.Credentials;
import org.web3j.crypto.Hash;
import org.web3j.utils.Numeric;

/** {@link RegistryClient} against the real MeterRegistry on anvil. */
class RegistryClientIT {
    static LocalChain chain;
    static Credentials operator;
    static Credentials installer;
    static Credentials stranger;
    static final String INSTALLER_ROLE =
            Numeric.toHexString(Hash.sha3("INSTALLER_ROLE".getBytes(StandardCharsets.US_ASCII)));

    final Random rnd = new Random(20_261_125);
    RegistryClient asOperator;
    RegistryClient asInstaller;
    RegistryClient asStranger;
    Address meter;
    Address household;
    Bytes32 zone;

    @BeforeAll
    static void startChain() throws Exception {
        chain = LocalChain.start();
        operator = chain.account(0);
        installer = chain.account(1);
        stranger = chain.account(2);
    }

    @AfterAll
    static void stopChain() {
        if (chain != null) {
            chain.close();
        }
    }

    @BeforeEach
    void deployFreshRegistry() throws Exception {
        asOperator = RegistryClient.deploy(chain.web3j, operator);
        asInstaller = RegistryClient.load(chain.web3j, installer, asOperator.address());
        asStranger = RegistryClient.load(chain.web3j, stranger, asOperator.address());
        asOperator.grantInstaller(address(installer));
        meter = randomAddress();
        household = randomAddress();
        zone = new Bytes32(Hash.sha3("zone-nl-3511".getBytes(StandardCharsets.US_ASCII)));
    }

    @Test
    void installer_registers_a_meter_and_the_record_reads_back() throws Exception {
        assertTrue(asOperator.isInstaller(address(installer)));
        asInstaller.registerMeter(meter, household, zone);

        MeterRecord record = asStranger.meter(meter).orElseThrow();
        assertEquals(meter, record.meter());
        assertEquals(household, record.household());
        assertEquals(zone, record.zone());
        assertTrue(record.active());
        assertEquals(Optional.empty(), record.revokedAt());
        assertTrue(record.registeredAt().getEpochSecond() > 1_600_000_000L, "block time " + record.registeredAt());
        assertTrue(asStranger.isActive(meter));
    }

    @Test
    void unknown_meter_has_no_record_and_is_inactive() throws Exception {
        assertEquals(Optional.empty(), asOperator.meter(meter));
        assertFalse(asOperator.isActive(meter));
    }

    @Test
    void rejects_registration_by_an_account_without_the_installer_role() throws Exception {
        ContractRevertException e =
                assertThrows(ContractRevertException.class, () -> asStranger.registerMeter(meter, household, zone));
        assertEquals("AccessControlUnauthorizedAccount", e.errorName(), e.getMessage());
        assertEquals(List.of(address(stranger).toHex(), INSTALLER_ROLE), e.arguments());
        assertEquals("registerMeter", e.function());
        assertEquals(asOperator.address().toHex(), e.contract());
        assertFalse(asOperator.isActive(meter));
    }

    @Test
    void rejects_double_registration() throws Exception {
        asInstaller.registerMeter(meter, household, zone);
        ContractRevertException e = assertThrows(
                ContractRevertException.class, () -> asInstaller.registerMeter(meter, randomAddress(), zone));
        assertEquals("MeterAlreadyRegistered", e.errorName(), e.getMessage());
        assertEquals(List.of(meter.toHex()), e.arguments());
        assertEquals(household, asOperator.meter(meter).orElseThrow().household());
    }

    @Test
    void revoked_meter_is_inactive_and_cannot_be_registered_again() throws Exception {
        asInstaller.registerMeter(meter, household, zone);
        asInstaller.revokeMeter(meter);

        assertFalse(asOperator.isActive(meter));
        MeterRecord record = asOperator.meter(meter).orElseThrow();
        assertFalse(record.active());
        assertTrue(record.revokedAt().isPresent());
        assertFalse(record.revokedAt().get().isBefore(record.registeredAt()));

        ContractRevertException again =
                assertThrows(ContractRevertException.class, () -> asInstaller.registerMeter(meter, household, zone));
        assertEquals("MeterKeyRevoked", again.errorName(), again.getMessage());
        assertEquals(List.of(meter.toHex()), again.arguments());
    }

    @Test
    void operator_revokes_a_meter_and_a_stranger_cannot() throws Exception {
        asInstaller.registerMeter(meter, household, zone);
        ContractRevertException e = assertThrows(ContractRevertException.class, () -> asStranger.revokeMeter(meter));
        assertEquals("NotInstallerOrOperator", e.errorName(), e.getMessage());
        assertTrue(asOperator.isActive(meter));

        asOperator.revokeMeter(meter);
        assertFalse(asOperator.isActive(meter));
    }

    @Test
    void revoked_installer_can_no_longer_register() throws Exception {
        asOperator.revokeInstaller(address(installer));
        assertFalse(asOperator.isInstaller(address(installer)));
        ContractRevertException e =
                assertThrows(ContractRevertException.class, () -> asInstaller.registerMeter(meter, household, zone));
        assertEquals("AccessControlUnauthorizedAccount", e.errorName(), e.getMessage());
    }

    @Test
    void installer_cannot_grant_the_installer_role() throws Exception {
        ContractRevertException e =
                assertThrows(ContractRevertException.class, () -> asInstaller.grantInstaller(address(stranger)));
        assertEquals("AccessControlUnauthorizedAccount", e.errorName(), e.getMessage());
        assertEquals(
                Numeric.toHexString(Hash.sha3("OPERATOR_ROLE".getBytes(StandardCharsets.US_ASCII))),
                e.arguments().get(1));
    }

    @Test
    void rejects_zero_household_and_revocation_of_an_unknown_meter() throws Exception {
        ContractRevertException zero = assertThrows(
                ContractRevertException.class, () -> asInstaller.registerMeter(meter, new Address(new byte[20]), zone));
        assertEquals("ZeroHouseholdAddress", zero.errorName(), zero.getMessage());
        ContractRevertException unknown =
                assertThrows(ContractRevertException.class, () -> asInstaller.revokeMeter(meter));
        assertEquals("MeterNotRegistered", unknown.errorName(), unknown.getMessage());
    }

    @Test
    void transaction_that_fails_once_mined_reports_the_decoded_reason() throws Exception {
        // both registrations pass the eth_call simulation while neither is mined; the block then holds
        // both, the second reverts on-chain and the client replays it to name the error
        chain.anvilRpc("evm_setAutomine", false);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            Address other = randomAddress();
            Future<?> first = pool.submit(() -> asInstaller.registerMeter(meter, household, zone));
            Future<?> second = pool.submit(() -> asInstaller.registerMeter(meter, other, zone));
            Await.untilChecked(
                    "both transactions reach the pool", Duration.ofSeconds(20), () -> pendingTransactions() >= 2);
            chain.anvilRpc("evm_mine");
            List<Throwable> failures = new ArrayList<>();
            for (Future<?> f : List.of(first, second)) {
                try {
                    f.get(20, TimeUnit.SECONDS);
                } catch (ExecutionException e) {
                    failures.add(e.getCause());
                }
            }
            assertEquals(1, failures.size(), "exactly one registration fails: " + failures);
            ContractRevertException e = assertInstanceOf(ContractRevertException.class, failures.get(0));
            assertEquals("MeterAlreadyRegistered", e.errorName(), e.getMessage());
            assertTrue(asOperator.isActive(meter));
        } finally {
            pool.shutdownNow();
            chain.anvilRpc("evm_setAutomine", true);
        }
    }

    private int pendingTransactions() throws Exception {
        Object status = chain.anvilRpc("txpool_status");
        String pending = String.valueOf(((java.util.Map<?, ?>) status).get("pending"));
        return Integer.decode(pending);
    }

    private Address randomAddress() {
        byte[] b = new byte[20];
        rnd.nextBytes(b);
        return new Address(b);
    }

    private static Address address(Credentials c) {
        return Address.fromHex(c.getAddress());
    }
}
