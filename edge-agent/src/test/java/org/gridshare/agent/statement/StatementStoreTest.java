package org.gridshare.agent.statement;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.gridshare.agent.inbox.GoldenDownlink;
import org.gridshare.agent.meter.Measurement;
import org.gridshare.agent.outbox.Outbox;
import org.gridshare.agent.signing.ReadingSigner;
import org.gridshare.protocol.Address;
import org.gridshare.protocol.Eip712;
import org.gridshare.protocol.Eip712Domain;
import org.gridshare.protocol.IntervalStatement;
import org.gridshare.protocol.MeterReading;
import org.gridshare.protocol.ReadingsRoot;
import org.gridshare.protocol.Secp256k1Signer;
import org.gridshare.protocol.SignatureVerifier;
import org.gridshare.protocol.Signed;
import org.gridshare.protocol.downlink.Downlink;
import org.gridshare.protocol.downlink.StatementVerdict;
import org.gridshare.protocol.wire.JsonWire;
import org.gridshare.testsupport.TestClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Statements over a real SQLite outbox and real signed readings, with a clock the test moves. */
class StatementStoreTest {
    private static final Eip712Domain READINGS =
            new Eip712Domain(31337, Address.fromHex("0x5fbdb2315678afecb367f032d93f642f64180aa3"));
    private static final Eip712Domain MARKET =
            new Eip712Domain(31337, Address.fromHex("0xe7f1725e7734ce288f8367e1bb143e90bb3f0512"));
    private static final long T0 = 1_764_000_000_000L; // divisible by 10 s

    @TempDir
    Path dir;

    private final TestClock clock = TestClock.at(T0);
    private final Secp256k1Signer key = Secp256k1Signer.generate();
    private final List<MeterReading> signed = new ArrayList<>();
    private long imp;
    private long exp;

    private void read(Outbox outbox, ReadingSigner signer, long atMs, long importDelta, long exportDelta) {
        clock.set(atMs);
        imp += importDelta;
        exp += exportDelta;
        ReadingSigner.Prepared p = signer.signDeferred(new Measurement(imp, exp, 0, 0));
        outbox.append(p);
        signed.add(p.signed().message());
    }

    @Test
    void states_each_ended_interval_once_chained_to_the_reading_before_it() throws Exception {
        try (Outbox outbox = Outbox.open(dir.resolve("outbox.db"), 10_000)) {
            StatementStore store = new StatementStore(outbox, key, MARKET, 10, clock);
            outbox.onCommit(store);
            ReadingSigner signer = new ReadingSigner(key, READINGS, outbox, clock);
            // interval A = [T0, T0+10 s): 3 readings; B: 2 readings; the first reading of C closes B
            read(outbox, signer, T0 + 1_000, 10, 0);
            read(outbox, signer, T0 + 4_000, 10, 5);
            outbox.commit();
            assertEquals(0, store.list(null, 100).size(), "interval A has not ended");
            read(outbox, signer, T0 + 9_999, 10, 5);
            read(outbox, signer, T0 + 10_000, 7, 30); // B's first reading ends A
            outbox.commit();
            assertEquals(1, store.list(null, 100).size());
            read(outbox, signer, T0 + 15_000, 7, 30);
            read(outbox, signer, T0 + 20_500, 1, 1);
            outbox.commit();

            List<StoredStatement> all = store.list(null, 100);
            assertEquals(2, all.size());
            Signed<IntervalStatement> a = JsonWire.decodeStatement(all.get(0).payload());
            Signed<IntervalStatement> b = JsonWire.decodeStatement(all.get(1).payload());
            assertEquals(
                    key.address(), SignatureVerifier.recover(MARKET, a), "signed by the meter in the market domain");
            assertEquals(key.address(), SignatureVerifier.recover(MARKET, b));
            IntervalStatement sa = a.message();
            assertEquals(T0, sa.intervalStartMs());
            assertEquals(10, sa.intervalSeconds());
            assertEquals(1, sa.firstSeq());
            assertEquals(3, sa.lastSeq());
            assertEquals(10, sa.importStart(), "no reading before: the first reading's registers");
            assertEquals(30, sa.importEnd());
            assertEquals(0, sa.exportStart());
            assertEquals(10, sa.exportEnd());
            assertEquals(ReadingsRoot.ofReadings(READINGS, signed.subList(0, 3)), sa.readingsRoot());
            assertFalse(all.get(0).complete());
            IntervalStatement sb = b.message();
            assertEquals(T0 + 10_000, sb.intervalStartMs());
            assertEquals(4, sb.firstSeq());
            assertEquals(5, sb.lastSeq());
            assertEquals(sa.importEnd(), sb.importStart(), "chained to the last reading before the interval");
            assertEquals(sa.exportEnd(), sb.exportStart());
            assertEquals(44, sb.importEnd());
            assertEquals(70, sb.exportEnd());
            assertEquals(ReadingsRoot.ofReadings(READINGS, signed.subList(3, 5)), sb.readingsRoot());
            assertTrue(all.get(1).complete());
            assertEquals((70 - 10) - (44 - 30), all.get(1).netMilliWh());
            assertEquals(List.of(46L), store.recentNets(10), "only complete statements feed the forecast");
            assertEquals(Eip712.digest(MARKET, sb).toHex(), all.get(1).digest());
            assertEquals(2, store.journalSize(), "B's last reading (before C) and C's reading are kept");
        }
    }

