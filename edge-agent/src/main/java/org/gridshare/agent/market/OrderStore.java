package org.gridshare.agent.market;

import java.math.BigInteger;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.LongFunction;
import org.gridshare.agent.outbox.Outbox;
import org.gridshare.agent.outbox.OutboxException;
import org.gridshare.protocol.Eip712;
import org.gridshare.protocol.Eip712Domain;
import org.gridshare.protocol.Order;
import org.gridshare.protocol.Signed;
import org.gridshare.protocol.downlink.Fill;
import org.gridshare.protocol.downlink.FillsMessage;
import org.gridshare.protocol.downlink.OrderVerdict;
import org.gridshare.protocol.downlink.Settlement;
import org.gridshare.protocol.wire.JsonWire;

/**
 * The household's orders, their verdicts, fills and settlements, and the last nonce used, in the
 * outbox database ({@code orders}, {@code trading_state}). An order is inserted with its nonce in one
 * transaction before it is published, so a nonce is persisted before use and never used twice; one
 * order per interval (primary key).
 */
public final class OrderStore {
    private static final String COLUMNS = "interval_start_ms, nonce, digest, side, energy_mwh, limit_price, expiry_ms,"
            + " forecast_mwh, payload, created_at_ms, status, reason, code, detail, filled_mwh, clearing_price,"
            + " net_base_units, delivered_mwh, tx_hash, block_number";
    private final Outbox outbox;
    private final Eip712Domain marketDomain;

    public OrderStore(Outbox outbox, Eip712Domain marketDomain) throws OutboxException {
        this.outbox = outbox;
        this.marketDomain = marketDomain;
        outbox.transaction("creating the order tables", db -> {
            try (Statement s = db.createStatement()) {
                s.execute("CREATE TABLE IF NOT EXISTS trading_state (id INTEGER PRIMARY KEY CHECK (id = 1),"
                        + " last_nonce INTEGER NOT NULL)");
                s.execute(
                        "CREATE TABLE IF NOT EXISTS orders (interval_start_ms INTEGER PRIMARY KEY,"
                                + " nonce INTEGER NOT NULL UNIQUE, digest TEXT NOT NULL UNIQUE, side INTEGER NOT NULL,"
                                + " energy_mwh INTEGER NOT NULL, limit_price INTEGER NOT NULL, expiry_ms INTEGER NOT NULL,"
                                + " forecast_mwh INTEGER NOT NULL, payload BLOB NOT NULL, created_at_ms INTEGER NOT NULL,"
                                + " status TEXT NOT NULL, reason TEXT, code INTEGER, detail TEXT, filled_mwh INTEGER,"
                                + " clearing_price INTEGER, net_base_units TEXT, delivered_mwh INTEGER, tx_hash TEXT, block_number INTEGER)");
            }
            return null;
        });
    }

    /** The highest nonce ever used (0 before the first order). */
    public long lastNonce() throws OutboxException {
        return outbox.transaction("reading the last nonce", OrderStore::lastNonce);
    }

    private static long lastNonce(Connection db) throws SQLException {
        try (Statement s = db.createStatement();
                ResultSet r = s.executeQuery("SELECT last_nonce FROM trading_state WHERE id = 1")) {
            return r.next() ? r.getLong(1) : 0;
        }
    }

