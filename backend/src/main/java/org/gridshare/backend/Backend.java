package org.gridshare.backend;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.LogAndContinueExceptionHandler;
import org.apache.kafka.streams.errors.LogAndContinueProcessingExceptionHandler;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.gridshare.backend.ingest.MqttKafkaBridge;
import org.gridshare.backend.kafka.KafkaClients;
import org.gridshare.backend.market.MarketPipeline;
import org.gridshare.backend.registry.MeterDirectory;
import org.gridshare.backend.registry.RegistryMeterDirectory;
import org.gridshare.backend.verify.ReadingVerifier;
import org.gridshare.backend.verify.VerificationSettings;
import org.gridshare.backend.verify.VerificationTopology;
import org.gridshare.protocol.Topics;
import org.gridshare.protocol.wire.JsonWire;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The backend in one process: the MQTT → Kafka bridge, the Streams application that verifies
 * readings against the on-chain registry and sums energy per meter per interval, and, when the config
 * has {@link org.gridshare.backend.market.MarketSettings}, the market pipeline (orders, clearing at
 * gate closure, statements, settlement on-chain).
 *
 * <pre>{@code
 * Backend.createTopics(kafka.bootstrapServers());
 * try (Backend backend = Backend.start(config)) { ... }
 * }</pre>
 */
