package org.gridshare.backend.run;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.apache.kafka.streams.KafkaStreams;
import org.gridshare.backend.Backend;
import org.gridshare.backend.BackendConfig;
import org.gridshare.backend.ack.AckPublisher;
import org.gridshare.backend.ingest.coap.CoapIngest;
import org.gridshare.backend.ingest.coap.DeviceKeys;
import org.gridshare.backend.market.MarketPipeline;
import org.gridshare.backend.observe.BackendMetrics;
import org.gridshare.backend.observe.ObservabilityServer;
import org.gridshare.backend.observe.PipelineFollower;
import org.gridshare.protocol.Topics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.http.HttpService;

/**
 * The whole operator side in one process, the one assembly {@code ./gridshare backend run} and
 * {@code ./gridshare demo} both start: the topics (created when asked), the {@link Backend} (MQTT
 * bridge, verification, de-duplication and aggregation in Kafka Streams), the end-to-end acks over
 * MQTT, the CoAP/DTLS ingest with its own acks, the market pipeline (order and statement intake,
 * clearing at gate closure, settlement) on the instance that holds the {@link MarketLease}, and the
 * metrics, health and readiness endpoints.
 *
 * <p>Several processes with the same application id share the work: Kafka Streams balances the
 * verification tasks, the bridges are members of one MQTT shared subscription, the ack publishers one
 * consumer group, and one of them at a time runs the market. A process that dies loses nothing that
 * was acknowledged: a device's message is PUBACKed only after Kafka has it, a box re-sends what was
 * not acknowledged end to end, and the copies are dropped as duplicates.
 */
