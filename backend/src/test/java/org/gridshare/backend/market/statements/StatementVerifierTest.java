package org.gridshare.backend.market.statements;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.gridshare.backend.market.FakeMarketChain;
import org.gridshare.backend.market.MarketSettings;
import org.gridshare.backend.verify.VerifiedReading;
import org.gridshare.protocol.Address;
import org.gridshare.protocol.Bytes32;
import org.gridshare.protocol.Eip712Domain;
import org.gridshare.protocol.IntervalStatement;
import org.gridshare.protocol.ReadingsRoot;
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
    private VerifiedReadingChains readings;
    private StatementVerifier verifier;
    private Secp256k1Signer meter;
    private Address household;

    @BeforeEach
    void setUp() {
        chain = new FakeMarketChain();
        readings = new VerifiedReadingChains(900_000, 86_400_000);
        verifier = new StatementVerifier(
                DOMAIN,
                MarketSettings.of(
                        MARKET,
                        Credentials.create("0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d")),
                chain,
                readings,
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

    /**
     * A statement over seq 3..9; when it is a well-formed one of the market interval, the verified chain
     * gets readings 2..9 that imply exactly it (2 before the interval), so only the check under test fails.
     */
    private IntervalStatement statement(Address meter, long start, long seconds, long importStart, long importEnd) {
        List<VerifiedReading> rs = new ArrayList<>();
        rs.add(reading(meter, 2, start - 1000, importStart, 50, Bytes32.ZERO));
        for (int seq = 3; seq <= 9; seq++) {
            long imp = seq == 9 ? importEnd : importStart + (seq - 3);
            rs.add(reading(meter, seq, start + (seq - 3) * 1000L, imp, seq == 9 ? 70 : 50 + seq, null));
        }
        if (seconds == 900 && start % 900_000 == 0 && importEnd >= importStart) {
            rs.forEach(readings::add);
        }
        List<Bytes32> leaves = rs.subList(1, rs.size()).stream()
                .map(r -> Bytes32.fromHex(r.digest()))
                .toList();
        return new IntervalStatement(
                meter, start, seconds, importStart, importEnd, 50, 70, 3, 9, ReadingsRoot.of(leaves));
    }

    private long digestSeed = 1;

    /** A verified reading as the verifier writes it (digest made up: only its bytes matter here). */
    private VerifiedReading reading(Address meter, long seq, long timeMs, long imp, long exp, Bytes32 prev) {
        Bytes32 digest = new Bytes32(org.web3j.crypto.Hash.sha3(
                java.nio.ByteBuffer.allocate(8).putLong(digestSeed++).array()));
        return new VerifiedReading(
                meter.toHex(),
                "zone-a",
                seq,
                timeMs,
                imp,
                exp,
                0,
                0,
                (prev == null ? Bytes32.fromHex("0x" + "11".repeat(32)) : prev).toHex(),
                digest.toHex(),
                "0x",
                timeMs,
                timeMs,
                0,
                0);
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

    /** Feeds readings seq from..to, one per 10 s from {@code t0}, import +3 and export +5 per reading. */
    private List<VerifiedReading> feed(long from, long to, long t0, long imp0, long exp0, Bytes32 firstPrev) {
        List<VerifiedReading> out = new ArrayList<>();
        for (long seq = from; seq <= to; seq++) {
            long k = seq - from;
            VerifiedReading r = reading(
                    meter.address(), seq, t0 + k * 10_000, imp0 + 3 * k, exp0 + 5 * k, k == 0 ? firstPrev : null);
            readings.add(r);
            out.add(r);
        }
        return out;
    }

    private static Bytes32 root(List<VerifiedReading> rs) {
        return ReadingsRoot.of(rs.stream().map(r -> Bytes32.fromHex(r.digest())).toList());
    }

    /** The statement an honest agent builds: start registers from {@code before}, the rest from {@code in}. */
    private IntervalStatement honest(VerifiedReading before, List<VerifiedReading> in) {
        VerifiedReading first = in.get(0);
        VerifiedReading last = in.get(in.size() - 1);
        VerifiedReading start = before == null ? first : before;
        return new IntervalStatement(
                meter.address(),
                START,
                900,
                start.importMilliWh(),
                last.importMilliWh(),
                start.exportMilliWh(),
                last.exportMilliWh(),
                first.seq(),
                last.seq(),
                root(in));
    }

    private static IntervalStatement with(
            IntervalStatement s, long importStart, long exportEnd, long firstSeq, long lastSeq, Bytes32 root) {
        return new IntervalStatement(
                s.meter(),
                s.intervalStartMs(),
                s.intervalSeconds(),
                importStart,
                s.importEnd(),
                s.exportStart(),
                exportEnd,
                firstSeq,
                lastSeq,
                root);
    }

    @Test
    void accepts_the_statement_the_verified_chain_implies_starting_at_the_reading_before_the_interval() {
        List<VerifiedReading> all = feed(40, 140, START - 30_000, 1_000, 2_000, Bytes32.ZERO);
        VerifiedReading before = all.get(2); // 10 s before the start
        List<VerifiedReading> in = all.subList(3, 93); // 90 readings in [START, END)
        assertEquals(START, in.get(0).timeMs());
        assertEquals(END - 10_000, in.get(89).timeMs());
        assertInstanceOf(StatementVerdict.Accepted.class, verify(honest(before, in)));
    }

    @Test
    void first_interval_of_a_meter_starts_at_its_first_reading() {
        List<VerifiedReading> in = feed(1, 5, START + 2_000, 7, 9, Bytes32.ZERO);
        feed(6, 6, END + 1, 100, 100, null);
        assertInstanceOf(StatementVerdict.Accepted.class, verify(honest(null, in)));
    }

    @Test
    void rejects_a_correctly_signed_statement_whose_registers_seqs_or_root_differ_from_the_verified_readings() {
        List<VerifiedReading> all = feed(40, 140, START - 30_000, 1_000, 2_000, Bytes32.ZERO);
        VerifiedReading before = all.get(2);
        List<VerifiedReading> in = all.subList(3, 93);
        IntervalStatement s = honest(before, in);
        // claims more export than the meter measured
        assertEquals(
                RejectReason.STATEMENT_REGISTERS_MISMATCH,
                reason(verify(
                        with(s, s.importStart(), s.exportEnd() + 1, s.firstSeq(), s.lastSeq(), s.readingsRoot()))));
        // starts at an earlier register (re-claims export already stated)
        assertEquals(
                RejectReason.STATEMENT_REGISTERS_MISMATCH,
                reason(verify(
                        with(s, s.importStart() - 3, s.exportEnd(), s.firstSeq(), s.lastSeq(), s.readingsRoot()))));
        // a shifted seq range, and the double-payment attack: the same span under reversed seqs
        assertEquals(
                RejectReason.STATEMENT_SEQ_MISMATCH,
                reason(verify(
                        with(s, s.importStart(), s.exportEnd(), s.firstSeq() + 1, s.lastSeq(), s.readingsRoot()))));
        assertEquals(
                RejectReason.STATEMENT_SEQ_MISMATCH,
                reason(verify(with(s, s.importStart(), s.exportEnd(), s.lastSeq(), s.lastSeq(), s.readingsRoot()))));
        // right numbers, a root over other readings (one left out)
        assertEquals(
                RejectReason.STATEMENT_ROOT_MISMATCH,
                reason(verify(
                        with(s, s.importStart(), s.exportEnd(), s.firstSeq(), s.lastSeq(), root(in.subList(0, 89))))));
        assertInstanceOf(StatementVerdict.Accepted.class, verify(s));
    }

    @Test
    void a_statement_for_an_interval_without_verified_readings_is_refused() {
        feed(1, 3, START - 30_000, 0, 0, Bytes32.ZERO);
        feed(4, 4, END + 5_000, 10, 10, null); // the meter was silent during the interval
        IntervalStatement s = new IntervalStatement(meter.address(), START, 900, 0, 10, 0, 10, 4, 4, Bytes32.ZERO);
        assertEquals(RejectReason.STATEMENT_SEQ_MISMATCH, reason(verify(s)));
    }

    @Test
    void a_statement_ahead_of_the_verified_readings_waits_with_a_transient_reason_then_is_checked() {
        List<VerifiedReading> all = new ArrayList<>(feed(40, 60, START - 30_000, 1_000, 2_000, Bytes32.ZERO));
        StatementVerdict early = verify(
                new IntervalStatement(meter.address(), START, 900, 1_009, 1_270, 2_015, 2_450, 43, 132, Bytes32.ZERO));
        assertEquals(RejectReason.READINGS_NOT_VERIFIED, reason(early));
        assertTrue(RejectReason.READINGS_NOT_VERIFIED.isTransient());
        for (long seq = 61; seq <= 140; seq++) {
            VerifiedReading r = reading(
                    meter.address(),
                    seq,
                    START - 30_000 + (seq - 40) * 10_000,
                    1_000 + 3 * (seq - 40),
                    2_000 + 5 * (seq - 40),
                    null);
            readings.add(r);
            all.add(r);
        }
        assertInstanceOf(StatementVerdict.Accepted.class, verify(honest(all.get(2), all.subList(3, 93))));
        // a meter the backend has never seen a verified reading of waits too
        Secp256k1Signer silent = key();
        chain.register(silent.address(), household, ZoneIds.of("zone-a"), true);
        assertEquals(
                RejectReason.READINGS_NOT_VERIFIED,
                reason(verify(
                        silent,
                        new IntervalStatement(silent.address(), START, 900, 0, 1, 0, 1, 1, 2, Bytes32.ZERO),
                        "zone-a",
                        silent.address().toHex(),
                        END)));
    }

    @Test
    void start_registers_that_follow_readings_never_seen_here_cannot_be_checked() {
        // the first verified reading this backend has links to an earlier one (topic truncated)
        List<VerifiedReading> in = feed(500, 510, START, 7, 9, Bytes32.fromHex("0x" + "22".repeat(32)));
        assertEquals(RejectReason.STATEMENT_REGISTERS_MISMATCH, reason(verify(honest(null, in))));
    }
}
