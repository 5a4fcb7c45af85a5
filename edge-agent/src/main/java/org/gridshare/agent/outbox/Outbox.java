package org.gridshare.agent.outbox;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.gridshare.agent.signing.ReadingSigner;
import org.gridshare.agent.signing.SigningState;
import org.gridshare.agent.signing.SigningStateStore;
import org.gridshare.protocol.Bytes32;
import org.gridshare.protocol.MeterReading;

/**
 * The durable outbox: every signed reading the agent has not yet seen acknowledged end to end, in
 * one SQLite database (WAL, {@code synchronous=FULL}) that also holds the signing state.
 *
 * <p>Readings are signed first ({@link ReadingSigner#signDeferred}), then {@link #append appended}
 * to an in-memory batch that {@link #commit()} writes in one transaction together with the new
 * signing state, the acknowledgements and rejections received since the last commit. So the seq is
 * persisted in the same transaction as the reading that uses it, and nothing reads a reading that
 * is not committed: a crash loses at most uncommitted readings whose seq nobody has seen. One
 * transaction per batch (group commit) spares the SD card.
 *
 * <p>A reading leaves the {@code outbox} table only through {@link #acknowledge} (the backend's
 * highest contiguous accepted seq) or {@link #reject} (moved to {@code rejected} with its reason).
 * Seqs are stored as SQLite integers (signed 64-bit): fine for any meter's lifetime.
 */
public final class Outbox implements SigningStateStore, AutoCloseable {
    private final Path file;
    private final long capacity;
    private final Connection db;
    private final List<ReadingSigner.Prepared> pending = new ArrayList<>();
    private final List<RejectedReading> pendingRejections = new ArrayList<>();
    private long pendingAckThrough;
    private long ackedThrough;
    private long committedRows;
    private long lastCommittedSeq;
    private CommitHook commitHook;

    /** Work done inside the group commit's transaction, after the readings and the signing state are written. */
    public interface CommitHook {
        /** Called with the readings of this commit (seq order); an exception rolls the whole commit back. */
        void committing(Connection db, List<ReadingSigner.Prepared> written) throws SQLException;
    }

    /** Work on the outbox's connection in one transaction of its own ({@link #transaction}). */
    public interface Work<T> {
        T run(Connection db) throws SQLException;
    }

    private Outbox(Path file, long capacity, Connection db) throws SQLException {
        this.file = file;
        this.capacity = capacity;
        this.db = db;
        try (Statement s = db.createStatement()) {
            // small pages: each commit appends its modified pages to the WAL, so the page size is what a
            // reading costs the SD card (only takes effect when the database is created)
            s.execute("PRAGMA page_size=1024");
            // one process owns the outbox: with an exclusive lock SQLite keeps the WAL index in memory
            // instead of a memory-mapped -shm file whose pages were written back on every commit. The price:
            // no other process can open the database while the agent runs (stop it to inspect outbox.db).
            s.execute("PRAGMA locking_mode=EXCLUSIVE");
            try (ResultSet r = s.executeQuery("PRAGMA journal_mode=WAL")) {
                if (!r.next() || !"wal".equalsIgnoreCase(r.getString(1))) {
                    throw new SQLException("journal_mode WAL refused");
                }
            }
            s.execute("PRAGMA synchronous=FULL");
            s.execute("CREATE TABLE IF NOT EXISTS signing_state (id INTEGER PRIMARY KEY CHECK (id = 1),"
                    + " last_seq INTEGER NOT NULL, last_digest TEXT NOT NULL, last_time_ms INTEGER NOT NULL,"
                    + " import_mwh INTEGER NOT NULL, export_mwh INTEGER NOT NULL)");
            s.execute("CREATE TABLE IF NOT EXISTS outbox (seq INTEGER PRIMARY KEY, digest TEXT NOT NULL,"
                    + " payload BLOB NOT NULL)");
            s.execute("CREATE TABLE IF NOT EXISTS rejected (seq INTEGER PRIMARY KEY, digest TEXT NOT NULL,"
                    + " payload BLOB NOT NULL, reason TEXT NOT NULL, code INTEGER NOT NULL, detail TEXT,"
                    + " rejected_at_ms INTEGER NOT NULL)");
            s.execute(
                    "CREATE TABLE IF NOT EXISTS acked (id INTEGER PRIMARY KEY CHECK (id = 1), through INTEGER NOT NULL)");
            try (ResultSet r = s.executeQuery("SELECT through FROM acked WHERE id = 1")) {
                ackedThrough = r.next() ? r.getLong(1) : 0;
            }
            try (ResultSet r = s.executeQuery("SELECT count(*), coalesce(max(seq), 0) FROM outbox")) {
                r.next();
                committedRows = r.getLong(1);
                lastCommittedSeq = r.getLong(2);
            }
        }
        db.setAutoCommit(false);
        pendingAckThrough = ackedThrough;
    }

