package org.gridshare.backend;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.gridshare.backend.aggregate.IntervalTable;
import org.gridshare.backend.testing.Await;
import org.gridshare.backend.testing.Publisher;
import org.gridshare.backend.testing.TestChain;
import org.gridshare.backend.testing.TestMeter;
import org.gridshare.backend.verify.VerifiedReading;
import org.gridshare.localgrid.AnvilNode;
import org.gridshare.localgrid.EmbeddedHiveMq;
import org.gridshare.localgrid.KafkaNode;
import org.gridshare.localgrid.MqttBroker;
import org.gridshare.localgrid.RepoRoot;
import org.gridshare.protocol.Address;
import org.gridshare.protocol.Eip712Domain;
import org.gridshare.protocol.wire.JsonWire;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Measures signature made → verified (verifiedAtMs − timeMs) over real parts for 1,200 readings of 4
 * meters and writes median and p99 to {@code target/latency.txt}. Not part of the normal test run:
 * {@code ./mvnw -pl backend test -Dtest=LatencyHarness -Dbackend.excludedGroups=none}.
 */
@Tag("harness")
class LatencyHarness {
    private static final int METERS = 4;
    private static final int PER_METER = 300;

    @Test
    void measures_signature_to_verified_latency() throws Exception {
        Path work = Files.createTempDirectory("backend-latency");
        Random random = new Random(7);
        try (KafkaNode kafka = KafkaNode.start(work.resolve("kafka"));
                AnvilNode anvil = AnvilNode.start(RepoRoot.find());
                MqttBroker broker = EmbeddedHiveMq.start(work.resolve("mqtt"))) {
            Backend.createTopics(kafka.bootstrapServers());
            try (TestChain chain = TestChain.deploy(anvil)) {
                Eip712Domain domain = new Eip712Domain(anvil.chainId(),
                        Address.fromHex("0x5fbdb2315678afecb367f032d93f642f64180aa3"));
                List<TestMeter> meters = new ArrayList<>();
                for (int i = 0; i < METERS; i++) {
                    TestMeter m = new TestMeter(random, domain, "zone-" + (i % 2));
                    chain.register(m.address(), m.zone());
                    meters.add(m);
                }
                BackendConfig config = new BackendConfig(broker.serverUri(), kafka.bootstrapServers(),
                        anvil.rpcUrl(), chain.registryAddress(), domain, Duration.ofMinutes(1), Duration.ofMinutes(10),
                        work.resolve("streams"), Clock.systemUTC()).withApplicationId("latency-harness");
                try (Backend backend = Backend.start(config);
                        IntervalTable table = IntervalTable.start(kafka.bootstrapServers());
                        Publisher publisher = new Publisher(broker.serverUri())) {
                    long started = System.nanoTime();
                    for (int n = 0; n < PER_METER; n++) {
                        for (TestMeter m : meters) {
                            publisher.publish(m.topic(), JsonWire.encodeReading(
                                    m.next(System.currentTimeMillis(), 1 + random.nextInt(20), 0)));
                        }
                    }
                    int total = METERS * PER_METER;
                    Await.until(Duration.ofMinutes(2), () -> table.verified().size() >= total,
                            () -> table.verified().size() + " of " + total + " verified, rejected "
                                    + table.rejectsByReason());
                    double seconds = (System.nanoTime() - started) / 1e9;
                    long[] lat = table.verified().stream()
                            .mapToLong(v -> v.verifiedAtMs() - v.timeMs()).sorted().toArray();
                    String report = String.format(
                            "backend latency, signature made -> verified (verifiedAtMs - timeMs)%n"
                                    + "readings: %d from %d meters over %s, %s, Kafka Streams exactly_once_v2, "
                                    + "commit interval %d ms%n"
                                    + "median: %d ms%np99: %d ms%nmax: %d ms%nthroughput: %.0f readings/s "
                                    + "(one publisher waiting for each PUBACK)%n",
                            lat.length, METERS, broker.name(), "anvil registry lookups",
                            config.commitInterval().toMillis(), lat[lat.length / 2],
                            lat[(int) Math.ceil(lat.length * 0.99) - 1], lat[lat.length - 1], total / seconds);
                    Path out = Path.of("target", "latency.txt");
                    Files.createDirectories(out.getParent());
                    Files.writeString(out, report, StandardCharsets.UTF_8);
                    System.out.print(report);
                    if (table.verified().stream().map(VerifiedReading::digest).distinct().count() != total) {
                        throw new AssertionError("a reading was verified twice");
                    }
                }
            }
        }
    }
}
