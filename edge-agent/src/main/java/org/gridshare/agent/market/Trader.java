package org.gridshare.agent.market;

import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;
import org.gridshare.agent.inbox.InboundLog;
import org.gridshare.agent.outbox.OutboxException;
import org.gridshare.agent.statement.StatementStore;
import org.gridshare.agent.uplink.MqttSession;
import org.gridshare.protocol.Bytes32;
import org.gridshare.protocol.Eip712Domain;
import org.gridshare.protocol.Order;
import org.gridshare.protocol.Secp256k1Signer;
import org.gridshare.protocol.Topics;
import org.gridshare.protocol.ZoneIds;
import org.gridshare.protocol.downlink.Downlink;
import org.gridshare.protocol.wire.WireFormatException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Trades for the household (thin I/O around {@link NetForecaster} and {@link OrderPlanner}): for each
 * upcoming interval whose order window is open ({@link MarketSchedule}), forecasts the net energy from
 * the agent's complete interval statements, plans one order within the {@link TradingLimits} and
 * today's budget, signs it with the household key (nonce persisted first, {@link OrderStore}) and
 * publishes it (QoS 1) until the backend's verdict or gate closure. Records the verdicts, fills and
 * settlements that arrive on the household's fills topic; a message it cannot apply is logged and
 * kept with the reason ({@link InboundLog}).
 */
public final class Trader {
    private static final Logger LOG = LoggerFactory.getLogger(Trader.class);
    /** Intervals of history the forecast looks at (a day of 15-minute intervals). */
    static final int HISTORY = 96;

    private final OrderStore orders;
    private final StatementStore statements;
    private final InboundLog inbound;
    private final TradingLimits limits;
    private final MarketSchedule schedule;
    private final Secp256k1Signer householdKey;
    private final Eip712Domain marketDomain;
    private final Bytes32 zoneId;
    private final String zone;
    private final ZoneId timeZone;
    private final int alphaPercent;
    private final MqttSession mqtt;
    private final Clock clock;
    private final long resendMs;
    private final Map<Long, Long> lastPublished = new ConcurrentHashMap<>();
    private final java.util.Set<Long> decided = ConcurrentHashMap.newKeySet();

    public Trader(
            OrderStore orders,
            StatementStore statements,
            InboundLog inbound,
            TradingLimits limits,
            MarketSchedule schedule,
            Secp256k1Signer householdKey,
            Eip712Domain marketDomain,
            String zone,
            ZoneId timeZone,
            int alphaPercent,
            MqttSession mqtt,
            Clock clock,
            long resendMs) {
        this.orders = orders;
        this.statements = statements;
        this.inbound = inbound;
        this.limits = limits;
        this.schedule = schedule;
        this.householdKey = householdKey;
        this.marketDomain = marketDomain;
        this.zone = zone;
        this.zoneId = ZoneIds.of(zone);
        this.timeZone = timeZone;
        this.alphaPercent = alphaPercent;
        this.mqtt = mqtt;
        this.clock = clock;
        this.resendMs = resendMs;
    }

    public Secp256k1Signer account() {
        return householdKey;
    }

    /** One round: place the orders that are due, re-publish those without a verdict before their gate closes. */
    public void tick() throws OutboxException {
        long now = clock.millis();
        for (long start : schedule.orderable(now)) {
            if (!decided.contains(start)) {
                placeFor(start, now);
            }
        }
        // only intervals whose gate is still open: after gate closure a re-send would only be refused
        for (PlacedOrder o : orders.unconfirmed(now + schedule.gateClosureSeconds() * 1000)) {
            long gate = schedule.gateClosureMs(o.intervalStartMs());
            Long last = lastPublished.get(o.intervalStartMs());
            if (now < gate && (last == null || now - last >= resendMs)) {
                if (mqtt.publish(Topics.orders(zone, householdKey.address()), o.payload(), 1, false)) {
                    lastPublished.put(o.intervalStartMs(), now);
                }
            }
        }
        lastPublished.keySet().removeIf(s -> schedule.gateClosureMs(s) < now);
        decided.removeIf(s -> schedule.gateClosureMs(s) < now);
    }

    private void placeFor(long start, long now) throws OutboxException {
        if (orders.forInterval(start).isPresent()) {
            decided.add(start);
            return;
        }
        OptionalLong forecast = NetForecaster.smoothed(statements.recentNets(HISTORY), alphaPercent);
        if (forecast.isEmpty()) {
            return; // no complete interval metered yet: try again next round
        }
        long spent = spentOn(Instant.ofEpochMilli(start).atZone(timeZone).toLocalDate());
        Optional<OrderPlanner.Plan> plan = OrderPlanner.plan(forecast.getAsLong(), limits, spent);
        decided.add(start);
        if (plan.isEmpty()) {
            LOG.info(
                    "no order for interval {}: forecast {} mWh, reserve {} mWh, spent today {}",
                    start,
                    forecast.getAsLong(),
                    limits.reserveMilliWh(),
                    spent);
            return;
        }
        OrderPlanner.Plan p = plan.get();
        Optional<PlacedOrder> placed = orders.place(
                start,
                forecast.getAsLong(),
                now,
                nonce -> householdKey.sign(
                        marketDomain,
                        new Order(
                                householdKey.address(),
                                zoneId,
                                start,
                                p.side(),
                                p.energyMilliWh(),
                                p.limitPricePerKWh(),
                                nonce,
                                start)));
        if (placed.isPresent()) {
            PlacedOrder o = placed.get();
            LOG.info(
                    "order for interval {}: {} {} mWh at {} per kWh (forecast {} mWh, nonce {})",
                    start,
                    o.side() == Order.SELL ? "sell" : "buy",
                    o.energyMilliWh(),
                    o.limitPricePerKWh(),
                    forecast.getAsLong(),
                    o.nonce());
            if (mqtt.publish(Topics.orders(zone, householdKey.address()), o.payload(), 1, false)) {
                lastPublished.put(start, now);
            }
        }
    }

    /** Worst-case spend of the buy orders for intervals on {@code day} (local, in the configured zone). */
    public long spentOn(LocalDate day) throws OutboxException {
        long from = day.atStartOfDay(timeZone).toInstant().toEpochMilli();
        long to = day.plusDays(1).atStartOfDay(timeZone).toInstant().toEpochMilli();
        long sum = 0;
        for (PlacedOrder o : orders.between(from, to)) {
            sum = Math.addExact(sum, o.worstCaseSpend());
        }
        return sum;
    }

    /** Applies one message from the fills topic; never throws for bad input (it is kept with the reason). */
    public void onMessage(String topic, byte[] payload) {
        String problem;
        try {
            problem = orders.apply(Downlink.decodeFills(payload));
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

    /** The local day of {@code ms} in the household's time zone. */
    LocalDate day(long ms) {
        return Instant.ofEpochMilli(ms).atZone(timeZone).toLocalDate();
    }
}