    /** Opens (creating if needed) the outbox at {@code file}, holding at most {@code capacity} readings. */
    public static Outbox open(Path file, long capacity) throws OutboxException {
        if (capacity < 1) {
            throw new IllegalArgumentException("outbox capacity must be at least 1: " + capacity);
        }
        try {
            Path dir = file.toAbsolutePath().getParent();
            if (dir != null) {
                Files.createDirectories(dir);
            }
            Connection c = DriverManager.getConnection("jdbc:sqlite:" + file.toAbsolutePath());
            try {
                return new Outbox(file, capacity, c);
            } catch (SQLException e) {
                c.close();
                throw e;
            }
        } catch (SQLException | java.io.IOException e) {
            throw new OutboxException(file, "open", e);
        }
    }

    public Path file() {
        return file;
    }

    public long capacity() {
        return capacity;
    }

    /** Readings held (committed and pending, minus those acknowledged but not yet deleted). */
    public synchronized long size() {
        return committedRows + pending.size();
    }

    /** True when no further reading may be appended: the agent stops reading (backpressure). */
    public synchronized boolean isFull() {
        return size() >= capacity;
    }

    /** The highest seq whose acknowledgement has been recorded (committed or pending). */
    public synchronized long ackedThrough() {
        return pendingAckThrough;
    }

    /** The highest committed seq in the outbox, 0 when none was ever committed. */
    public synchronized long lastCommittedSeq() {
        return lastCommittedSeq;
    }

    @Override
    public synchronized SigningState load() throws OutboxException {
        try (Statement s = db.createStatement();
                ResultSet r =
                        s.executeQuery("SELECT last_seq, last_digest, last_time_ms FROM signing_state WHERE id = 1")) {
            if (!r.next()) {
                return SigningState.INITIAL;
            }
            return new SigningState(r.getLong(1), Bytes32.fromHex(r.getString(2)), r.getLong(3));
        } catch (SQLException | RuntimeException e) {
            throw new OutboxException(file, "reading the signing state", e);
        }
    }

    /** The cumulative registers of the last committed reading ({import, export} mWh), zeros when none. */
    public synchronized long[] lastRegisters() throws OutboxException {
        try (Statement s = db.createStatement();
                ResultSet r = s.executeQuery("SELECT import_mwh, export_mwh FROM signing_state WHERE id = 1")) {
            return r.next() ? new long[] {r.getLong(1), r.getLong(2)} : new long[] {0, 0};
        } catch (SQLException e) {
            throw new OutboxException(file, "reading the registers", e);
        }
    }

    /** Stores a signing state at once, in its own transaction (used to seed the database). */
    @Override
    public synchronized void store(SigningState state) throws OutboxException {
        try {
            writeState(state, lastRegisters());
            db.commit();
        } catch (SQLException e) {
            rollback();
            throw new OutboxException(file, "storing the signing state", e);
        }
    }

    /**
     * Installs {@code hook} to run inside every group commit that writes readings, so that what it
     * records about them (e.g. interval statements) becomes durable exactly when they do.
     */
    public synchronized void onCommit(CommitHook hook) {
        this.commitHook = hook;
    }

