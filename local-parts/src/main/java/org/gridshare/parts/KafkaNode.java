package org.gridshare.parts;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.tools.StorageTool;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.utils.Time;

/**
 * One real Kafka broker that is also its own KRaft controller, running inside this JVM, listening on
 * 127.0.0.1 only, with replication factor 1 everywhere and its log directory under the given work dir.
 */
public final class KafkaNode implements AutoCloseable {
    static final String NAME = "kafka";
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration TOPIC_TIMEOUT = Duration.ofSeconds(30);
    private static final int BIND_ATTEMPTS = 3;

    private final KafkaRaftServer server;
    private final int brokerPort;
    private final int controllerPort;
    private final Admin admin;
    private final Thread hook;
    private boolean closed;

    private KafkaNode(KafkaRaftServer server, int brokerPort, int controllerPort, Admin admin) {
        this.server = server;
        this.brokerPort = brokerPort;
        this.controllerPort = controllerPort;
        this.admin = admin;
        this.hook = ShutdownHooks.register(NAME, this::close);
    }

    /** Formats a fresh log directory under {@code workDir} and starts the broker; returns once it serves metadata. */
    public static KafkaNode start(Path workDir) throws IOException {
        QuietLoggers.warnOnly("kafka", "org.apache.kafka", "state.change.logger");
        PartStartException last = null;
        for (int attempt = 1; attempt <= BIND_ATTEMPTS; attempt++) {
            int brokerPort = FreePorts.pick();
            int controllerPort = FreePorts.pick();
            if (brokerPort == controllerPort) {
                continue;
            }
            try {
                return startOn(workDir.resolve("kafka-" + brokerPort), brokerPort, controllerPort);
            } catch (PartStartException e) {
                last = e; // a bind race on one of the two ports is the usual cause: try others
            }
        }
        throw last != null ? last : new PartStartException(NAME, "could not pick two distinct free ports", List.of());
    }

    private static KafkaNode startOn(Path dir, int brokerPort, int controllerPort) throws IOException {
        Files.createDirectories(dir);
        Properties props = config(dir.resolve("logs"), brokerPort, controllerPort);
        Path file = dir.resolve("server.properties");
        try (var out = Files.newBufferedWriter(file)) {
            props.store(out, "gridshare local single-node KRaft");
        }
        ByteArrayOutputStream formatOutput = new ByteArrayOutputStream();
        int rc;
        try (PrintStream ps = new PrintStream(formatOutput, true, StandardCharsets.UTF_8)) {
            // execute, not main: main calls exit
            rc = StorageTool.execute(
                    new String[] {"format", "-t", Uuid.randomUuid().toString(), "-c", file.toString()}, ps);
        } catch (RuntimeException e) {
            throw new PartStartException(NAME, "formatting " + dir + " failed: " + e, lines(formatOutput), e);
        }
        if (rc != 0) {
            throw new PartStartException(NAME, "formatting " + dir + " exited with " + rc, lines(formatOutput));
        }
        KafkaRaftServer server = new KafkaRaftServer(new KafkaConfig(props), Time.SYSTEM);
        Admin admin = null;
        try {
            server.startup();
            admin = Admin.create(Map.of(
                    AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:" + brokerPort,
                    AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000,
                    AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 20_000));
            Admin probe = admin;
            if (!Deadline.await(READY_TIMEOUT, () -> servesMetadata(probe))) {
                throw new PartStartException(
                        NAME,
                        "broker on 127.0.0.1:" + brokerPort + " served no cluster metadata within "
                                + READY_TIMEOUT.toSeconds() + " s",
                        lines(formatOutput));
            }
            return new KafkaNode(server, brokerPort, controllerPort, admin);
        } catch (PartStartException e) {
            stop(server, admin);
            throw e;
        } catch (RuntimeException e) {
            stop(server, admin);
            throw new PartStartException(
                    NAME,
                    "start on 127.0.0.1:" + brokerPort + "/" + controllerPort + " failed: " + e,
                    lines(formatOutput),
                    e);
        }
    }

