package org.gridshare.backend.verify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import org.gridshare.backend.crypto.Web3jRecovery;
import org.gridshare.backend.registry.Genesis;
import org.gridshare.backend.registry.MeterDirectory;
import org.gridshare.backend.registry.MeterStanding;
import org.gridshare.backend.rejects.Rejection;
import org.gridshare.backend.testing.TestMeter;
import org.gridshare.protocol.Address;
import org.gridshare.protocol.Bytes32;
import org.gridshare.protocol.Eip712Domain;
import org.gridshare.protocol.RejectReason;
import org.gridshare.protocol.ZoneIds;
import org.junit.jupiter.api.Test;

/** The verifier's rules over a fixed registry table (the chain-backed directory is tested end to end). */
class ReadingVerifierTest {
    private static final Eip712Domain DOMAIN =
            new Eip712Domain(31337, Address.fromHex("0x00000000000000000000000000000000000000aa"));
    private final Clock clock = Clock.fixed(Instant.ofEpochMilli(1_800_000_000_000L), ZoneOffset.UTC);
    private final Map<Address, MeterStanding> table = new HashMap<>();
    private final MeterDirectory directory = new MeterDirectory() {
        @Override
        public MeterStanding standing(Address meter) {
            return table.getOrDefault(meter, MeterStanding.unregistered(0));
        }

        @Override
        public Bytes32 zoneId(String topicZone) {
            return ZoneIds.of(topicZone);
        }
    };
    private final ReadingVerifier verifier = new ReadingVerifier(DOMAIN, directory, clock);
    private final Random random = new Random(1);

    private TestMeter registered(String zone) {
        TestMeter m = new TestMeter(random, DOMAIN, zone);
        table.put(m.address(), new MeterStanding(MeterStanding.State.ACTIVE, ZoneIds.of(zone), 0));
        return m;
    }

    private IncomingReading in(TestMeter m, byte[] payload) {
        return new IncomingReading(m.hex(), m.topic(), payload, new Rejection.Source("t", 0, 7L, null));
    }

    private ChainState accept(TestMeter m, ChainState state, byte[] payload) {
        return assertInstanceOf(Verdict.Accepted.class, verifier.verify(in(m, payload), state))
                .next();
    }

    private RejectReason reason(Verdict v) {
        return assertInstanceOf(Verdict.Rejected.class, v).rejection().reason();
    }

    private TestMeter anchored(String zone, Genesis genesis) {
        TestMeter m = new TestMeter(random, DOMAIN, zone);
        table.put(m.address(), new MeterStanding(MeterStanding.State.ACTIVE, ZoneIds.of(zone), 0, genesis));
        return m;
    }

    @Test
    void the_first_reading_of_a_meter_must_start_at_its_registered_genesis() {
        TestMeter early = anchored("zone-a", new Genesis(5, 0, 0)); // first reading seq 1 < genesis 5
        assertEquals(
                RejectReason.REPLAYED_SEQ,
                reason(verifier.verify(in(early, TestMeter.json(early.next(1000, 1, 0))), null)));

        TestMeter late = anchored("zone-a", new Genesis(0, 0, 0)); // seq 1 skips the genesis seq 0
        Verdict gap = verifier.verify(in(late, TestMeter.json(late.next(1000, 1, 0))), null);
        assertEquals(RejectReason.SEQ_GAP, reason(gap));
        assertTrue(
                ((Verdict.Rejected) gap).rejection().detail().contains("genesis seq 0, got 1"),
                ((Verdict.Rejected) gap).rejection().detail());

        TestMeter lowRegisters = anchored("zone-a", new Genesis(1, 10, 0)); // import 5 below genesis 10
        assertEquals(
                RejectReason.REGISTER_DECREASED,
                reason(verifier.verify(in(lowRegisters, TestMeter.json(lowRegisters.next(1000, 5, 0))), null)));

        TestMeter exact = anchored("zone-a", new Genesis(1, 5, 0));
        ChainState s = accept(exact, null, TestMeter.json(exact.next(1000, 5, 0)));
        assertEquals(1, s.lastSeq());
        accept(exact, s, TestMeter.json(exact.next(2000, 1, 0))); // and the chain goes on from there
    }

    @Test
    void web3j_and_libsecp256k1_verifiers_give_the_same_verdicts() {
        ReadingVerifier slow = new ReadingVerifier(DOMAIN, directory, clock, new Web3jRecovery());
        TestMeter m = registered("zone-a");
        TestMeter stranger = new TestMeter(random, DOMAIN, "zone-a");
        var good = TestMeter.json(m.next(1000, 1, 0));
        var forged = TestMeter.json(stranger.sign(m.peek(2000, 1, 0).message()));
        for (byte[] payload : java.util.List.of(good, forged)) {
            Verdict a = verifier.verify(in(m, payload), null);
            Verdict b = slow.verify(in(m, payload), null);
            assertEquals(a.getClass(), b.getClass());
            if (a instanceof Verdict.Accepted x) {
                assertEquals(x.next(), ((Verdict.Accepted) b).next());
            } else {
                assertEquals(
                        ((Verdict.Rejected) a).rejection().reason(),
                        ((Verdict.Rejected) b).rejection().reason());
            }
        }
        assertEquals(RejectReason.BAD_SIGNATURE, reason(slow.verify(in(m, forged), null)));
    }