    @Test
    void the_clock_states_an_interval_without_later_readings_after_five_seconds() throws Exception {
        try (Outbox outbox = Outbox.open(dir.resolve("outbox.db"), 10_000)) {
            StatementStore store = new StatementStore(outbox, key, MARKET, 10, clock);
            outbox.onCommit(store);
            ReadingSigner signer = new ReadingSigner(key, READINGS, outbox, clock);
            read(outbox, signer, T0 + 2_000, 3, 0);
            outbox.commit();
            assertEquals(0, store.closeByClock(T0 + 14_999));
            assertEquals(1, store.closeByClock(T0 + 15_000));
            assertEquals(0, store.closeByClock(T0 + 60_000), "stated once");
            IntervalStatement s = JsonWire.decodeStatement(
                            store.list(null, 10).get(0).payload())
                    .message();
            assertEquals(1, s.firstSeq());
            assertEquals(1, s.lastSeq());
            assertEquals(ReadingsRoot.of(List.of(Eip712.digest(READINGS, signed.get(0)))), s.readingsRoot());
        }
    }

    @Test
    void a_reopened_store_never_signs_an_interval_again_and_keeps_verdicts() throws Exception {
        byte[] first;
        try (Outbox outbox = Outbox.open(dir.resolve("outbox.db"), 10_000)) {
            StatementStore store = new StatementStore(outbox, key, MARKET, 10, clock);
            outbox.onCommit(store);
            ReadingSigner signer = new ReadingSigner(key, READINGS, outbox, clock);
            read(outbox, signer, T0 + 1_000, 1, 0);
            read(outbox, signer, T0 + 11_000, 1, 0);
            outbox.commit();
            first = store.list(null, 10).get(0).payload();
        }
        try (Outbox outbox = Outbox.open(dir.resolve("outbox.db"), 10_000)) {
            StatementStore store = new StatementStore(outbox, key, MARKET, 10, clock);
            outbox.onCommit(store);
            ReadingSigner signer = new ReadingSigner(key, READINGS, outbox, clock);
            signer.resume(outbox.load());
            read(outbox, signer, T0 + 21_000, 1, 0);
            outbox.commit();
            List<StoredStatement> all = store.list(null, 10);
            assertEquals(2, all.size());
            assertArrayEquals(first, all.get(0).payload(), "the first statement is unchanged");
            IntervalStatement second =
                    JsonWire.decodeStatement(all.get(1).payload()).message();
            assertEquals(2, second.firstSeq());
            assertEquals(1, second.importStart(), "chained to seq 1, across the restart");
            assertEquals(2, second.importEnd());

            assertNull(store.apply(new StatementVerdict(T0, true, null, 0, null)));
            assertNull(store.apply(new StatementVerdict(T0 + 10_000, false, "BAD_ROOT", 12, "root differs")));
            assertTrue(store.apply(new StatementVerdict(T0 + 90_000, true, null, 0, null))
                    .startsWith("UNKNOWN_INTERVAL"));
            assertEquals(1, store.count(StoredStatement.ACCEPTED));
            StoredStatement rejected = store.list(StoredStatement.REJECTED, 10).get(0);
            assertEquals("BAD_ROOT", rejected.reason());
            assertEquals(12, rejected.code());
            assertEquals("root differs", rejected.detail());
            assertEquals(0, store.list(StoredStatement.PENDING, 10).size(), "nothing left to re-publish");
        }
    }