    static Properties config(Path logDir, int brokerPort, int controllerPort) {
        Properties p = new Properties();
        p.setProperty("process.roles", "broker,controller");
        p.setProperty("node.id", "1");
        p.setProperty("controller.quorum.voters", "1@127.0.0.1:" + controllerPort);
        p.setProperty("listeners", "PLAINTEXT://127.0.0.1:" + brokerPort + ",CONTROLLER://127.0.0.1:" + controllerPort);
        p.setProperty("advertised.listeners", "PLAINTEXT://127.0.0.1:" + brokerPort);
        p.setProperty("controller.listener.names", "CONTROLLER");
        p.setProperty("inter.broker.listener.name", "PLAINTEXT");
        p.setProperty("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        p.setProperty("log.dirs", logDir.toString());
        p.setProperty("num.partitions", "3");
        p.setProperty("default.replication.factor", "1");
        p.setProperty("min.insync.replicas", "1");
        p.setProperty("offsets.topic.replication.factor", "1");
        p.setProperty("offsets.topic.num.partitions", "3");
        p.setProperty("transaction.state.log.replication.factor", "1");
        p.setProperty("transaction.state.log.min.isr", "1");
        p.setProperty("transaction.state.log.num.partitions", "3");
        p.setProperty("share.coordinator.state.topic.replication.factor", "1");
        p.setProperty("share.coordinator.state.topic.min.isr", "1");
        p.setProperty("share.coordinator.state.topic.num.partitions", "3");
        p.setProperty("group.initial.rebalance.delay.ms", "0");
        p.setProperty("log.segment.bytes", Integer.toString(1024 * 1024));
        p.setProperty("log.cleaner.dedupe.buffer.size", Integer.toString(8 * 1024 * 1024));
        p.setProperty("num.network.threads", "2");
        p.setProperty("num.io.threads", "2");
        p.setProperty("num.recovery.threads.per.data.dir", "1");
        p.setProperty("auto.create.topics.enable", "true");
        return p;
    }

    private static boolean servesMetadata(Admin admin) {
        try {
            return !admin.describeCluster().nodes().get(5, TimeUnit.SECONDS).isEmpty();
        } catch (ExecutionException | TimeoutException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static List<String> lines(ByteArrayOutputStream out) {
        String text = out.toString(StandardCharsets.UTF_8).strip();
        return text.isEmpty() ? List.of() : Arrays.asList(text.split("\\R"));
    }

    /** Where clients connect, {@code 127.0.0.1:PORT}. */
    public String bootstrapServers() {
        return "127.0.0.1:" + brokerPort;
    }

    /**
     * Creates each topic with the given partition count and replication factor 1 (an existing topic is
     * left as it is) and waits until every partition has a leader.
     *
     * @throws IllegalStateException naming the topics when they are not ready within 30 s
     */
    public void createTopics(Map<String, Integer> topicPartitions) {
        List<NewTopic> topics = topicPartitions.entrySet().stream()
                .map(e -> new NewTopic(e.getKey(), e.getValue(), (short) 1))
                .toList();
        try {
            for (var result : admin.createTopics(topics).values().entrySet()) {
                try {
                    result.getValue().get(TOPIC_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw new IllegalStateException(
                                "kafka could not create topic " + result.getKey() + ": " + e.getCause(), e);
                    }
                }
            }
        } catch (TimeoutException e) {
            throw new IllegalStateException(
                    "kafka did not create topics " + topicPartitions.keySet() + " within " + TOPIC_TIMEOUT.toSeconds()
                            + " s",
                    e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating topics " + topicPartitions.keySet(), e);
        }
        Set<String> names = topicPartitions.keySet();
        if (!Deadline.await(TOPIC_TIMEOUT, () -> allLed(names))) {
            throw new IllegalStateException("kafka topics " + names + " have partitions without a leader after "
                    + TOPIC_TIMEOUT.toSeconds() + " s");
        }
    }

    private boolean allLed(Set<String> names) {
        try {
            Map<String, TopicDescription> described =
                    admin.describeTopics(names).allTopicNames().get(5, TimeUnit.SECONDS);
            return described.values().stream()
                    .flatMap(d -> d.partitions().stream())
                    .allMatch(p -> p.leader() != null && !p.leader().isEmpty());
        } catch (ExecutionException | TimeoutException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Controlled shutdown of broker and controller; waits until both ports are free. Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        ShutdownHooks.unregister(hook);
        stop(server, admin);
        FreePorts.awaitReleased(NAME, Duration.ofSeconds(15), brokerPort, controllerPort);
    }

    private static void stop(KafkaRaftServer server, Admin admin) {
        if (admin != null) {
            admin.close(Duration.ofSeconds(5));
        }
        try {
            server.shutdown();
            server.awaitShutdown();
        } catch (RuntimeException e) {
            // a half-started server may fail to stop cleanly; nothing more we can do here
        }
    }

    @Override
    public String toString() {
        return NAME + " " + bootstrapServers();
    }
}
