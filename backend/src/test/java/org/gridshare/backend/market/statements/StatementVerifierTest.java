package org.gridshare.backend.market.statements;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import java.util.Random;
import org.gridshare.backend.market.FakeMarketChain;
import org.gridshare.backend.market.MarketSettings;
import org.gridshare.protocol.Address;
import org.gridshare.protocol.Bytes32;
import org.gridshare.protocol.Eip712Domain;
import org.gridshare.protocol.IntervalStatement;
import org.gridshare.protocol.RejectReason;
import org.gridshare.protocol.Secp256k1Signer;
import org.gridshare.protocol.ZoneIds;
import org.gridshare.protocol.wire.JsonWire;
import org.gridshare.testsupport.TestClock;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.web3j.crypto.Credentials;

class StatementVerifierTest {
    private static final long START = 1_764_070_200_000L;
    private static final long END = START + 900_000;
    private static final Address MARKET = Address.fromHex("0x5fbdb2315678afecb367f032d93f642f64180aa3");
    private static final Eip712Domain DOMAIN = new Eip712Domain(31337, MARKET);

    private final Random random = new Random(17);
    private FakeMarketChain chain;
    private StatementVerifier verifier;
    private Secp256k1Signer meter;
    private Address household;

    @BeforeEach
    void setUp() {
        chain = new FakeMarketChain();
        verifier = new StatementVerifier(
                DOMAIN,
                MarketSettings.of(
                        MARKET,
                        Credentials.create("0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d")),
                chain,
                TestClock.at(END + 5));
        meter = key();
        household = key().address();
        chain.register(meter.address(), household, ZoneIds.of("zone-a"), true);
    }

    private Secp256k1Signer key() {
        byte[] k = new byte[32];
        random.nextBytes(k);
        k[0] = (byte) ((k[0] & 0x7f) | 0x01);
        return Secp256k1Signer.fromPrivateKey(k);
    }

    private static IntervalStatement statement(
            Address meter, long start, long seconds, long importStart, long importEnd) {
        return new IntervalStatement(meter, start, seconds, importStart, importEnd, 50, 70, 3, 9, Bytes32.ZERO);
    }

    private StatementVerdict verify(
            Secp256k1Signer signer, IntervalStatement s, String zone, String topicMeter, long arrival) {
        return verifier.verify(
                "gridshare/v1/" + zone + "/" + topicMeter + "/statements",
                JsonWire.encodeStatement(signer.sign(DOMAIN, s)),
                arrival);
    }

    private StatementVerdict verify(IntervalStatement s) {
        return verify(meter, s, "zone-a", meter.address().toHex(), END);
    }

    private static RejectReason reason(StatementVerdict v) {
        return assertInstanceOf(StatementVerdict.Rejected.class, v).reason();
    }

    @Test
    void accepts_a_statement_at_the_interval_end_with_its_household_and_energies() {
        VerifiedStatement s = assertInstanceOf(
                        StatementVerdict.Accepted.class, verify(statement(meter.address(), START, 900, 100, 350)))
                .statement();
        assertEquals(household.toHex(), s.account());
        assertEquals(250, s.importMilliWh());
        assertEquals(20, s.exportMilliWh());
        assertEquals(ZoneIds.of("zone-a").toHex(), s.zoneId());
        assertEquals(END + 5, s.verifiedAtMs());
    }

    @Test
    void rejects_forged_and_misplaced_statements() {
        IntervalStatement s = statement(meter.address(), START, 900, 100, 350);
        assertEquals(
                RejectReason.BAD_SIGNATURE,
                reason(verify(key(), s, "zone-a", meter.address().toHex(), END)));
        Secp256k1Signer other = key();
        chain.register(other.address(), household, ZoneIds.of("zone-a"), true);
        assertEquals(
                RejectReason.SIGNER_MISMATCH,
                reason(verify(meter, s, "zone-a", other.address().toHex(), END)));
        assertEquals(
                RejectReason.ZONE_MISMATCH,
                reason(verify(meter, s, "zone-b", meter.address().toHex(), END)));
    }

    @Test
    void rejects_wrong_interval_backward_ranges_and_early_statements() {
        assertEquals(
                RejectReason.STATEMENT_INTERVAL_MISMATCH, reason(verify(statement(meter.address(), START, 60, 1, 2))));
        assertEquals(
                RejectReason.STATEMENT_INTERVAL_MISMATCH,
                reason(verify(statement(meter.address(), START + 1000, 900, 1, 2))));
        assertEquals(
                RejectReason.STATEMENT_RANGE_INVALID, reason(verify(statement(meter.address(), START, 900, 5, 4))));
        assertEquals(
                RejectReason.STATEMENT_BEFORE_INTERVAL_END,
                reason(verify(
                        meter,
                        statement(meter.address(), START, 900, 1, 2),
                        "zone-a",
                        meter.address().toHex(),
                        END - 1)));
    }

    @Test
    void rejects_unregistered_and_revoked_meters_and_says_when_the_chain_is_down() {
        Secp256k1Signer stranger = key();
        assertEquals(
                RejectReason.UNREGISTERED_METER,
                reason(verify(
                        stranger,
                        statement(stranger.address(), START, 900, 1, 2),
                        "zone-a",
                        stranger.address().toHex(),
                        END)));
        Secp256k1Signer revoked = key();
        chain.register(revoked.address(), household, ZoneIds.of("zone-a"), false);
        assertEquals(
                RejectReason.REVOKED_METER,
                reason(verify(
                        revoked,
                        statement(revoked.address(), START, 900, 1, 2),
                        "zone-a",
                        revoked.address().toHex(),
                        END)));
        chain.down = true;
        assertEquals(RejectReason.REGISTRY_UNAVAILABLE, reason(verify(statement(meter.address(), START, 900, 1, 2))));
    }

    @Test
    void malformed_payload_is_rejected_with_the_wire_reason() {
        StatementVerdict v = verifier.verify(
                "gridshare/v1/zone-a/" + meter.address().toHex() + "/statements",
                "{\"type\":\"statement\",\"meter\":1.5}".getBytes(java.nio.charset.StandardCharsets.UTF_8),
                END);
        assertInstanceOf(StatementVerdict.Rejected.class, v);
        assertEquals(RejectReason.BAD_TOPIC, reason(verifier.verify("gridshare/v1/zone-a/x/orders", new byte[0], END)));
    }
}