    /**
     * Runs {@code work} in one transaction on the outbox's database, committed on return and rolled
     * back on failure. The database is opened with an exclusive lock, so other tables of the agent live
     * here and go through this method.
     */
    public synchronized <T> T transaction(String what, Work<T> work) throws OutboxException {
        try {
            T result = work.run(db);
            db.commit();
            return result;
        } catch (SQLException | RuntimeException e) {
            rollback();
            throw new OutboxException(file, what, e);
        }
    }

    /** Queues a freshly signed reading for the next {@link #commit()}; it is invisible until then. */
    public synchronized void append(ReadingSigner.Prepared reading) {
        if (!pending.isEmpty()
                && reading.next().lastSeq()
                        != pending.get(pending.size() - 1).next().lastSeq() + 1) {
            throw new IllegalStateException("seq " + reading.next().lastSeq() + " does not follow pending seq "
                    + pending.get(pending.size() - 1).next().lastSeq());
        }
        pending.add(reading);
    }

    /** Records that the backend accepted every seq up to {@code through}; applied at the next commit. */
    public synchronized void acknowledge(long through) {
        pendingAckThrough = Math.max(pendingAckThrough, Math.min(through, lastCommittedSeq));
    }

    /** Records that the backend refused {@code seq} for good; it moves to {@code rejected} at the next commit. */
    public synchronized void reject(long seq, String reason, int code, String detail, long nowMs) {
        pendingRejections.add(new RejectedReading(seq, null, null, reason, code, detail, nowMs));
    }

    /**
     * Writes the pending readings, the signing state after the last of them, the acknowledgements and
     * the rejections in one transaction ({@code synchronous=FULL}: durable on return).
     *
     * @return the readings written, in seq order (now visible to {@link #unacknowledged})
     */
    public synchronized List<ReadingSigner.Prepared> commit() throws OutboxException {
        boolean acks = pendingAckThrough > ackedThrough;
        if (pending.isEmpty() && !acks && pendingRejections.isEmpty()) {
            return List.of();
        }
        List<ReadingSigner.Prepared> written = List.copyOf(pending);
        try {
            if (!written.isEmpty()) {
                insertReadings(written);
            }
            int moved = moveRejected();
            int deleted = acks ? deleteAcknowledged() : 0;
            db.commit();
            committedRows += written.size() - moved - deleted;
            ackedThrough = pendingAckThrough;
            if (!written.isEmpty()) {
                lastCommittedSeq = written.get(written.size() - 1).next().lastSeq();
            }
            pending.clear();
            pendingRejections.clear();
            return written;
        } catch (SQLException | RuntimeException e) {
            rollback();
            throw new OutboxException(file, "group commit of " + written.size() + " readings", e);
        }
    }

    /** The new readings, the signing state after the last of them, and what the commit hook adds (statements). */
    private void insertReadings(List<ReadingSigner.Prepared> written) throws SQLException {
        try (PreparedStatement ins =
                db.prepareStatement("INSERT INTO outbox (seq, digest, payload) VALUES (?, ?, ?)")) {
            for (ReadingSigner.Prepared p : written) {
                ins.setLong(1, p.next().lastSeq());
                ins.setString(2, p.next().lastDigest().toHex());
                ins.setBytes(3, CompactReading.encode(p.signed()));
                ins.addBatch();
            }
            ins.executeBatch();
        }
        ReadingSigner.Prepared last = written.get(written.size() - 1);
        MeterReading m = last.signed().message();
        writeState(last.next(), new long[] {m.importMilliWh(), m.exportMilliWh()});
        if (commitHook != null) {
            commitHook.committing(db, written);
        }
    }