public final class Backend implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Backend.class);
    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);

    private final KafkaStreams streams;
    private final MqttKafkaBridge bridge;
    private final MeterDirectory directory;
    private final MarketPipeline market;

    private Backend(KafkaStreams streams, MqttKafkaBridge bridge, MeterDirectory directory, MarketPipeline market) {
        this.streams = streams;
        this.bridge = bridge;
        this.directory = directory;
        this.market = market;
    }

    /**
     * How this process shares the work with the other processes of its application id.
     *
     * @param instanceId this process among them (its bridge's MQTT client id and session); null: the only one
     * @param replicationFactor of the Streams application's internal topics; -1: the broker's default
     * @param marketElsewhere the market pipeline is not started here but by whoever holds the market lease
     *     (the bridge still forwards orders and statements)
     */
    public record Sharing(String instanceId, short replicationFactor, boolean marketElsewhere) {
        /** One process, broker-default replication, the market (when configured) started here. */
        public static final Sharing ALONE = new Sharing(null, (short) -1, false);
    }

    /** Creates every backend topic ({@link Topics#all()}) on {@code bootstrap}; existing ones are kept. */
    public static void createTopics(String bootstrap) {
        createTopics(bootstrap, Topics.all(), Optional.empty(), Map.of());
    }

    /**
     * Creates {@code partitionsByTopic} on {@code bootstrap} with {@code replicationFactor} (empty: the
     * broker's default) and the topic settings {@code configs} (e.g. {@code min.insync.replicas});
     * existing topics are kept as they are.
     */
    public static void createTopics(
            String bootstrap,
            Map<String, Integer> partitionsByTopic,
            Optional<Short> replicationFactor,
            Map<String, String> configs) {
        Properties p = KafkaClients.base(bootstrap);
        try (Admin admin = Admin.create(p)) {
            List<NewTopic> topics = new ArrayList<>();
            for (Map.Entry<String, Integer> t : partitionsByTopic.entrySet()) {
                topics.add(new NewTopic(t.getKey(), Optional.of(t.getValue()), replicationFactor).configs(configs));
            }
            admin.createTopics(topics).values().forEach((name, future) -> {
                try {
                    future.get(30, TimeUnit.SECONDS);
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw new IllegalStateException(
                                "cannot create topic " + name + " on " + bootstrap, e.getCause());
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted creating topic " + name, e);
                } catch (TimeoutException e) {
                    throw new IllegalStateException("timed out creating topic " + name + " on " + bootstrap, e);
                }
            });
        }
    }

    /**
     * Starts the backend against the MeterRegistry at {@code config.registryAddress()} and returns when
     * the Streams application is RUNNING and the bridge is subscribed.
     */
    public static Backend start(BackendConfig config) {
        return start(config, Sharing.ALONE);
    }

    /** Starts the backend with a given meter directory (closed by {@link #close()}). */
    public static Backend start(BackendConfig config, MeterDirectory directory) {
        return start(config, directory, Sharing.ALONE);
    }

    /** As {@link #start(BackendConfig)}, sharing the work as {@code sharing} says. */
    public static Backend start(BackendConfig config, Sharing sharing) {
        MeterDirectory directory = RegistryMeterDirectory.connect(
                config.ethRpcUrl(), config.registryAddress(), config.registryMaxAge(), config.clock());
        try {
            return start(config, directory, sharing);
        } catch (RuntimeException e) {
            directory.close();
            throw e;
        }
    }

    /** Starts the backend with a given meter directory (closed by {@link #close()}), sharing as {@code sharing} says. */
    public static Backend start(BackendConfig config, MeterDirectory directory, Sharing sharing) {
        ReadingVerifier verifier = new ReadingVerifier(config.readingDomain(), directory, config.clock());
        KafkaStreams streams = new KafkaStreams(
                VerificationTopology.build(verifier, config.interval(), config.grace(), config.clock()),
                streamsProps(config, sharing));
        streams.setUncaughtExceptionHandler(e -> {
            LOG.error("stream thread failed; replacing it", e);
            return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.REPLACE_THREAD;
        });
        streams.start();
        MarketPipeline market = null;
        try {
            awaitRunning(streams);
            if (config.market() != null && !sharing.marketElsewhere()) {
                // before the bridge: orders must not be stamped and forwarded while nobody can clear them
                market = MarketPipeline.start(
                        config.market(),
                        config.mqttServerUri(),
                        config.kafkaBootstrap(),
                        config.ethRpcUrl(),
                        config.registryAddress(),
                        config.applicationId(),
                        config.clock());
            }
            String[] kinds = config.market() == null
                    ? new String[] {"readings"}
                    : new String[] {"readings", "statements", "orders"};
            // one persistent MQTT session per instance; instances of one application share the messages
            String bridgeId = config.applicationId() + "-bridge"
                    + (sharing.instanceId() == null ? "" : "-" + sharing.instanceId());
            MqttKafkaBridge bridge = MqttKafkaBridge.start(
                    config.mqttServerUri(),
                    bridgeId,
                    sharing.instanceId() == null ? null : config.applicationId(),
                    config.kafkaBootstrap(),
                    new Properties(),
                    config.clock(),
                    () -> JsonWire.MAX_PAYLOAD_BYTES,
                    kinds);
            return new Backend(streams, bridge, directory, market);
        } catch (RuntimeException e) {
            if (market != null) {
                market.close();
            }
            streams.close(Duration.ofSeconds(10));
            throw e;
        }
    }

    private static void awaitRunning(KafkaStreams streams) {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (streams.state() != KafkaStreams.State.RUNNING) {
            if (System.nanoTime() > deadline
                    || streams.state() == KafkaStreams.State.ERROR
                    || streams.state() == KafkaStreams.State.NOT_RUNNING) {
                throw new IllegalStateException("Kafka Streams is " + streams.state() + " after " + START_TIMEOUT);
            }
            try {
                Thread.sleep(20); // polling a condition with a deadline
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted waiting for Kafka Streams", e);
            }
        }
    }

    private static Properties streamsProps(BackendConfig c, Sharing sharing) {
        Properties p = KafkaClients.base(c.kafkaBootstrap());
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, c.applicationId());
        p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        p.put(StreamsConfig.STATE_DIR_CONFIG, c.stateDir().toAbsolutePath().toString());
        p.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, c.commitInterval().toMillis());
        // one stream thread per core: verification is CPU-bound (VerificationSettings)
        p.put(
                StreamsConfig.NUM_STREAM_THREADS_CONFIG,
                VerificationSettings.defaults().streamThreads());
        p.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, (int) sharing.replicationFactor());
        p.put(StreamsConfig.DEFAULT_KEY_SERDE_CLASS_CONFIG, Serdes.StringSerde.class);
        p.put(StreamsConfig.DEFAULT_VALUE_SERDE_CLASS_CONFIG, Serdes.ByteArraySerde.class);
        p.put(StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG, LogAndContinueExceptionHandler.class);
        p.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG, LogAndContinueProcessingExceptionHandler.class);
        p.put(StreamsConfig.consumerPrefix(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG), "earliest");
        return p;
    }

    /** The bridge, for its counters. */
    public MqttKafkaBridge bridge() {
        return bridge;
    }

    /** The Streams application's state. */
    public KafkaStreams.State streamsState() {
        return streams.state();
    }

    /** The market pipeline, or null when the config has no market. */
    public MarketPipeline market() {
        return market;
    }

    @Override
    public void close() {
        try {
            bridge.close();
            if (market != null) {
                market.close();
            }
        } finally {
            try {
                // leave the group so that a restarted backend is assigned its tasks at once, not after the session
                // timeout
                streams.close(CloseOptions.groupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP)
                        .withTimeout(Duration.ofSeconds(15)));
            } finally {
                directory.close();
            }
        }
    }
}
