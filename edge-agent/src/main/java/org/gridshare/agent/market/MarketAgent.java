package org.gridshare.agent.market;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.math.BigInteger;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.gridshare.agent.http.StatusSection;
import org.gridshare.agent.inbox.InboundLog;
import org.gridshare.agent.outbox.Outbox;
import org.gridshare.agent.outbox.OutboxException;
import org.gridshare.agent.statement.StatementStore;
import org.gridshare.agent.statement.StoredStatement;
import org.gridshare.agent.uplink.MqttSession;
import org.gridshare.protocol.Eip712Domain;
import org.gridshare.protocol.Order;
import org.gridshare.protocol.Secp256k1Signer;
import org.gridshare.protocol.Topics;
import org.gridshare.protocol.downlink.Downlink;
import org.gridshare.protocol.downlink.StatementVerdict;
import org.gridshare.protocol.wire.WireFormatException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent's market side: interval statements (signed with the meter key, kept in the outbox
 * database, published QoS 1 to {@code …/{meter}/statements} until the backend's verdict on
 * {@code …/{meter}/statement-acks}) and, when trading, the {@link Trader} with the household key
 * (orders to {@code …/{account}/orders}, verdicts, fills and settlements from {@code …/{account}/fills}).
 * Runs its rounds on one daemon thread; the MQTT client's thread only records what arrives.
 */
