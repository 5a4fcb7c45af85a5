package org.gridshare.agent.inbox;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.gridshare.agent.outbox.Outbox;
import org.gridshare.agent.outbox.OutboxException;

/**
 * Every message the backend sends about statements and orders, kept as it arrived in the outbox
 * database ({@code inbound} table): with {@code problem} null when it was applied, or the reason it
 * was not (malformed, unknown order, …). Nothing that arrives is lost or guessed at.
 */
public final class InboundLog {
    /** Longer payloads are kept cut to this length (their problem says so). */
    public static final int MAX_KEPT_BYTES = 8192;

    private final Outbox db;

    /** One kept message. */
    // a row read back from the log: never compared or hashed
    @SuppressWarnings("ArrayRecordComponent")
    public record Entry(long id, long receivedAtMs, String topic, byte[] payload, String problem) {}

    public InboundLog(Outbox db) throws OutboxException {
        this.db = db;
        db.transaction("creating the inbound table", c -> {
            try (Statement s = c.createStatement()) {
                s.execute(
                        "CREATE TABLE IF NOT EXISTS inbound (id INTEGER PRIMARY KEY AUTOINCREMENT,"
                                + " received_at_ms INTEGER NOT NULL, topic TEXT NOT NULL, payload BLOB NOT NULL, problem TEXT)");
            }
            return null;
        });
    }

    /** Keeps {@code payload}; {@code problem} is null when the message was applied. */
    public void keep(long nowMs, String topic, byte[] payload, String problem) throws OutboxException {
        db.transaction("keeping a message from " + topic, c -> {
            try (PreparedStatement p = c.prepareStatement(
                    "INSERT INTO inbound (received_at_ms, topic, payload, problem) VALUES (?, ?, ?, ?)")) {
                p.setLong(1, nowMs);
                p.setString(2, topic);
                // what the broker lets through is bounded, but the SD card should not depend on that
                p.setBytes(
                        3,
                        payload.length > MAX_KEPT_BYTES ? java.util.Arrays.copyOf(payload, MAX_KEPT_BYTES) : payload);
                p.setString(4, problem);
                p.executeUpdate();
            }
            return null;
        });
    }

    /** Deletes applied messages received before {@code beforeMs}; those with a problem are kept. */
    public int prune(long beforeMs) throws OutboxException {
        return db.transaction("pruning the inbound table", c -> {
            try (PreparedStatement p =
                    c.prepareStatement("DELETE FROM inbound WHERE problem IS NULL AND received_at_ms < ?")) {
                p.setLong(1, beforeMs);
                return p.executeUpdate();
            }
        });
    }

    /** Messages that could not be applied, oldest first. */
    public List<Entry> problems() throws OutboxException {
        return db.transaction("reading the inbound table", c -> {
            List<Entry> out = new ArrayList<>();
            try (Statement s = c.createStatement();
                    ResultSet r = s.executeQuery("SELECT id, received_at_ms, topic, payload, problem FROM inbound"
                            + " WHERE problem IS NOT NULL ORDER BY id")) {
                while (r.next()) {
                    out.add(new Entry(r.getLong(1), r.getLong(2), r.getString(3), r.getBytes(4), r.getString(5)));
                }
            }
            return out;
        });
    }

    /** How many messages were kept, applied or not. */
    public long count() throws OutboxException {
        return db.transaction("counting the inbound table", c -> {
            try (Statement s = c.createStatement();
                    ResultSet r = s.executeQuery("SELECT count(*) FROM inbound")) {
                r.next();
                return r.getLong(1);
            }
        });
    }
}
