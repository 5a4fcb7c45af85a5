package org.gridshare.agent.metrics;

import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.core.metrics.Info;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.Unit;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.gridshare.agent.EdgeAgent;
import org.gridshare.agent.outbox.OutboxException;
import org.gridshare.agent.outbox.StoredReading;
import org.gridshare.protocol.wire.JsonWire;
import org.gridshare.protocol.wire.WireFormatException;

/**
 * The agent's Prometheus metrics (Prometheus Java client, text exposition 0.0.4), served at
 * {@code /metrics} by the status server. Values are read from the agent when scraped, so a scrape
 * costs one small outbox query and nothing is counted twice; the commit-latency histogram and the
 * connect counter are fed by hooks ({@link #commitObserved}, {@link #uplinkConnected}).
 */
public final class AgentMetrics {
    /** The Content-Type of {@link #scrape()}. */
    public static final String CONTENT_TYPE = PrometheusTextFormatWriter.CONTENT_TYPE;

    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final PrometheusTextFormatWriter writer = PrometheusTextFormatWriter.create();
    private final Histogram commitSeconds;
    private final AtomicLong connects = new AtomicLong();

    /**
     * Registers the agent's metrics and the JVM's (memory, threads, GC, class loading, process CPU and
     * resident memory).
     *
     * @param clock for the age of the oldest unacknowledged reading (the agent's signing clock)
     */
    public AgentMetrics(EdgeAgent agent, String zone, String version, Clock clock) {
        registerInfo(agent, zone, version);
        registerDeliveryCounters(agent);
        registerStateGauges(agent, clock);
        registerHealth(agent);
        commitSeconds = Histogram.builder()
                .name("gridshare_agent_outbox_commit_seconds")
                .help("Duration of group commits that wrote readings (SQLite transaction with fsync)")
                .unit(Unit.SECONDS)
                .classicOnly()
                .classicUpperBounds(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5)
                .withoutExemplars()
                .register(registry);
        JvmMetrics.builder().register(registry);
    }

    private void registerInfo(EdgeAgent agent, String zone, String version) {
        Info info = Info.builder()
                .name("gridshare_agent_info")
                .help("The agent's meter, zone and version")
                .labelNames("meter", "zone", "version")
                .register(registry);
        info.setLabelValues(agent.meterAddress().toHex(), zone, version);
    }

    /** What happened to the readings: signed, published, re-sent, refused; and the uplink's reconnects. */
    private void registerDeliveryCounters(EdgeAgent agent) {
        counter("gridshare_agent_readings_signed", "Readings signed by this process", agent::signedCount);
        counter(
                "gridshare_agent_readings_published",
                "Readings published for the first time by this process",
                agent::publishedCount);
        counter(
                "gridshare_agent_readings_resent",
                "Readings published again (ack timeout, reported gap, reconnect)",
                agent::resentCount);
        counter(
                "gridshare_agent_readings_rejected",
                "Readings the backend refused for good (kept with the reason)",
                agent::rejectedCount);
        counter(
                "gridshare_agent_publish_errors",
                "Publications that failed; the reading stays in the outbox",
                agent::publishErrorCount);
        counter(
                "gridshare_agent_uplink_reconnects",
                "Connections to the broker after the first one",
                () -> Math.max(0, connects.get() - 1));
    }

    /** Where the agent stands now: uplink, meter, outbox fill and the acknowledged seq. */
    private void registerStateGauges(EdgeAgent agent, Clock clock) {
        gauge("gridshare_agent_uplink_connected", "1 while the uplink is connected", () -> agent.uplinkDown() ? 0 : 1);
        gauge(
                "gridshare_agent_meter_up",
                "1 while the last meter read and sign succeeded",
                () -> agent.meterFailed() ? 0 : 1);
        gauge(
                "gridshare_agent_outbox_readings",
                "Readings held in the outbox (not yet acknowledged end to end)",
                agent::outboxSize);
        gauge(
                "gridshare_agent_outbox_capacity_readings",
                "Readings the outbox holds at most",
                () -> agent.outbox().capacity());
        gauge("gridshare_agent_acked_through_seq", "The highest seq the backend acknowledged", agent::ackedThrough);
        gauge(
                "gridshare_agent_last_committed_seq",
                "The highest seq written to the outbox",
                () -> agent.outbox().lastCommittedSeq());
        GaugeWithCallback.builder()
                .name("gridshare_agent_outbox_oldest_unacked_age_seconds")
                .help("Age of the oldest reading not yet acknowledged (signed time to now); 0 when none")
                .unit(Unit.SECONDS)
                .callback(cb -> cb.call(oldestUnackedAgeSeconds(agent, clock)))
                .register(registry);
    }

    private void registerHealth(EdgeAgent agent) {
        GaugeWithCallback.builder()
                .name("gridshare_agent_health")
                .help("1 for the agent's current health state, 0 for the others")
                .labelNames("state")
                .callback(cb -> {
                    EdgeAgent.Health now = agent.health();
                    for (EdgeAgent.Health h : EdgeAgent.Health.values()) {
                        cb.call(h == now ? 1 : 0, h.name());
                    }
                })
                .register(registry);
    }

    /** Records one group commit's duration (hook for {@link EdgeAgent#onCommit}). */
    public void commitObserved(long nanos) {
        commitSeconds.observe(nanos / 1e9);
    }

    /** Counts a (re)connection of the uplink (hook for the uplink's on-connected actions). */
    public void uplinkConnected() {
        connects.incrementAndGet();
    }

    /** The current values in the Prometheus text format ({@link #CONTENT_TYPE}). */
    public byte[] scrape() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream(16 * 1024);
        writer.write(out, registry.scrape());
        return out.toByteArray();
    }

    private void counter(String name, String help, LongSupplier value) {
        CounterWithCallback.builder()
                .name(name)
                .help(help)
                .callback(cb -> cb.call((double) value.getAsLong()))
                .register(registry);
    }

    private void gauge(String name, String help, LongSupplier value) {
        GaugeWithCallback.builder()
                .name(name)
                .help(help)
                .callback(cb -> cb.call((double) value.getAsLong()))
                .register(registry);
    }

    private static double oldestUnackedAgeSeconds(EdgeAgent agent, Clock clock) {
        List<StoredReading> oldest;
        try {
            oldest = agent.outbox().unacknowledged(0, 1);
        } catch (OutboxException e) {
            // the scrape shows the failure through gridshare_agent_health{state="OUTBOX_FAILED"}; NaN is "unknown"
            return Double.NaN;
        }
        if (oldest.isEmpty()) {
            return 0;
        }
        try {
            long signedAt =
                    JsonWire.decodeReading(oldest.get(0).payload()).message().timeMs();
            return Math.max(0, clock.millis() - signedAt) / 1000.0;
        } catch (WireFormatException e) {
            return Double.NaN; // unreachable for rows the agent wrote; "unknown" rather than a guess
        }
    }
}