public final class MarketAgent implements StatusSection, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(MarketAgent.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long ROUND_MS = 500;
    /** Applied messages are kept this long (the orders and statements keep what they said). */
    private static final long INBOUND_RETENTION_MS = 7L * 24 * 3600 * 1000;

    private long nextPruneMs;

    /**
     * The market agent's settings.
     *
     * @param marketDomain the EIP-712 domain of the market contract (statements and orders)
     * @param resendMs a statement or order without a verdict is published again after this long
     * @param trading false: statements only (a household that does not trade still settles with the grid)
     */
    public record Settings(
            Eip712Domain marketDomain,
            MarketSchedule schedule,
            TradingLimits limits,
            ZoneId timeZone,
            int alphaPercent,
            boolean trading,
            long resendMs) {}

    private final Outbox outbox;
    private final StatementStore statements;
    private final OrderStore orders;
    private final InboundLog inbound;
    private final Trader trader;
    private final Secp256k1Signer meterKey;
    private final String zone;
    private final MqttSession mqtt;
    private final LongSupplier signedThrough;
    private final Settings settings;
    private final Clock clock;
    private final Map<Long, Long> statementPublished = new ConcurrentHashMap<>();
    private final ScheduledExecutorService loop;
    private final Map<String, String> lastErrors = new ConcurrentHashMap<>();

    private MarketAgent(
            Outbox outbox,
            Secp256k1Signer meterKey,
            Secp256k1Signer householdKey,
            String zone,
            MqttSession mqtt,
            LongSupplier signedThrough,
            Settings s,
            Clock clock)
            throws OutboxException {
        this.outbox = outbox;
        this.meterKey = meterKey;
        this.zone = zone;
        this.mqtt = mqtt;
        this.signedThrough = signedThrough;
        this.settings = s;
        this.clock = clock;
        this.statements = new StatementStore(
                outbox, meterKey, s.marketDomain(), s.schedule().intervalSeconds(), clock);
        this.orders = new OrderStore(outbox, s.marketDomain());
        this.inbound = new InboundLog(outbox);
        this.trader = s.trading()
                ? new Trader(
                        orders,
                        statements,
                        inbound,
                        s.limits(),
                        s.schedule(),
                        householdKey,
                        s.marketDomain(),
                        zone,
                        s.timeZone(),
                        s.alphaPercent(),
                        mqtt,
                        clock,
                        s.resendMs())
                : null;
        this.loop = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "gridshare-market");
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * Creates the tables, hooks the statement journal into the outbox's group commit and subscribes
     * the verdict and fills topics (before the agent starts, so nothing committed is missed).
     *
     * @param householdKey null when not trading
     * @param signedThrough the last seq the meter signer handed out (committed or not)
     */
    public static MarketAgent install(
            Outbox outbox,
            Secp256k1Signer meterKey,
            Secp256k1Signer householdKey,
            String zone,
            MqttSession mqtt,
            LongSupplier signedThrough,
            Settings settings,
            Clock clock)
            throws OutboxException {
        if (settings.trading() && householdKey == null) {
            throw new IllegalArgumentException("trading needs the household key");
        }
        MarketAgent m = new MarketAgent(outbox, meterKey, householdKey, zone, mqtt, signedThrough, settings, clock);
        outbox.onCommit(m.statements);
        String acks = Topics.statementAcks(zone, meterKey.address());
        mqtt.subscribe(acks, payload -> m.onStatementVerdict(acks, payload));
        if (m.trader != null) {
            String fills = Topics.fills(zone, householdKey.address());
            mqtt.subscribe(fills, payload -> m.trader.onMessage(fills, payload));
        }
        return m;
    }

    /** Starts the rounds (statements by clock, publishing, trading). */
    public void start() {
        // runs until close() shuts the loop down; nothing waits on its future
        var unused = loop.scheduleWithFixedDelay(this::round, 0, ROUND_MS, TimeUnit.MILLISECONDS);
    }

    void round() {
        try {
            long now = clock.millis();
            // each step on its own: a statement that cannot be signed must not stop trading, nor the reverse
            step("stating ended intervals", () -> {
                // a signed reading still waiting for its group commit may belong to an ended interval
                if (signedThrough.getAsLong() == outbox.load().lastSeq()) {
                    statements.closeByClock(now);
                }
            });
            step("publishing statements", () -> publishStatements(now));
            if (trader != null) {
                step("trading", trader::tick);
            }
            if (now >= nextPruneMs) {
                step("pruning the inbound log", () -> inbound.prune(now - INBOUND_RETENTION_MS));
                nextPruneMs = now + 3_600_000;
            }
        } catch (Error e) {
            // the executor would drop the schedule without a word: say so before it does
            LOG.error("market rounds stop: {}", e.toString());
            throw e;
        }
    }

    private interface Step {
        void run() throws OutboxException;
    }

    private void step(String what, Step step) {
        try {
            step.run();
            lastErrors.remove(what);
        } catch (OutboxException | RuntimeException e) {
            String message = String.valueOf(e.getMessage());
            if (!message.equals(lastErrors.put(what, message))) { // once per distinct problem, not every round
                LOG.error("market: {} failed: {}", what, message);
            }
        }
    }

    private void publishStatements(long now) throws OutboxException {
        for (StoredStatement st : statements.list(StoredStatement.PENDING, 1000)) {
            Long last = statementPublished.get(st.intervalStartMs());
            if (last == null || now - last >= settings.resendMs()) {
                if (mqtt.publish(Topics.statements(zone, meterKey.address()), st.payload(), 1, false)) {
                    statementPublished.put(st.intervalStartMs(), now);
                }
            }
        }
    }

    void onStatementVerdict(String topic, byte[] payload) {
        String problem;
        try {
            StatementVerdict v = Downlink.decodeStatementVerdict(payload);
            problem = statements.apply(v);
            if (problem == null && !v.accepted()) {
                statementPublished.remove(v.intervalStartMs()); // a transient refusal is re-sent at once
            }
        } catch (WireFormatException e) {
            problem = "MALFORMED: " + e.getMessage();
        } catch (OutboxException | RuntimeException e) {
            problem = "NOT_APPLIED: " + e.getMessage();
        }
        if (problem != null) {
            LOG.warn("message on {} not applied: {}", topic, problem);
        }
        try {
            inbound.keep(clock.millis(), topic, payload, problem);
        } catch (OutboxException e) {
            LOG.error("message on {} could not be kept: {}", topic, e.getMessage());
        }
    }

    public StatementStore statements() {
        return statements;
    }

    public OrderStore orders() {
        return orders;
    }

    public InboundLog inbound() {
        return inbound;
    }

    @Override
    public String name() {
        return "market";
    }

    /** The household page's market part: statements, open orders, today's fills and earnings. */
    @Override
    public JsonNode render() throws IOException {
        long now = clock.millis();
        ObjectNode n = JSON.createObjectNode();
        n.put("contract", settings.marketDomain().verifyingContract().toHex());
        n.put("intervalSeconds", settings.schedule().intervalSeconds());
        n.put("trading", trader != null);
        ObjectNode st = n.putObject("statements");
        st.put("pending", statements.count(StoredStatement.PENDING));
        st.put("accepted", statements.count(StoredStatement.ACCEPTED));
        st.put("rejected", statements.count(StoredStatement.REJECTED));
        if (statements.problem() != null) {
            st.put("problem", statements.problem());
        }
        n.put("messagesNotApplied", inbound.problems().size());
        if (!lastErrors.isEmpty()) {
            ObjectNode problems = n.putObject("problems"); // what the last round could not do, by step
            lastErrors.forEach(problems::put);
        }
        if (trader == null) {
            return n;
        }
        n.put("account", trader.account().address().toHex());
        LocalDate today = trader.day(now);
        ZoneId tz = settings.timeZone();
        n.put("date", today.toString());
        ArrayNode open = n.putArray("openOrders");
        for (PlacedOrder o : orders.open()) {
            // an order the backend never answered stays open; the page shows the last day's, newest 50
            if (o.intervalStartMs() > now - 86_400_000L) {
                open.add(order(o));
            }
        }
        while (open.size() > 50) {
            open.remove(0);
        }
        long from = today.atStartOfDay(tz).toInstant().toEpochMilli();
        long to = today.plusDays(1).atStartOfDay(tz).toInstant().toEpochMilli();
        ArrayNode fills = n.putArray("fillsToday");
        BigInteger earnings = BigInteger.ZERO;
        long spent = 0;
        for (PlacedOrder o : orders.between(from, to)) {
            spent = Math.addExact(spent, o.worstCaseSpend());
            if (o.filledMilliWh() != null) {
                fills.add(order(o));
            }
            if (o.netBaseUnits() != null) {
                earnings = earnings.add(o.netBaseUnits());
            }
        }
        n.put("earningsTodayBaseUnits", earnings.toString());
        n.put("budgetSpentTodayBaseUnits", spent);
        n.put("dailyBudgetBaseUnits", settings.limits().dailyBudgetBaseUnits());
        return n;
    }

    private static ObjectNode order(PlacedOrder o) {
        ObjectNode j = JSON.createObjectNode();
        j.put("intervalStartMs", o.intervalStartMs());
        j.put("side", o.side() == Order.SELL ? "sell" : "buy");
        j.put("energyMilliWh", o.energyMilliWh());
        j.put("limitPricePerKWh", o.limitPricePerKWh());
        j.put("nonce", o.nonce());
        j.put("status", o.status());
        j.put("digest", o.digest());
        if (o.reason() != null) {
            j.put("reason", o.reason());
        }
        if (o.filledMilliWh() != null) {
            j.put("filledMilliWh", o.filledMilliWh());
            j.put("clearingPricePerKWh", o.clearingPricePerKWh());
        }
        if (o.netBaseUnits() != null) {
            j.put("netBaseUnits", o.netBaseUnits().toString());
            j.put("deliveredMilliWh", o.deliveredMilliWh());
            j.put("txHash", o.txHash());
        }
        return j;
    }

    @Override
    public void close() {
        loop.shutdownNow();
        try {
            loop.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
