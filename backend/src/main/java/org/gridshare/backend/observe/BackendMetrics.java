package org.gridshare.backend.observe;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.Unit;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.DoubleSupplier;
import org.gridshare.backend.market.settlement.SettlementRecord;
import org.gridshare.backend.rejects.Rejection;
import org.gridshare.backend.verify.VerifiedReading;

/**
 * The backend's Prometheus metrics (text exposition 0.0.4 at {@code /metrics}). The pipeline's figures
 * are fed by a {@link PipelineFollower} that reads the backend's own output topics, so they describe
 * the whole application (every instance of the application id), not only this process: in Prometheus
 * take {@code max} across instances, not {@code sum}. Names are listed in {@link #NAMES} and used by
 * the alert rules in {@code docs/alerts/gridshare-backend.rules.yaml}.
 */
public final class BackendMetrics {
    public static final String CONTENT_TYPE = PrometheusTextFormatWriter.CONTENT_TYPE;

    public static final String VERIFIED = "gridshare_backend_readings_verified";
    public static final String REJECTED = "gridshare_backend_readings_rejected";
    public static final String VERIFY_LATENCY = "gridshare_backend_verification_latency_seconds";
    public static final String METER_LAST_VERIFIED = "gridshare_backend_meter_last_verified_timestamp_seconds";
    public static final String CONSUMER_LAG = "gridshare_backend_consumer_lag_records";
    public static final String BATCHES = "gridshare_backend_batches";
    public static final String BATCH_OLDEST_UNSETTLED =
            "gridshare_backend_batch_oldest_unsettled_interval_start_seconds";
    public static final String GAS = "gridshare_backend_settlement_gas";
    public static final String UP = "gridshare_backend_component_up";
    public static final String LEADER = "gridshare_backend_market_leader";

    /** Every gridshare metric this class exports (counters without their {@code _total} suffix). */
    public static final java.util.List<String> NAMES = java.util.List.of(
            VERIFIED,
            REJECTED,
            VERIFY_LATENCY,
            METER_LAST_VERIFIED,
            CONSUMER_LAG,
            BATCHES,
            BATCH_OLDEST_UNSETTLED,
            GAS,
            UP,
            LEADER);

    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final PrometheusTextFormatWriter writer = PrometheusTextFormatWriter.create();
    private final Counter verified;
    private final Counter rejected;
    private final Histogram latency;
    private final Gauge meterLastVerified;
    private final Counter gas;
    private final Map<String, String> batchStatus = new ConcurrentHashMap<>();
    private final Map<String, Long> batchStart = new ConcurrentHashMap<>();

    /** Registers the backend's metrics and the JVM's. */
    public BackendMetrics() {
        verified = Counter.builder()
                .name(VERIFIED)
                .help("Readings verified and accepted (gridshare.readings.verified.v1)")
                .labelNames("zone")
                .register(registry);
        rejected = Counter.builder()
                .name(REJECTED)
                .help("Messages rejected, by reason (gridshare.rejected.v1): readings, statements and orders")
                .labelNames("reason")
                .register(registry);
        latency = Histogram.builder()
                .name(VERIFY_LATENCY)
                .help("From the ingest's receipt to the verifier's decision, per verified reading")
                .unit(Unit.SECONDS)
                .classicOnly()
                .classicUpperBounds(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30)
                .withoutExemplars()
                .register(registry);
        meterLastVerified = Gauge.builder()
                .name(METER_LAST_VERIFIED)
                .help("Signed time of the last verified reading of each meter (Unix seconds)")
                .labelNames("zone", "meter")
                .register(registry);
        gas = Counter.builder()
                .name(GAS)
                .help("Gas used by the settlement transactions this application sent (SETTLED batches)")
                .register(registry);
        GaugeWithCallback.builder()
                .name(BATCHES)
                .help("Settlement batches by their latest status (gridshare.settlement.v1)")
                .labelNames("status")
                .callback(cb -> {
                    Map<String, Long> counts = new HashMap<>();
                    for (String s : new String[] {
                        SettlementRecord.HELD,
                        SettlementRecord.SETTLED,
                        SettlementRecord.ALREADY_SETTLED,
                        SettlementRecord.REVERTED
                    }) {
                        counts.put(s, 0L);
                    }
                    batchStatus.values().forEach(s -> counts.merge(s, 1L, Long::sum));
                    counts.forEach((status, n) -> cb.call(n, status));
                })
                .register(registry);
        GaugeWithCallback.builder()
                .name(BATCH_OLDEST_UNSETTLED)
                .help("Interval start of the oldest batch not settled (HELD or REVERTED), Unix seconds; 0 when none")
                .callback(cb -> cb.call(oldestUnsettledSeconds()))
                .register(registry);
        JvmMetrics.builder().register(registry);
    }

    /** A gauge of this process read at each scrape, e.g. consumer lag or whether a component is up. */
    public void gauge(String name, String help, String[] labelNames, GaugeSource source) {
        GaugeWithCallback.builder()
                .name(name)
                .help(help)
                .labelNames(labelNames)
                .callback(cb -> source.values((value, labels) -> cb.call(value, labels)))
                .register(registry);
    }

    /** Values of a callback gauge: call {@code out} once per label set. */
    @FunctionalInterface
    public interface GaugeSource {
        void values(Sink out);

        /** One value with its label values, in the gauge's label order. */
        @FunctionalInterface
        interface Sink {
            void put(double value, String... labels);
        }
    }

    /** A label-less gauge read at each scrape. */
    public void gauge(String name, String help, DoubleSupplier value) {
        GaugeWithCallback.builder()
                .name(name)
                .help(help)
                .callback(cb -> cb.call(value.getAsDouble()))
                .register(registry);
    }

    void verified(VerifiedReading r) {
        String zone = r.zone() == null ? "" : r.zone();
        verified.labelValues(zone).inc();
        if (r.receivedAtMs() > 0 && r.verifiedAtMs() >= r.receivedAtMs()) {
            latency.observe((r.verifiedAtMs() - r.receivedAtMs()) / 1000.0);
        }
        meterLastVerified.labelValues(zone, r.meter()).set(r.timeMs() / 1000.0);
    }

    void rejected(Rejection r) {
        rejected.labelValues(r.reason().name()).inc();
    }

    void settlement(SettlementRecord s, long gasUsed) {
        String key = s.zoneId() + ":" + s.intervalStartMs();
        batchStatus.put(key, s.status());
        batchStart.put(key, s.intervalStartMs());
        if (gasUsed > 0) {
            gas.inc(gasUsed);
        }
    }

    private double oldestUnsettledSeconds() {
        long oldest = Long.MAX_VALUE;
        for (Map.Entry<String, String> e : batchStatus.entrySet()) {
            if (SettlementRecord.HELD.equals(e.getValue()) || SettlementRecord.REVERTED.equals(e.getValue())) {
                oldest = Math.min(oldest, batchStart.getOrDefault(e.getKey(), Long.MAX_VALUE));
            }
        }
        return oldest == Long.MAX_VALUE ? 0 : oldest / 1000.0;
    }

    /** The text exposition of every metric. */
    public byte[] scrape() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            writer.write(out, registry.scrape());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }
}