    @Test
    void a_statement_that_cannot_be_built_does_not_stop_the_readings() throws Exception {
        try (Outbox outbox = Outbox.open(dir.resolve("outbox.db"), 10_000)) {
            StatementStore store = new StatementStore(outbox, key, MARKET, 10, clock);
            outbox.onCommit(store);
            // a journal that contradicts the readings: a higher seq before the interval
            outbox.transaction("corrupting the journal", db -> {
                try (java.sql.Statement s = db.createStatement()) {
                    s.execute("INSERT INTO statement_readings VALUES (50, " + (T0 - 1_000) + ", 0, 0, zeroblob(32))");
                }
                return null;
            });
            ReadingSigner signer = new ReadingSigner(key, READINGS, outbox, clock);
            read(outbox, signer, T0 + 1_000, 1, 0);
            read(outbox, signer, T0 + 11_000, 1, 0);
            assertEquals(2, outbox.commit().size(), "the readings are committed");
            assertEquals(2, outbox.unacknowledged(0, 10).size());
            assertEquals(0, store.list(null, 10).size(), "no statement from a contradictory journal");
            assertEquals(3, store.journalSize(), "the interval stays journaled");
            assertTrue(store.problem().contains("does not follow seq 50"), store.problem());
        }
    }

    @Test
    void a_transient_refusal_keeps_the_statement_pending() throws Exception {
        try (Outbox outbox = Outbox.open(dir.resolve("outbox.db"), 10_000)) {
            StatementStore store = new StatementStore(outbox, key, MARKET, 10, clock);
            outbox.onCommit(store);
            ReadingSigner signer = new ReadingSigner(key, READINGS, outbox, clock);
            read(outbox, signer, T0 + 1_000, 1, 0);
            read(outbox, signer, T0 + 11_000, 1, 0);
            outbox.commit();
            assertNull(store.apply(new StatementVerdict(T0, false, "REGISTRY_UNAVAILABLE", 60, "chain down")));
            assertEquals(1, store.count(StoredStatement.PENDING));
        }
    }

    private static StatementVerdict golden(String name) throws Exception {
        return Downlink.decodeStatementVerdict(GoldenDownlink.bytes(name));
    }

    /** The golden statement verdicts of docs/protocol/downlink, decoded and applied as the market agent does. */
    @Test
    void golden_statement_verdicts_are_applied_to_the_interval_they_name() throws Exception {
        long start = 1_764_000_900_000L; // the interval the golden verdicts name
        try (Outbox outbox = Outbox.open(dir.resolve("rejected.db"), 10_000)) {
            StatementStore store = new StatementStore(outbox, key, MARKET, 10, clock);
            outbox.onCommit(store);
            ReadingSigner signer = new ReadingSigner(key, READINGS, outbox, clock);
            read(outbox, signer, start + 1_000, 1, 0);
            read(outbox, signer, start + 11_000, 1, 0);
            outbox.commit();
            assertNull(store.apply(golden("statement-verdict-rejected.json")));
            assertEquals(1, store.count(StoredStatement.REJECTED), "STATEMENT_RANGE_INVALID is final");
            String problem = store.apply(golden("statement-verdict-rejected-undecodable.json"));
            assertTrue(problem.startsWith("UNKNOWN_INTERVAL"), problem);
        }
        try (Outbox outbox = Outbox.open(dir.resolve("accepted.db"), 10_000)) {
            StatementStore store = new StatementStore(outbox, key, MARKET, 10, clock);
            outbox.onCommit(store);
            ReadingSigner signer = new ReadingSigner(key, READINGS, outbox, clock);
            read(outbox, signer, start + 1_000, 1, 0);
            read(outbox, signer, start + 11_000, 1, 0);
            outbox.commit();
            assertNull(store.apply(golden("statement-verdict-accepted.json")));
            assertEquals(1, store.count(StoredStatement.ACCEPTED));
        }
    }
}
