package org.gridshare.backend;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.locks.LockSupport;
import org.gridshare.backend.aggregate.IntervalTable;
import org.gridshare.backend.testing.Publisher;
import org.gridshare.backend.testing.TestChain;
import org.gridshare.backend.testing.TestFiles;
import org.gridshare.backend.testing.TestMeter;
import org.gridshare.backend.verify.VerifiedReading;
import org.gridshare.parts.AnvilNode;
import org.gridshare.parts.EmbeddedHiveMq;
import org.gridshare.parts.KafkaNode;
import org.gridshare.parts.MqttBroker;
import org.gridshare.parts.RepoRoot;
import org.gridshare.protocol.Address;
import org.gridshare.protocol.Eip712Domain;
import org.gridshare.protocol.wire.JsonWire;
import org.gridshare.testsupport.Await;
import org.gridshare.testsupport.Reports;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Measures signature made → verified (verifiedAtMs − timeMs) over real parts for 1,200 readings of 4
 * meters and writes median and p99 to {@code target/reports/latency.txt}. Not part of the normal test run:
 * {@code ./mvnw -pl backend test -Dtest=LatencyHarness -Dbackend.excludedGroups=none}.
 */
@Tag("harness")
class LatencyHarness {
    private static final int METERS = 4;
    private static final int PER_METER = 300;
    private static final int WARMUP_PER_METER = 50;

    private static long p99(long[] sorted) {
        return sorted[(int) Math.ceil(sorted.length * 0.99) - 1];
    }

