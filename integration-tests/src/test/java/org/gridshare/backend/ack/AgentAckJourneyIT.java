package org.gridshare.backend.ack;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.pi4j.Pi4J;
import com.pi4j.context.Context;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.stream.LongStream;
import org.gridshare.agent.EdgeAgent;
import org.gridshare.agent.outbox.Outbox;
import org.gridshare.agent.uplink.MqttSession;
import org.gridshare.agent.uplink.MqttUplink;
import org.gridshare.backend.Backend;
import org.gridshare.backend.BackendConfig;
import org.gridshare.backend.aggregate.IntervalTable;
import org.gridshare.backend.testing.SimulatedAgent;
import org.gridshare.backend.testing.TestChain;
import org.gridshare.backend.verify.VerifiedReading;
import org.gridshare.parts.AnvilNode;
import org.gridshare.parts.EmbeddedHiveMq;
import org.gridshare.parts.KafkaNode;
import org.gridshare.parts.MqttBroker;
import org.gridshare.parts.RepoRoot;
import org.gridshare.protocol.Address;
import org.gridshare.protocol.Eip712Domain;
import org.gridshare.protocol.Secp256k1Signer;
import org.gridshare.testsupport.Await;
import org.gridshare.testsupport.Reports;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real edge agent against the real backend: a simulated S0 meter, the agent's outbox and MQTT
 * uplink, HiveMQ, the bridge into Kafka, verification against the MeterRegistry on anvil, and the
 * ack publisher answering the agent. Every signed reading is verified exactly once and in order, and
 * the agent's outbox empties only through the backend's acknowledgements.
 */
class AgentAckJourneyIT {
    @TempDir
    Path dir;

    @Test
    void every_signed_reading_is_verified_once_and_the_acks_empty_the_outbox() throws Exception {
        try (KafkaNode kafka = KafkaNode.start(dir.resolve("kafka"));
                AnvilNode anvil = AnvilNode.start(RepoRoot.find());
                TestChain chain = TestChain.deploy(anvil);
                MqttBroker broker = EmbeddedHiveMq.start(Files.createDirectories(dir.resolve("mqtt")))) {
            Backend.createTopics(kafka.bootstrapServers());
            Eip712Domain domain =
                    new Eip712Domain(anvil.chainId(), Address.fromHex("0x5fbdb2315678afecb367f032d93f642f64180aa3"));
            Secp256k1Signer key = Secp256k1Signer.generate();
            chain.register(key.address(), "zone-j");
            BackendConfig config = new BackendConfig(
                            broker.serverUri(),
                            kafka.bootstrapServers(),
                            anvil.rpcUrl(),
                            chain.registryAddress(),
                            domain,
                            Duration.ofMinutes(1),
                            Duration.ofHours(1),
                            dir.resolve("streams"),
                            Clock.systemUTC())
                    .withRegistryMaxAge(Duration.ZERO)
                    .withApplicationId("agent-ack-journey");
            Context pi4j = Pi4J.newContextBuilder()
                    .autoDetectMockPlugins()
                    .autoDetectPlatforms()
                    .build();
            ScheduledExecutorService sim = Executors.newSingleThreadScheduledExecutor();
            try (Backend backend = Backend.start(config);
                    AckPublisher acks =
                            AckPublisher.start(kafka.bootstrapServers(), broker.serverUri(), "acks-journey");
                    IntervalTable table = IntervalTable.start(kafka.bootstrapServers());
                    Outbox outbox = Outbox.open(dir.resolve("agent").resolve("outbox.db"), 10_000)) {
                long signed;
                EdgeAgent first = agent(pi4j, sim, 5, key, domain, broker, outbox);
                try {
                    Await.until(
                            "first.ackedThrough() >= 100",
                            Duration.ofSeconds(60),
                            () -> first.ackedThrough() >= 100,
                            () -> "acked through " + first.ackedThrough() + ", outbox " + first.outboxSize());
                } finally {
                    first.close(); // the last group commit keeps what was signed
                }
                signed = outbox.lastCommittedSeq();
                // a restarted agent on the same outbox continues the chain and delivers what was left
                EdgeAgent second = agent(pi4j, sim, 6, key, domain, broker, outbox);
                try {
                    Await.until(
                            "second.ackedThrough() >= signed + 20",
                            Duration.ofSeconds(60),
                            () -> second.ackedThrough() >= signed + 20,
                            () -> "acked through " + second.ackedThrough() + " of " + signed + " + 20");
                } finally {
                    second.close();
                }
                long acked = outbox.ackedThrough();
                Await.until(
                        "verified(table, key).size() >= acked",
                        Duration.ofSeconds(30),
                        () -> verified(table, key).size() >= acked,
                        () -> "verified " + verified(table, key).size() + " of " + acked);
                List<Long> seqs = verified(table, key);
                assertEquals(
                        LongStream.rangeClosed(1, seqs.size()).boxed().toList(),
                        seqs,
                        "every seq verified exactly once, in order, across the restart");
                Reports.printf(
                        "agent-ack-journey.txt",
                        "AgentAckJourneyIT: %d readings verified, first agent signed %d, outbox left %d%n",
                        seqs.size(),
                        signed,
                        outbox.size());
            } finally {
                sim.shutdownNow();
                pi4j.shutdown();
            }
        }
    }

    private static EdgeAgent agent(
            Context pi4j,
            ScheduledExecutorService sim,
            int pin,
            Secp256k1Signer key,
            Eip712Domain domain,
            MqttBroker broker,
            Outbox outbox)
            throws Exception {
        return SimulatedAgent.start(
                pi4j,
                sim,
                pin,
                key,
                domain,
                new MqttUplink(new MqttSession(broker.serverUri(), "zone-j", key.address(), null, Clock.systemUTC())),
                outbox,
                new EdgeAgent.Delivery(Duration.ofMillis(50), 500, Duration.ofSeconds(10)));
    }

    private static List<Long> verified(IntervalTable table, Secp256k1Signer key) {
        return table.verified().stream()
                .filter(v -> v.meter().equals(key.address().toHex()))
                .map(VerifiedReading::seq)
                .toList();
    }
}
