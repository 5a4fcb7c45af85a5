package org.gridshare.agent.outbox;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.gridshare.agent.meter.Measurement;
import org.gridshare.agent.signing.ReadingSigner;
import org.gridshare.protocol.Address;
import org.gridshare.protocol.Eip712Domain;
import org.gridshare.protocol.ReadingChain;
import org.gridshare.protocol.Secp256k1Signer;
import org.gridshare.protocol.wire.JsonWire;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OutboxTest {
    private static final Eip712Domain DOMAIN =
            new Eip712Domain(31337, Address.fromHex("0x5fbdb2315678afecb367f032d93f642f64180aa3"));
    private final Secp256k1Signer key = Secp256k1Signer.fromPrivateKey(new byte[] {
        9, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30,
        31, 32
    });
    private final Clock clock = Clock.fixed(Instant.ofEpochMilli(5_000), ZoneOffset.UTC);

    @TempDir
    Path dir;

    private ReadingSigner signer(Outbox outbox) throws Exception {
        return new ReadingSigner(key, DOMAIN, outbox, clock);
    }

    @Test
    void a_group_commit_writes_readings_and_the_signing_state_together_in_wal_mode() throws Exception {
        Path db = dir.resolve("outbox.db");
        try (Outbox outbox = Outbox.open(db, 100)) {
            ReadingSigner s = signer(outbox);
            for (int i = 1; i <= 5; i++) {
                outbox.append(s.signDeferred(new Measurement(i * 10, 0, 0, 0)));
            }
            assertEquals(List.of(), outbox.unacknowledged(1, 100), "uncommitted readings are invisible");
            assertEquals(5, outbox.commit().size());
            assertEquals(5, outbox.unacknowledged(1, 100).size());
        }
        try (Outbox reopened = Outbox.open(db, 100)) {
            assertEquals(5, reopened.load().lastSeq());
            assertArrayEquals(new long[] {50, 0}, reopened.lastRegisters());
            List<StoredReading> rows = reopened.unacknowledged(1, 100);
            assertEquals(
                    List.of(1L, 2L, 3L, 4L, 5L),
                    rows.stream().map(StoredReading::seq).toList());
            var fifth = JsonWire.decodeReading(rows.get(4).payload()).message();
            assertEquals(ReadingChain.link(DOMAIN, fifth).toHex(), rows.get(4).digest());
            ReadingSigner after = signer(reopened);
            var sixth =
                    after.signDeferred(new Measurement(60, 0, 0, 0)).signed().message();
            assertEquals(6, sixth.seq());
            assertEquals(ReadingChain.link(DOMAIN, fifth), sixth.prev(), "the chain continues across a reopen");
        }
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
                ResultSet r = c.createStatement().executeQuery("PRAGMA journal_mode")) {
            r.next();
            assertEquals("wal", r.getString(1));
        }
    }

    @Test
    void uncommitted_readings_die_with_their_seq_and_the_next_start_reuses_nothing_seen() throws Exception {
        Path db = dir.resolve("outbox.db");
        try (Outbox outbox = Outbox.open(db, 100)) {
            ReadingSigner s = signer(outbox);
            outbox.append(s.signDeferred(new Measurement(1, 0, 0, 0)));
            outbox.commit();
            outbox.append(s.signDeferred(new Measurement(2, 0, 0, 0))); // never committed: nobody saw seq 2
        }
        try (Outbox reopened = Outbox.open(db, 100)) {
            assertEquals(1, reopened.load().lastSeq());
            assertEquals(
                    List.of(1L),
                    reopened.unacknowledged(0, 10).stream()
                            .map(StoredReading::seq)
                            .toList());
        }
    }

    @Test
    void readings_leave_only_on_acknowledgement_and_rejected_ones_are_kept_with_their_reason() throws Exception {
        try (Outbox outbox = Outbox.open(dir.resolve("outbox.db"), 100)) {
            ReadingSigner s = signer(outbox);
            for (int i = 1; i <= 6; i++) {
                outbox.append(s.signDeferred(new Measurement(i, 0, 0, 0)));
            }
            outbox.commit();
            outbox.acknowledge(3);
            outbox.reject(5, "BAD_SIGNATURE", 10, "test", 7);
            outbox.commit();
            assertEquals(
                    List.of(4L, 6L),
                    outbox.unacknowledged(0, 10).stream()
                            .map(StoredReading::seq)
                            .toList());
            assertEquals(2, outbox.size());
            List<RejectedReading> rejected = outbox.rejected();
            assertEquals(1, rejected.size());
            assertEquals(5, rejected.get(0).seq());
            assertEquals("BAD_SIGNATURE", rejected.get(0).reason());
            assertEquals(
                    5,
                    JsonWire.decodeReading(rejected.get(0).payload()).message().seq());
            assertEquals(3, outbox.ackedThrough());
        }
    }

    @Test
    void a_full_outbox_says_so_until_an_acknowledgement_makes_room() throws Exception {
        try (Outbox outbox = Outbox.open(dir.resolve("outbox.db"), 3)) {
            ReadingSigner s = signer(outbox);
            for (int i = 1; i <= 3; i++) {
                outbox.append(s.signDeferred(new Measurement(i, 0, 0, 0)));
            }
            assertTrue(outbox.isFull());
            outbox.commit();
            outbox.acknowledge(2);
            outbox.commit();
            assertEquals(1, outbox.size());
            assertTrue(!outbox.isFull());
        }
    }
}