    @Test
    void measures_signature_to_verified_latency() throws Exception {
        Path work = Files.createTempDirectory("backend-latency");
        Random random = new Random(7);
        try (KafkaNode kafka = KafkaNode.start(work.resolve("kafka"));
                AnvilNode anvil = AnvilNode.start(RepoRoot.find());
                MqttBroker broker = EmbeddedHiveMq.start(work.resolve("mqtt"))) {
            Backend.createTopics(kafka.bootstrapServers());
            try (TestChain chain = TestChain.deploy(anvil)) {
                Eip712Domain domain = new Eip712Domain(
                        anvil.chainId(), Address.fromHex("0x5fbdb2315678afecb367f032d93f642f64180aa3"));
                List<TestMeter> meters = new ArrayList<>();
                for (int i = 0; i < METERS; i++) {
                    TestMeter m = new TestMeter(random, domain, "zone-" + (i % 2));
                    chain.register(m.address(), m.zone());
                    meters.add(m);
                }
                BackendConfig config = new BackendConfig(
                                broker.serverUri(),
                                kafka.bootstrapServers(),
                                anvil.rpcUrl(),
                                chain.registryAddress(),
                                domain,
                                Duration.ofMinutes(1),
                                Duration.ofMinutes(10),
                                work.resolve("streams"),
                                Clock.systemUTC())
                        .withApplicationId("latency-harness")
                        .withCommitInterval(Duration.ofMillis(Long.getLong("harness.commitMs", 100)));
                try (Backend backend = Backend.start(config);
                        IntervalTable table = IntervalTable.start(kafka.bootstrapServers())) {
                    // one MQTT client per meter, as each meter box has its own
                    List<Publisher> publishers = new ArrayList<>();
                    for (int i = 0; i < METERS; i++) {
                        publishers.add(new Publisher(broker.serverUri()));
                    }
                    // warm-up (JIT, RocksDB, first registry lookups), not measured
                    for (int n = 0; n < WARMUP_PER_METER; n++) {
                        for (int i = 0; i < METERS; i++) {
                            TestMeter m = meters.get(i);
                            publishers
                                    .get(i)
                                    .publish(
                                            m.topic(),
                                            JsonWire.encodeReading(
                                                    m.next(System.currentTimeMillis(), 1 + random.nextInt(20), 0)));
                        }
                    }
                    Await.until(
                            "table.verified().size() >= METERS * WARMUP_PER_METER",
                            Duration.ofMinutes(1),
                            () -> table.verified().size() >= METERS * WARMUP_PER_METER,
                            () -> table.verified().size() + " warm-up readings verified");
                    long started = System.nanoTime();
                    // Paced like a neighbourhood of meters (default 100 readings/s in total), so the
                    // figure is the latency of a reading, not the time a backlog takes to drain.
                    long periodNanos = 1_000_000_000L / Long.getLong("harness.ratePerSecond", 100);
                    long sent = 0;
                    for (int n = 0; n < PER_METER; n++) {
                        for (int i = 0; i < METERS; i++) {
                            long due = started + sent++ * periodNanos;
                            while (System.nanoTime() < due) {
                                LockSupport.parkNanos(
                                        due - System.nanoTime()); // rate limit, not a wait for a condition
                            }
                            TestMeter m = meters.get(i);
                            publishers
                                    .get(i)
                                    .publish(
                                            m.topic(),
                                            JsonWire.encodeReading(
                                                    m.next(System.currentTimeMillis(), 1 + random.nextInt(20), 0)));
                        }
                    }
                    int total = METERS * PER_METER;
                    Await.until(
                            "table.verified().size() >= total + METERS * WARMUP_PER_METER",
                            Duration.ofMinutes(2),
                            () -> table.verified().size() >= total + METERS * WARMUP_PER_METER,
                            () -> table.verified().size() + " of " + total + " verified, rejected "
                                    + table.rejectsByReason());
                    double seconds = (System.nanoTime() - started) / 1e9;
                    List<VerifiedReading> measured = table.verified().stream()
                            .filter(v -> v.seq() > WARMUP_PER_METER)
                            .toList();
                    long[] lat = measured.stream()
                            .mapToLong(v -> v.verifiedAtMs() - v.timeMs())
                            .sorted()
                            .toArray();
                    long[] ingest = measured.stream()
                            .mapToLong(v -> v.receivedAtMs() - v.timeMs())
                            .sorted()
                            .toArray();
                    long[] streams = measured.stream()
                            .mapToLong(v -> v.verifiedAtMs() - v.receivedAtMs())
                            .sorted()
                            .toArray();
                    String report = String.format(
                            "backend latency, signature made -> verified (verifiedAtMs - timeMs)%n"
                                    + "readings: %d (after %d warm-up) from %d meters at %d/s over %s, %s, Kafka Streams exactly_once_v2, "
                                    + "commit interval %d ms, load average %.1f on %d cores%n"
                                    + "median: %d ms%np99: %d ms%nmax: %d ms%n"
                                    + "of which signed -> in the bridge: median %d ms, p99 %d ms; "
                                    + "bridge -> verified: median %d ms, p99 %d ms%n"
                                    + "throughput: %.0f readings/s (offered)%n",
                            lat.length,
                            METERS * WARMUP_PER_METER,
                            METERS,
                            1_000_000_000L / periodNanos,
                            broker.name(),
                            "anvil registry lookups",
                            config.commitInterval().toMillis(),
                            java.lang.management.ManagementFactory.getOperatingSystemMXBean()
                                    .getSystemLoadAverage(),
                            Runtime.getRuntime().availableProcessors(),
                            lat[lat.length / 2],
                            p99(lat),
                            lat[lat.length - 1],
                            ingest[ingest.length / 2],
                            p99(ingest),
                            streams[streams.length / 2],
                            p99(streams),
                            total / seconds);
                    Reports.write("latency.txt", report);
                    System.out.print(report);
                    for (Publisher p : publishers) {
                        p.close();
                    }
                    List<VerifiedReading> all = measured;
                    System.out.println("first 10 latencies: "
                            + all.subList(0, 10).stream()
                                    .map(v -> (v.receivedAtMs() - v.timeMs()) + "/"
                                            + (v.verifiedAtMs() - v.receivedAtMs()))
                                    .toList());
                    System.out.println("last 10 latencies: "
                            + all.subList(all.size() - 10, all.size()).stream()
                                    .map(v -> (v.receivedAtMs() - v.timeMs()) + "/"
                                            + (v.verifiedAtMs() - v.receivedAtMs()))
                                    .toList());
                    if (measured.stream()
                                    .map(VerifiedReading::digest)
                                    .distinct()
                                    .count()
                            != total) {
                        throw new AssertionError("a reading was verified twice");
                    }
                }
            }
        } finally {
            TestFiles.deleteTree(work);
        }
    }
}
