package org.gridshare.agent.statement;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.gridshare.agent.outbox.Outbox;
import org.gridshare.agent.outbox.OutboxException;
import org.gridshare.agent.signing.ReadingSigner;
import org.gridshare.protocol.Bytes32;
import org.gridshare.protocol.Eip712;
import org.gridshare.protocol.Eip712Domain;
import org.gridshare.protocol.IntervalStatement;
import org.gridshare.protocol.MeterReading;
import org.gridshare.protocol.RejectReason;
import org.gridshare.protocol.Secp256k1Signer;
import org.gridshare.protocol.Signed;
import org.gridshare.protocol.downlink.StatementVerdict;
import org.gridshare.protocol.wire.JsonWire;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Signs one {@link IntervalStatement} per ended market interval with the meter key, in the market's
 * EIP-712 domain, and keeps it in the outbox database until the backend's verdict.
 *
 * <p>Every committed reading is journaled ({@code statement_readings}) inside the outbox's own group
 * commit ({@link Outbox#onCommit}), so the journal never misses a reading the backend may have. An
 * interval is stated when the first reading at or after its end is committed, in that same
 * transaction, or by {@link #closeByClock} at its end + {@value #CLOSE_AFTER_MS} ms when no reading
 * came. A statement is inserted once and never replaced ({@code statements} keyed by interval start),
 * so an interval is never signed twice differently; signing is deterministic (RFC 6979) anyway. The
 * journal keeps the interval readings not yet stated plus the last reading before them (the start
 * registers of the next statement) and nothing older.
 */
public final class StatementStore implements Outbox.CommitHook {
    /** How long after an interval's end the clock states it when no later reading arrived. */
    public static final long CLOSE_AFTER_MS = 5_000;

    private static final Logger LOG = LoggerFactory.getLogger(StatementStore.class);

    private final Outbox outbox;
    private final Secp256k1Signer meterKey;
    private final Eip712Domain marketDomain;
    private final long intervalSeconds;
    private final long lengthMs;
    private final Clock clock;
    private volatile String problem;

    /**
     * Creates the tables when missing. Install it with {@code outbox.onCommit(store)} before the agent
     * commits readings.
     */
    public StatementStore(
            Outbox outbox, Secp256k1Signer meterKey, Eip712Domain marketDomain, long intervalSeconds, Clock clock)
            throws OutboxException {
        if (intervalSeconds < 1) {
            throw new IllegalArgumentException("intervalSeconds must be at least 1: " + intervalSeconds);
        }
        this.outbox = outbox;
        this.meterKey = meterKey;
        this.marketDomain = marketDomain;
        this.intervalSeconds = intervalSeconds;
        this.lengthMs = intervalSeconds * 1000;
        this.clock = clock;
        outbox.transaction("creating the statement tables", db -> {
            try (Statement s = db.createStatement()) {
                s.execute(
                        "CREATE TABLE IF NOT EXISTS statement_readings (seq INTEGER PRIMARY KEY, time_ms INTEGER NOT NULL,"
                                + " import_mwh INTEGER NOT NULL, export_mwh INTEGER NOT NULL, digest BLOB NOT NULL)");
                s.execute("CREATE TABLE IF NOT EXISTS statements (interval_start_ms INTEGER PRIMARY KEY,"
                        + " interval_seconds INTEGER NOT NULL, first_seq INTEGER NOT NULL, last_seq INTEGER NOT NULL,"
                        + " net_mwh INTEGER NOT NULL, complete INTEGER NOT NULL, digest TEXT NOT NULL, payload BLOB NOT NULL,"
                        + " signed_at_ms INTEGER NOT NULL, status TEXT NOT NULL, reason TEXT, code INTEGER, detail TEXT,"
                        + " verdict_at_ms INTEGER)");
            }
            return null;
        });
    }

    public long intervalSeconds() {
        return intervalSeconds;
    }

    /** Journals the committed readings and states every interval that a reading now shows ended. */
    @Override
    public void committing(Connection db, List<ReadingSigner.Prepared> written) throws SQLException {
        try (PreparedStatement ins = db.prepareStatement("INSERT OR IGNORE INTO statement_readings"
                + " (seq, time_ms, import_mwh, export_mwh, digest) VALUES (?, ?, ?, ?, ?)")) {
            for (ReadingSigner.Prepared p : written) {
                MeterReading m = p.signed().message();
                ins.setLong(1, m.seq());
                ins.setLong(2, m.timeMs());
                ins.setLong(3, m.importMilliWh());
                ins.setLong(4, m.exportMilliWh());
                ins.setBytes(5, p.next().lastDigest().bytes());
                ins.addBatch();
            }
            ins.executeBatch();
        }
        long newest = written.get(written.size() - 1).signed().message().timeMs();
        // the readings come first: a statement that cannot be signed now must not stop them from being
        // stored; its interval stays journaled and is tried again at the next commit
        try (Statement sp = db.createStatement()) {
            sp.execute("SAVEPOINT stating");
            try {
                closeEndedBy(db, newest);
                problem = null;
            } catch (SQLException | RuntimeException e) {
                sp.execute("ROLLBACK TO stating");
                if (!e.toString().equals(problem)) { // once per distinct problem, not every commit
                    LOG.error(
                            "stating intervals ended by seq {} failed, kept for the next commit: {}",
                            written.get(written.size() - 1).signed().message().seq(),
                            e.toString());
                }
                problem = e.toString();
            }
            sp.execute("RELEASE stating");
        }
    }

    /**
     * States every journaled interval that ended at least {@value #CLOSE_AFTER_MS} ms before
     * {@code nowMs}. The caller makes sure no signed reading is still waiting for its group commit
     * (it could belong to such an interval).
     *
     * @return statements signed
     */
    public int closeByClock(long nowMs) throws OutboxException {
        return outbox.transaction("stating ended intervals", db -> closeEndedBy(db, nowMs - CLOSE_AFTER_MS));
    }

    /** Signs statements for the journaled, unstated intervals whose end is at or before {@code boundaryMs}. */
    private int closeEndedBy(Connection db, long boundaryMs) throws SQLException {
        List<Long> starts = new ArrayList<>();
        try (PreparedStatement q =
                db.prepareStatement("SELECT DISTINCT time_ms - (time_ms % ?) AS s FROM statement_readings r"
                        + " WHERE time_ms < ? AND NOT EXISTS (SELECT 1 FROM statements t WHERE t.interval_start_ms = r.time_ms - (r.time_ms % ?))"
                        + " ORDER BY s")) {
            q.setLong(1, lengthMs);
            q.setLong(2, boundaryMs);
            q.setLong(3, lengthMs);
            try (ResultSet r = q.executeQuery()) {
                while (r.next()) {
                    long s = r.getLong(1);
                    if (s + lengthMs <= boundaryMs) {
                        starts.add(s);
                    }
                }
            }
        }
        for (long start : starts) {
            sign(db, start);
        }
        if (!starts.isEmpty()) {
            prune(db);
        }
        return starts.size();
    }

    private void sign(Connection db, long start) throws SQLException {
        JournaledReading before = null;
        try (PreparedStatement q = db.prepareStatement("SELECT seq, time_ms, import_mwh, export_mwh, digest"
                + " FROM statement_readings WHERE time_ms < ? ORDER BY seq DESC LIMIT 1")) {
            q.setLong(1, start);
            try (ResultSet r = q.executeQuery()) {
                if (r.next()) {
                    before = row(r);
                }
            }
        }
        List<JournaledReading> readings = new ArrayList<>();
        try (PreparedStatement q = db.prepareStatement("SELECT seq, time_ms, import_mwh, export_mwh, digest"
                + " FROM statement_readings WHERE time_ms >= ? AND time_ms < ? ORDER BY seq")) {
            q.setLong(1, start);
            q.setLong(2, start + lengthMs);
            try (ResultSet r = q.executeQuery()) {
                while (r.next()) {
                    readings.add(row(r));
                }
            }
        }
        IntervalStatement st = StatementBuilder.build(meterKey.address(), start, intervalSeconds, before, readings);
        Signed<IntervalStatement> signed = meterKey.sign(marketDomain, st);
        try (PreparedStatement ins = db.prepareStatement("INSERT OR IGNORE INTO statements (interval_start_ms,"
                + " interval_seconds, first_seq, last_seq, net_mwh, complete, digest, payload, signed_at_ms, status)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            ins.setLong(1, start);
            ins.setLong(2, intervalSeconds);
            ins.setLong(3, st.firstSeq());
            ins.setLong(4, st.lastSeq());
            ins.setLong(5, StatementBuilder.netMilliWh(st));
            ins.setInt(6, before == null ? 0 : 1);
            ins.setString(7, Eip712.digest(marketDomain, st).toHex());
            ins.setBytes(8, JsonWire.encodeStatement(signed));
            ins.setLong(9, clock.millis());
            ins.setString(10, StoredStatement.PENDING);
            ins.executeUpdate();
        }
        LOG.info(
                "statement for interval {} signed: seqs {}..{}, net {} mWh",
                start,
                st.firstSeq(),
                st.lastSeq(),
                StatementBuilder.netMilliWh(st));
    }

    /** Keeps the readings of unstated intervals and the last reading before the earliest of them. */
    private void prune(Connection db) throws SQLException {
        Long keepFrom = null;
        try (PreparedStatement q = db.prepareStatement(
                "SELECT MIN(time_ms - (time_ms % ?)) FROM statement_readings r"
                        + " WHERE NOT EXISTS (SELECT 1 FROM statements t WHERE t.interval_start_ms = r.time_ms - (r.time_ms % ?))")) {
            q.setLong(1, lengthMs);
            q.setLong(2, lengthMs);
            try (ResultSet r = q.executeQuery()) {
                if (r.next()) {
                    long open = r.getLong(1);
                    if (!r.wasNull()) {
                        keepFrom = open;
                    }
                }
            }
        }
        String keep = keepFrom == null
                ? "SELECT MAX(seq) FROM statement_readings"
                : "SELECT MAX(seq) FROM statement_readings WHERE time_ms < " + keepFrom;
        try (Statement s = db.createStatement();
                ResultSet r = s.executeQuery(keep)) {
            if (r.next()) {
                long seq = r.getLong(1);
                if (!r.wasNull()) {
                    try (PreparedStatement del = db.prepareStatement("DELETE FROM statement_readings WHERE seq < ?")) {
                        del.setLong(1, seq);
                        del.executeUpdate();
                    }
                }
            }
        }
    }

    private static JournaledReading row(ResultSet r) throws SQLException {
        return new JournaledReading(r.getLong(1), r.getLong(2), r.getLong(3), r.getLong(4), new Bytes32(r.getBytes(5)));
    }

    /**
     * Applies the backend's verdict.
     *
     * @return null when applied, otherwise why not (unknown interval)
     */
    public String apply(StatementVerdict v) throws OutboxException {
        if (v.intervalStartMs() == null) {
            return "UNKNOWN_INTERVAL: a verdict on a statement the backend could not decode: " + v.reason() + " "
                    + v.detail();
        }
        long now = clock.millis();
        return outbox.transaction("applying a statement verdict", db -> {
            String status;
            try (PreparedStatement q =
                    db.prepareStatement("SELECT status FROM statements WHERE interval_start_ms = ?")) {
                q.setLong(1, v.intervalStartMs());
                try (ResultSet r = q.executeQuery()) {
                    if (!r.next()) {
                        return "UNKNOWN_INTERVAL: no statement for interval " + v.intervalStartMs();
                    }
                    status = r.getString(1);
                }
            }
            if (status.equals(StoredStatement.ACCEPTED)) {
                return null; // a repeated verdict: the first acceptance stands
            }
            String next = v.accepted()
                    ? StoredStatement.ACCEPTED
                    // after a transient reason the same statement can still be accepted: it stays pending
                    : RejectReason.named(v.reason())
                                    .map(RejectReason::isTransient)
                                    .orElse(false)
                            ? StoredStatement.PENDING
                            : StoredStatement.REJECTED;
            try (PreparedStatement up = db.prepareStatement("UPDATE statements SET status = ?, reason = ?, code = ?,"
                    + " detail = ?, verdict_at_ms = ? WHERE interval_start_ms = ?")) {
                up.setString(1, next);
                up.setString(2, v.reason());
                if (v.accepted()) {
                    up.setNull(3, java.sql.Types.INTEGER);
                } else {
                    up.setInt(3, v.code());
                }
                up.setString(4, v.detail());
                up.setLong(5, now);
                up.setLong(6, v.intervalStartMs());
                up.executeUpdate();
            }
            if (next.equals(StoredStatement.REJECTED)) {
                LOG.warn(
                        "backend rejected the statement of interval {}: {} {}",
                        v.intervalStartMs(),
                        v.reason(),
                        v.detail());
            }
            return null;
        });
    }

    /** Statements with {@code status}, oldest first ({@code null}: all), at most {@code limit}. */
    public List<StoredStatement> list(String status, int limit) throws OutboxException {
        return outbox.transaction("reading statements", db -> {
            List<StoredStatement> out = new ArrayList<>();
            String sql =
                    "SELECT interval_start_ms, first_seq, last_seq, net_mwh, complete, digest, payload, signed_at_ms,"
                            + " status, reason, code, detail FROM statements"
                            + (status == null ? "" : " WHERE status = ?")
                            + " ORDER BY interval_start_ms LIMIT ?";
            try (PreparedStatement q = db.prepareStatement(sql)) {
                int i = 1;
                if (status != null) {
                    q.setString(i++, status);
                }
                q.setInt(i, limit);
                try (ResultSet r = q.executeQuery()) {
                    while (r.next()) {
                        int code = r.getInt(11);
                        Integer c = r.wasNull() ? null : code;
                        out.add(new StoredStatement(
                                r.getLong(1),
                                r.getLong(2),
                                r.getLong(3),
                                r.getLong(4),
                                r.getInt(5) == 1,
                                r.getString(6),
                                r.getBytes(7),
                                r.getLong(8),
                                r.getString(9),
                                r.getString(10),
                                c,
                                r.getString(12)));
                    }
                }
            }
            return out;
        });
    }

    /** How many statements have {@code status}. */
    public long count(String status) throws OutboxException {
        return outbox.transaction("counting statements", db -> {
            try (PreparedStatement q = db.prepareStatement("SELECT count(*) FROM statements WHERE status = ?")) {
                q.setString(1, status);
                try (ResultSet r = q.executeQuery()) {
                    r.next();
                    return r.getLong(1);
                }
            }
        });
    }

    /**
     * The net energy (export − import, mWh) of the latest {@code max} complete statements, oldest first:
     * the metered history the trading forecast starts from.
     */
    public List<Long> recentNets(int max) throws OutboxException {
        return outbox.transaction("reading statement nets", db -> {
            List<Long> out = new ArrayList<>();
            try (PreparedStatement q = db.prepareStatement(
                    "SELECT net_mwh FROM (SELECT interval_start_ms, net_mwh"
                            + " FROM statements WHERE complete = 1 ORDER BY interval_start_ms DESC LIMIT ?) ORDER BY interval_start_ms")) {
                q.setInt(1, max);
                try (ResultSet r = q.executeQuery()) {
                    while (r.next()) {
                        out.add(r.getLong(1));
                    }
                }
            }
            return out;
        });
    }

    /** Why the last attempt to state ended intervals failed, or null when it did not. */
    public String problem() {
        return problem;
    }

    /** Readings held in the journal (the open intervals and the one before them). */
    public long journalSize() throws OutboxException {
        return outbox.transaction("counting journaled readings", db -> {
            try (Statement s = db.createStatement();
                    ResultSet r = s.executeQuery("SELECT count(*) FROM statement_readings")) {
                r.next();
                return r.getLong(1);
            }
        });
    }
}