    /**
     * Takes the next nonce ({@code max(last + 1, nowMs)}, so a household whose database was lost still
     * never repeats a nonce it used before), signs the order built by {@code sign} with it and stores
     * both in one transaction. Empty when the interval already has an order.
     *
     * @param sign builds and signs the order for a nonce; its interval must be {@code intervalStartMs}
     */
    public Optional<PlacedOrder> place(
            long intervalStartMs, long forecastNetMilliWh, long nowMs, LongFunction<Signed<Order>> sign)
            throws OutboxException {
        return outbox.transaction("placing the order for interval " + intervalStartMs, db -> {
            if (find(db, "interval_start_ms = ?", intervalStartMs).isPresent()) {
                return Optional.<PlacedOrder>empty();
            }
            long nonce = Math.max(Math.addExact(lastNonce(db), 1), nowMs);
            Signed<Order> signed = sign.apply(nonce);
            Order o = signed.message();
            if (o.nonce() != nonce || o.intervalStartMs() != intervalStartMs) {
                throw new IllegalStateException("order signed for nonce " + o.nonce() + " / interval "
                        + o.intervalStartMs() + ", expected " + nonce + " / " + intervalStartMs);
            }
            try (PreparedStatement up =
                            db.prepareStatement("INSERT OR REPLACE INTO trading_state (id, last_nonce) VALUES (1, ?)");
                    PreparedStatement ins =
                            db.prepareStatement("INSERT INTO orders (interval_start_ms, nonce, digest, side,"
                                    + " energy_mwh, limit_price, expiry_ms, forecast_mwh, payload, created_at_ms, status)"
                                    + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
                up.setLong(1, nonce);
                up.executeUpdate();
                ins.setLong(1, intervalStartMs);
                ins.setLong(2, nonce);
                ins.setString(3, Eip712.digest(marketDomain, o).toHex());
                ins.setInt(4, o.side());
                ins.setLong(5, o.energyMilliWh());
                ins.setLong(6, o.limitPricePerKWh());
                ins.setLong(7, o.expiryMs());
                ins.setLong(8, forecastNetMilliWh);
                ins.setBytes(9, JsonWire.encodeOrder(signed));
                ins.setLong(10, nowMs);
                ins.setString(11, PlacedOrder.SENT);
                ins.executeUpdate();
            }
            return find(db, "interval_start_ms = ?", intervalStartMs);
        });
    }

    /** The order for an interval, if one was placed. */
    public Optional<PlacedOrder> forInterval(long intervalStartMs) throws OutboxException {
        return outbox.transaction("reading an order", db -> find(db, "interval_start_ms = ?", intervalStartMs));
    }

    /** Orders with interval start in [fromMs, toMs), oldest first. */
    public List<PlacedOrder> between(long fromMs, long toMs) throws OutboxException {
        return outbox.transaction(
                "reading orders", db -> list(db, "interval_start_ms >= ? AND interval_start_ms < ?", fromMs, toMs));
    }

    /** Orders not rejected and not yet cleared, oldest first. */
    public List<PlacedOrder> open() throws OutboxException {
        return outbox.transaction("reading open orders", db -> list(db, "status <> 'rejected' AND filled_mwh IS NULL"));
    }

    /** Orders without a verdict yet for intervals starting after {@code afterMs}, oldest first. */
    public List<PlacedOrder> unconfirmed(long afterMs) throws OutboxException {
        return outbox.transaction(
                "reading unconfirmed orders", db -> list(db, "status = 'sent' AND interval_start_ms > ?", afterMs));
    }

    /**
     * Applies a verdict, fill or settlement to the order it names.
     *
     * @return null when applied, otherwise why not (unknown order, a fill that contradicts the order)
     */
    public String apply(FillsMessage m) throws OutboxException {
        if (m.orderDigest() == null) {
            OrderVerdict v = (OrderVerdict) m; // only a verdict on an undecodable payload names no order
            return "UNKNOWN_ORDER: a verdict on an order the backend could not decode: " + v.reason() + " "
                    + v.detail();
        }
        long intervalStartMs = switch (m) {
            case OrderVerdict v -> v.intervalStartMs();
            case Fill f -> f.intervalStartMs();
            case Settlement s -> s.intervalStartMs();
        };
        return outbox.transaction("applying a market message", db -> {
            Optional<PlacedOrder> found = find(db, "digest = ?", m.orderDigest().toHex());
            if (found.isEmpty()) {
                return "UNKNOWN_ORDER: no order with digest " + m.orderDigest().toHex();
            }
            PlacedOrder o = found.get();
            if (o.intervalStartMs() != intervalStartMs) {
                return "MISMATCH: order " + o.digest() + " is for interval " + o.intervalStartMs() + ", not "
                        + intervalStartMs;
            }
            switch (m) {
                case OrderVerdict v -> {
                    if (o.status().equals(PlacedOrder.SENT)) {
                        update(
                                db,
                                o,
                                "status = ?, reason = ?, code = ?, detail = ?",
                                v.accepted() ? PlacedOrder.ACCEPTED : PlacedOrder.REJECTED,
                                v.reason(),
                                v.accepted() ? null : v.code(),
                                v.detail());
                    } else if (!o.status().equals(v.accepted() ? PlacedOrder.ACCEPTED : PlacedOrder.REJECTED)) {
                        return "CONFLICT: order " + o.digest() + " was already " + o.status();
                    }
                }
                case Fill f -> {
                    if (f.side() != o.side() || f.energyMilliWh() != o.energyMilliWh()) {
                        return "MISMATCH: fill says side " + f.side() + " and " + f.energyMilliWh() + " mWh, the order "
                                + o.side() + " and " + o.energyMilliWh();
                    }
                    // a fill implies acceptance, also when the verdict was lost
                    update(
                            db,
                            o,
                            "filled_mwh = ?, clearing_price = ?, status = CASE WHEN status = 'sent' THEN 'accepted'"
                                    + " ELSE status END",
                            f.filledMilliWh(),
                            f.clearingPricePerKWh());
                }
                case Settlement s ->
                    update(
                            db,
                            o,
                            "net_base_units = ?, delivered_mwh = ?, tx_hash = ?," + " block_number = ?",
                            s.netBaseUnits().toString(),
                            s.deliveredMilliWh(),
                            s.txHash().toHex(),
                            s.blockNumber());
            }
            return null;
        });
    }

    private static void update(Connection db, PlacedOrder o, String set, Object... values) throws SQLException {
        try (PreparedStatement up = db.prepareStatement("UPDATE orders SET " + set + " WHERE interval_start_ms = ?")) {
            int i = 1;
            for (Object v : values) {
                up.setObject(i++, v);
            }
            up.setLong(i, o.intervalStartMs());
            up.executeUpdate();
        }
    }

    private static Optional<PlacedOrder> find(Connection db, String where, Object... args) throws SQLException {
        List<PlacedOrder> l = list(db, where, args);
        return l.isEmpty() ? Optional.empty() : Optional.of(l.get(0));
    }

    private static List<PlacedOrder> list(Connection db, String where, Object... args) throws SQLException {
        List<PlacedOrder> out = new ArrayList<>();
        try (PreparedStatement q = db.prepareStatement(
                "SELECT " + COLUMNS + " FROM orders WHERE " + where + " ORDER BY interval_start_ms")) {
            for (int i = 0; i < args.length; i++) {
                q.setObject(i + 1, args[i]);
            }
            try (ResultSet r = q.executeQuery()) {
                while (r.next()) {
                    String net = r.getString(17);
                    out.add(new PlacedOrder(
                            r.getLong(1),
                            r.getLong(2),
                            r.getString(3),
                            r.getInt(4),
                            r.getLong(5),
                            r.getLong(6),
                            r.getLong(7),
                            r.getLong(8),
                            r.getBytes(9),
                            r.getLong(10),
                            r.getString(11),
                            r.getString(12),
                            integer(r, 13),
                            r.getString(14),
                            longOrNull(r, 15),
                            longOrNull(r, 16),
                            net == null ? null : new BigInteger(net),
                            longOrNull(r, 18),
                            r.getString(19),
                            longOrNull(r, 20)));
                }
            }
        }
        return out;
    }

    private static Long longOrNull(ResultSet r, int col) throws SQLException {
        long v = r.getLong(col);
        return r.wasNull() ? null : v;
    }

    private static Integer integer(ResultSet r, int col) throws SQLException {
        int v = r.getInt(col);
        return r.wasNull() ? null : v;
    }
}