public final class BackendAssembly implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(BackendAssembly.class);

    /** CoAP/DTLS ingest of this instance: UDP {@code bind:port} (0: any free port), device keys. */
    public record Coap(String bind, int port, DeviceKeys keys) {}

    /** The metrics, health and readiness endpoints on {@code bind:port} (0: any free port). */
    public record Http(String bind, int port) {}

    /**
     * Everything the assembly needs.
     *
     * @param backend the backend's settings; with {@link BackendConfig#market()} the market runs (leased)
     * @param instanceId this process among those of its application id (stable across its restarts)
     * @param replicationFactor of every topic the assembly creates (empty: the broker's default)
     * @param minInsyncReplicas {@code min.insync.replicas} of the topics it creates
     * @param createTopics whether to create missing topics at start
     * @param coap the CoAP ingest, or null for none
     * @param http the HTTP endpoints, or null for none
     */
    public record Settings(
            BackendConfig backend,
            String instanceId,
            Optional<Short> replicationFactor,
            int minInsyncReplicas,
            boolean createTopics,
            Coap coap,
            Http http) {
        public Settings {
            Objects.requireNonNull(backend, "backend");
            Objects.requireNonNull(instanceId, "instanceId");
            Objects.requireNonNull(replicationFactor, "replicationFactor");
            if (minInsyncReplicas < 1) {
                throw new IllegalArgumentException("minInsyncReplicas must be at least 1: " + minInsyncReplicas);
            }
        }

        /** One instance on a single-broker cluster, topics created, no CoAP, HTTP on a free local port. */
        public static Settings local(BackendConfig backend) {
            return new Settings(backend, "local", Optional.empty(), 1, true, null, new Http("127.0.0.1", 0));
        }
    }

    private final Settings settings;
    private final Deque<AutoCloseable> parts = new ArrayDeque<>();
    private final BackendMetrics metrics = new BackendMetrics();
    private Backend backend;
    private AckPublisher acks;
    private CoapIngest coap;
    private MarketLease lease;
    private ObservabilityServer http;
    private volatile MarketPipeline market;
    private volatile String marketState = "standby";

    private BackendAssembly(Settings settings) {
        this.settings = settings;
    }

    /**
     * Starts every part and returns when the verification runs, the bridge is subscribed and the acks
     * are published; the market starts once this instance holds the lease (at once when it is alone).
     */
    public static BackendAssembly start(Settings settings) throws IOException {
        BackendAssembly a = new BackendAssembly(settings);
        try {
            a.startParts();
            return a;
        } catch (IOException | RuntimeException e) {
            a.close();
            throw e;
        }
    }

    private void startParts() throws IOException {
        BackendConfig c = settings.backend();
        String bootstrap = c.kafkaBootstrap();
        String app = c.applicationId();
        if (settings.createTopics()) {
            Map<String, String> topicConfig = settings.minInsyncReplicas() > 1
                    ? Map.of("min.insync.replicas", Integer.toString(settings.minInsyncReplicas()))
                    : Map.of();
            Backend.createTopics(bootstrap, Topics.all(), settings.replicationFactor(), topicConfig);
        }
        short streamsReplication = settings.replicationFactor().orElse((short) -1);
        backend = keep(
                Backend.start(c, new Backend.Sharing(settings.instanceId(), streamsReplication, c.market() != null)));
        acks = keep(AckPublisher.start(bootstrap, c.mqttServerUri(), app + "-acks"));
        if (settings.coap() != null) {
            Coap k = settings.coap();
            coap = keep(CoapIngest.start(
                    k.bind(), k.port(), bootstrap, app + "-coap-" + settings.instanceId(), k.keys(), c.clock()));
            // each instance serves its own DTLS sessions, so it reads every ack (its own group)
            keep(AckPublisher.start(bootstrap, app + "-coap-acks-" + settings.instanceId(), coap.ackSink()));
        }
        if (c.market() != null) {
            lease = keep(MarketLease.start(
                    bootstrap, app, settings.instanceId(), settings.replicationFactor(), new MarketLease.Holder() {
                        @Override
                        public void acquired() {
                            startMarket();
                        }

                        @Override
                        public void lost() {
                            stopMarket();
                        }
                    }));
        }
        Web3j web3j = Web3j.build(new HttpService(c.ethRpcUrl()));
        keep(web3j::shutdown);
        keep(PipelineFollower.start(bootstrap, metrics, web3j));
        registerGauges();
        if (settings.http() != null) {
            http = keep(ObservabilityServer.start(
                    settings.http().bind(), settings.http().port(), metrics, this::health, this::readiness));
        }
    }

    private void startMarket() {
        BackendConfig c = settings.backend();
        marketState = "starting";
        try {
            market = MarketPipeline.start(
                    c.market(),
                    c.mqttServerUri(),
                    c.kafkaBootstrap(),
                    c.ethRpcUrl(),
                    c.registryAddress(),
                    c.applicationId(),
                    c.clock());
            marketState = "running";
        } catch (RuntimeException e) {
            // kept visible on /ready and /health; the lease stays here, so the operator sees and restarts
            marketState = "failed";
            LOG.error("market pipeline did not start: {}", e.getMessage(), e);
        }
    }

    private void stopMarket() {
        MarketPipeline m = market;
        market = null;
        marketState = "standby";
        if (m != null) {
            m.close();
        }
    }

    private void registerGauges() {
        metrics.gauge(
                BackendMetrics.UP,
                "1 while a component of this process runs",
                new String[] {"component"},
                out -> readiness()
                        .components()
                        .forEach((name, state) -> out.put(
                                state.equals("running") || state.equals("standby") || state.equals("connected") ? 1 : 0,
                                name)));
        metrics.gauge(
                BackendMetrics.LEADER,
                "1 while this process holds the market lease",
                () -> lease != null && lease.held() ? 1 : 0);
        ConsumerLag lag = new ConsumerLag(settings.backend().kafkaBootstrap(), groups());
        keep(lag);
        metrics.gauge(
                BackendMetrics.CONSUMER_LAG,
                "Records behind the end of the input topics, per consumer group",
                new String[] {"group"},
                out -> lag.lag().forEach((group, n) -> out.put(n, group)));
    }

    private Map<String, java.util.List<String>> groups() {
        String app = settings.backend().applicationId();
        Map<String, java.util.List<String>> g = new LinkedHashMap<>();
        g.put(app, java.util.List.of(Topics.READINGS));
        g.put(app + "-acks", java.util.List.of(Topics.READINGS_VERIFIED, Topics.REJECTED));
        if (settings.backend().market() != null) {
            g.put(app + "-market-orders", java.util.List.of(Topics.ORDERS));
            g.put(app + "-market-statements", java.util.List.of(Topics.STATEMENTS));
        }
        return g;
    }

    /** Liveness: false once a component has failed for good (Streams in ERROR, the market failed to start). */
    public ObservabilityServer.Probe health() {
        Map<String, String> states = readiness().components();
        boolean ok = !states.getOrDefault("streams", "").equals("error") && !"failed".equals(marketState);
        return new ObservabilityServer.Probe(ok, states);
    }

    /** Readiness: every component of this process running (the market running, or standby elsewhere). */
    public ObservabilityServer.Probe readiness() {
        Map<String, String> states = new LinkedHashMap<>();
        KafkaStreams.State s = backend == null ? null : backend.streamsState();
        states.put(
                "streams",
                s == null
                        ? "stopped"
                        : s == KafkaStreams.State.RUNNING
                                ? "running"
                                : s == KafkaStreams.State.ERROR
                                        ? "error"
                                        : s.name().toLowerCase(java.util.Locale.ROOT));
        states.put("mqttBridge", backend != null && backend.bridge().isConnected() ? "connected" : "disconnected");
        states.put("acks", acks == null ? "stopped" : "running");
        if (settings.coap() != null) {
            states.put("coap", coap == null ? "stopped" : "running");
        }
        if (settings.backend().market() != null) {
            states.put("market", marketState);
        }
        boolean ok = states.values().stream()
                .allMatch(v -> v.equals("running") || v.equals("connected") || v.equals("standby"));
        return new ObservabilityServer.Probe(ok, states);
    }

    /** The backend (bridge counters, Streams state). */
    public Backend backend() {
        return backend;
    }

    /** The market pipeline while this instance runs it, else null. */
    public MarketPipeline market() {
        return market;
    }

    /** The CoAP ingest, or null when not configured. */
    public CoapIngest coap() {
        return coap;
    }

    /** The HTTP port of /metrics, /health and /ready, or -1 when not served. */
    public int httpPort() {
        return http == null ? -1 : http.port();
    }

    public BackendMetrics metrics() {
        return metrics;
    }

    private <T extends AutoCloseable> T keep(T part) {
        synchronized (parts) {
            parts.push(part);
        }
        return part;
    }

    /** Stops every part in reverse order of start (the market first gives up its lease). */
    @Override
    public void close() {
        synchronized (parts) {
            while (!parts.isEmpty()) {
                AutoCloseable p = parts.pop();
                try {
                    p.close();
                } catch (Exception e) {
                    LOG.warn("while stopping {}: {}", p, e.toString());
                }
            }
        }
        stopMarket();
    }
}