    @Test
    void accepts_a_chain_and_reports_register_deltas() {
        TestMeter m = registered("zone-a");
        ChainState s = accept(m, null, TestMeter.json(m.next(1000, 5, 0)));
        Verdict v = verifier.verify(in(m, TestMeter.json(m.next(2000, 7, 3))), s);
        VerifiedReading r = assertInstanceOf(Verdict.Accepted.class, v).reading();
        assertEquals(7, r.importDeltaMilliWh());
        assertEquals(3, r.exportDeltaMilliWh());
        assertEquals(clock.millis(), r.verifiedAtMs());
        assertEquals(2, r.seq());
    }

    @Test
    void classifies_duplicate_replay_gap_and_broken_chain() {
        TestMeter m = registered("zone-a");
        var first = m.next(1000, 1, 0);
        ChainState s = accept(m, null, TestMeter.json(first));
        var second = m.next(2000, 1, 0);
        s = accept(m, s, TestMeter.json(second));
        assertEquals(RejectReason.DUPLICATE, reason(verifier.verify(in(m, TestMeter.json(second)), s)));
        assertEquals(RejectReason.REPLAYED_SEQ, reason(verifier.verify(in(m, TestMeter.json(first)), s)));
        m.next(3000, 1, 0); // signed, never delivered
        assertEquals(RejectReason.SEQ_GAP, reason(verifier.verify(in(m, TestMeter.json(m.peek(4000, 1, 0))), s)));
        var forked = m.sign(new org.gridshare.protocol.MeterReading(m.address(), 3, 3000, 9, 0, 0, 0, Bytes32.ZERO));
        assertEquals(RejectReason.BROKEN_CHAIN, reason(verifier.verify(in(m, TestMeter.json(forked)), s)));
    }

    @Test
    void rejects_wire_faults_with_the_wire_reason() {
        TestMeter m = registered("zone-a");
        assertEquals(
                RejectReason.MALFORMED_JSON,
                reason(verifier.verify(in(m, "{\"type\":".getBytes(StandardCharsets.UTF_8)), null)));
        String json = new String(TestMeter.json(m.next(1000, 1, 0)), StandardCharsets.UTF_8);
        String floated = json.replaceFirst("\"status\":0", "\"status\":0.5");
        assertEquals(
                RejectReason.FLOAT_NOT_ALLOWED,
                reason(verifier.verify(in(m, floated.getBytes(StandardCharsets.UTF_8)), null)),
                floated);
    }

    @Test
    void rejects_unregistered_revoked_and_wrong_zone_meters() {
        TestMeter stranger = new TestMeter(random, DOMAIN, "zone-a");
        assertEquals(
                RejectReason.UNREGISTERED_METER,
                reason(verifier.verify(in(stranger, TestMeter.json(stranger.next(1, 1, 0))), null)));
        TestMeter revoked = registered("zone-a");
        table.put(revoked.address(), new MeterStanding(MeterStanding.State.REVOKED, ZoneIds.of("zone-a"), 0));
        assertEquals(
                RejectReason.REVOKED_METER,
                reason(verifier.verify(in(revoked, TestMeter.json(revoked.next(1, 1, 0))), null)));
        TestMeter elsewhere = registered("zone-b");
        IncomingReading wrongZone = new IncomingReading(
                elsewhere.hex(),
                "gridshare/v1/zone-a/" + elsewhere.hex() + "/readings",
                TestMeter.json(elsewhere.next(1, 1, 0)),
                null);
        assertEquals(RejectReason.ZONE_MISMATCH, reason(verifier.verify(wrongZone, null)));
    }

    @Test
    void rejects_a_reading_whose_fields_changed_after_signing() {
        TestMeter m = registered("zone-a");
        var s = m.next(1000, 5, 0);
        var tampered = new org.gridshare.protocol.Signed<>(
                new org.gridshare.protocol.MeterReading(m.address(), 1, 1000, 5_000, 0, 0, 0, Bytes32.ZERO),
                s.signature());
        assertEquals(RejectReason.BAD_SIGNATURE, reason(verifier.verify(in(m, TestMeter.json(tampered)), null)));
    }

    @Test
    void rejects_a_reading_signed_by_another_key_than_its_topic_names() {
        TestMeter a = registered("zone-a");
        TestMeter b = registered("zone-a");
        IncomingReading onOthersTopic = new IncomingReading(b.hex(), b.topic(), TestMeter.json(a.next(1, 1, 0)), null);
        assertEquals(RejectReason.SIGNER_MISMATCH, reason(verifier.verify(onOthersTopic, null)));
    }
}