    /** Moves the readings the backend refused into the rejected table, with the reason; returns how many moved. */
    private int moveRejected() throws SQLException {
        int moved = 0;
        for (RejectedReading r : pendingRejections) {
            try (PreparedStatement mv = db.prepareStatement("INSERT OR REPLACE INTO rejected"
                    + " (seq, digest, payload, reason, code, detail, rejected_at_ms)"
                    + " SELECT seq, digest, payload, ?, ?, ?, ? FROM outbox WHERE seq = ?")) {
                mv.setString(1, r.reason());
                mv.setInt(2, r.code());
                mv.setString(3, r.detail());
                mv.setLong(4, r.rejectedAtMs());
                mv.setLong(5, r.seq());
                if (mv.executeUpdate() == 1) {
                    try (PreparedStatement del = db.prepareStatement("DELETE FROM outbox WHERE seq = ?")) {
                        del.setLong(1, r.seq());
                        moved += del.executeUpdate();
                    }
                }
            }
        }
        return moved;
    }

    /** Deletes the readings acknowledged through the pending mark and records the mark; returns how many. */
    private int deleteAcknowledged() throws SQLException {
        try (PreparedStatement del = db.prepareStatement("DELETE FROM outbox WHERE seq <= ?");
                PreparedStatement up =
                        db.prepareStatement("INSERT OR REPLACE INTO acked (id, through) VALUES (1, ?)")) {
            del.setLong(1, pendingAckThrough);
            int deleted = del.executeUpdate();
            up.setLong(1, pendingAckThrough);
            up.executeUpdate();
            return deleted;
        }
    }

    private void writeState(SigningState state, long[] registers) throws SQLException {
        try (PreparedStatement st = db.prepareStatement("INSERT OR REPLACE INTO signing_state"
                + " (id, last_seq, last_digest, last_time_ms, import_mwh, export_mwh) VALUES (1, ?, ?, ?, ?, ?)")) {
            st.setLong(1, state.lastSeq());
            st.setString(2, state.lastDigest().toHex());
            st.setLong(3, state.lastTimeMs());
            st.setLong(4, registers[0]);
            st.setLong(5, registers[1]);
            st.executeUpdate();
        }
    }

    /** Committed readings with seq at or above {@code fromSeq}, oldest first, at most {@code limit}. */
    public synchronized List<StoredReading> unacknowledged(long fromSeq, int limit) throws OutboxException {
        List<StoredReading> out = new ArrayList<>();
        try (PreparedStatement q = db.prepareStatement(
                "SELECT seq, digest, payload FROM outbox WHERE seq >= ? AND seq > ? ORDER BY seq LIMIT ?")) {
            q.setLong(1, fromSeq);
            q.setLong(2, pendingAckThrough);
            q.setInt(3, limit);
            try (ResultSet r = q.executeQuery()) {
                while (r.next()) {
                    out.add(new StoredReading(
                            r.getLong(1), r.getString(2), CompactReading.toWire(r.getLong(1), r.getBytes(3))));
                }
            }
            db.commit(); // ends the read transaction so WAL checkpoints are not held back
            return out;
        } catch (SQLException | RuntimeException e) {
            rollback();
            throw new OutboxException(file, "reading unacknowledged readings", e);
        }
    }

    /** Readings the backend refused, with their reasons, oldest first. */
    public synchronized List<RejectedReading> rejected() throws OutboxException {
        List<RejectedReading> out = new ArrayList<>();
        try (Statement s = db.createStatement();
                ResultSet r = s.executeQuery("SELECT seq, digest, payload, reason, code, detail, rejected_at_ms"
                        + " FROM rejected ORDER BY seq")) {
            while (r.next()) {
                out.add(new RejectedReading(
                        r.getLong(1),
                        r.getString(2),
                        CompactReading.toWire(r.getLong(1), r.getBytes(3)),
                        r.getString(4),
                        r.getInt(5),
                        r.getString(6),
                        r.getLong(7)));
            }
            db.commit();
            return out;
        } catch (SQLException | RuntimeException e) {
            rollback();
            throw new OutboxException(file, "reading rejected readings", e);
        }
    }

    private void rollback() {
        try {
            db.rollback();
        } catch (SQLException ignored) {
            // the connection is broken; the next operation reports it with the file name
        }
    }

    /** Closes the database; pending (uncommitted) readings are dropped with their seqs. */
    @Override
    public synchronized void close() {
        try {
            db.close();
        } catch (SQLException ignored) {
            // nothing left to save: every committed transaction is already durable
        }
    }
}
