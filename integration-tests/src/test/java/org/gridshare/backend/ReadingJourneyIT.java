package org.gridshare.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.gridshare.backend.aggregate.IntervalTable;
import org.gridshare.backend.aggregate.IntervalTotals;
import org.gridshare.backend.rejects.Rejection;
import org.gridshare.backend.testing.Publisher;
import org.gridshare.backend.testing.TestChain;
import org.gridshare.backend.testing.TestFiles;
import org.gridshare.backend.testing.TestMeter;
import org.gridshare.backend.verify.VerifiedReading;
import org.gridshare.parts.AnvilNode;
import org.gridshare.parts.EmbeddedHiveMq;
import org.gridshare.parts.KafkaNode;
import org.gridshare.parts.Mosquitto;
import org.gridshare.parts.MqttBroker;
import org.gridshare.parts.RepoRoot;
import org.gridshare.protocol.Address;
import org.gridshare.protocol.Bytes32;
import org.gridshare.protocol.Eip712Domain;
import org.gridshare.protocol.MeterReading;
import org.gridshare.protocol.RejectReason;
import org.gridshare.protocol.Signed;
import org.gridshare.protocol.wire.JsonWire;
import org.gridshare.testsupport.Await;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * One reading's whole journey through real parts: signed readings published over a real MQTT broker,
 * bridged into a real KRaft Kafka broker, verified against a MeterRegistry deployed on anvil, summed per
 * interval. Each bad input lands on gridshare.rejected.v1 with its reason while the valid readings
 * around it are all verified. The same body runs over each MQTT broker: the embedded HiveMQ CE (the
 * demo's default) and a real Mosquitto, each with its own Kafka, anvil and backend.
 */
@ParameterizedClass(name = "over {0}")
@ValueSource(strings = {ReadingJourneyIT.HIVEMQ, ReadingJourneyIT.MOSQUITTO})
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ReadingJourneyIT {
    static final String HIVEMQ = "HiveMQ CE";
    static final String MOSQUITTO = "Mosquitto";

    static final Duration WAIT = Duration.ofSeconds(45);
    static final Duration INTERVAL = Duration.ofMinutes(1);

    private Path work;
    private KafkaNode kafka;
    private AnvilNode anvil;
    private MqttBroker broker;
    protected TestChain chain;
    protected Backend backend;
    protected IntervalTable table;
    protected Publisher publisher;
    protected Eip712Domain domain;
    protected final Random random = new Random(42);

    /** The broker under test. */
    @Parameter
    String brokerKind;

    /**
     * Starts the broker under test. Mosquitto fails, saying so, when {@code mosquitto} is not on the PATH:
     * {@code .ci/run} installs it (Debian package), and a silent skip would hide a missing broker.
     */
    MqttBroker startBroker(Path dir) throws IOException {
        if (brokerKind.equals(HIVEMQ)) {
            return EmbeddedHiveMq.start(dir);
        }
        if (!Mosquitto.available()) {
            throw new IllegalStateException("mosquitto is not on the PATH: install the Debian package "
                    + "'mosquitto' (.ci/run does) to run the backend tests against it");
        }
        return Mosquitto.start(dir);
    }

    @BeforeParameterizedClassInvocation
    void startParts() throws Exception {
        long t0 = System.nanoTime();
        work = Files.createTempDirectory("backend-journey");
        kafka = KafkaNode.start(work.resolve("kafka"));
        Backend.createTopics(kafka.bootstrapServers());
        long tKafka = System.nanoTime();
        anvil = AnvilNode.start(RepoRoot.find());
        chain = TestChain.deploy(anvil);
        long tChain = System.nanoTime();
        broker = startBroker(work.resolve("mqtt"));
        long tBroker = System.nanoTime();
        domain = new Eip712Domain(anvil.chainId(), Address.fromHex("0x5fbdb2315678afecb367f032d93f642f64180aa3"));
        BackendConfig config = new BackendConfig(
                        broker.serverUri(),
                        kafka.bootstrapServers(),
                        anvil.rpcUrl(),
                        chain.registryAddress(),
                        domain,
                        INTERVAL,
                        Duration.ofHours(1),
                        work.resolve("streams"),
                        Clock.systemUTC())
                .withRegistryMaxAge(Duration.ZERO)
                .withApplicationId("backend-test-" + getClass().getSimpleName());
        backend = Backend.start(config);
        table = IntervalTable.start(kafka.bootstrapServers());
        publisher = new Publisher(broker.serverUri());
        long tBackend = System.nanoTime();
        System.out.printf(
                "%s: MQTT broker %s; started Kafka %d ms, anvil+registry %d ms, broker %d ms, backend %d ms%n",
                getClass().getSimpleName(),
                broker.name(),
                (tKafka - t0) / 1_000_000,
                (tChain - tKafka) / 1_000_000,
                (tBroker - tChain) / 1_000_000,
                (tBackend - tBroker) / 1_000_000);
    }

    @AfterParameterizedClassInvocation
    void stopParts() throws Exception {
        for (AutoCloseable c : new AutoCloseable[] {publisher, table, backend, broker, chain, anvil, kafka}) {
            if (c != null) {
                long t = System.nanoTime();
                try {
                    c.close();
                    System.out.printf(
                            "closed %s in %d ms%n", c.getClass().getSimpleName(), (System.nanoTime() - t) / 1_000_000);
                } catch (Exception e) {
                    e.printStackTrace();
                }
            }
        }
        TestFiles.deleteTree(work);
    }

    // ---- helpers ----

    TestMeter meter(String zone) throws Exception {
        TestMeter m = new TestMeter(random, domain, zone);
        chain.register(m.address(), zone);
        return m;
    }

    void send(TestMeter m, Signed<MeterReading> s) throws Exception {
        publisher.publish(m.topic(), JsonWire.encodeReading(s));
    }

    /** Publishes the meter's next valid reading (time now, a few mWh more). */
    void sendNext(TestMeter m) throws Exception {
        send(m, m.next(System.currentTimeMillis(), 1 + random.nextInt(50), random.nextInt(5)));
    }

    List<Long> verifiedSeqs(String meter) {
        return table.verified().stream()
                .filter(v -> v.meter().equals(meter))
                .map(VerifiedReading::seq)
                .toList();
    }

    List<Rejection> rejections(String key, RejectReason reason) {
        return table.rejections().stream()
                .filter(r -> key.equals(r.meter()) && r.reason() == reason)
                .toList();
    }

    /** Waits until exactly these seqs of the meter are verified, in order, and the rejection is there. */
    void awaitVerifiedAndRejected(TestMeter m, List<Long> seqs, String rejectedKey, RejectReason reason) {
        Await.until(
                "verifiedSeqs(m.hex()).equals(seqs) && !rejections(rejectedKey, reason).isEmpty()",
                WAIT,
                () -> verifiedSeqs(m.hex()).equals(seqs)
                        && !rejections(rejectedKey, reason).isEmpty(),
                () -> "verified " + verifiedSeqs(m.hex()) + ", rejections "
                        + table.rejections().stream()
                                .filter(r -> r.meter().equals(rejectedKey))
                                .map(r -> r.reason() + ":" + r.detail())
                                .toList());
        assertEquals(1, rejections(rejectedKey, reason).size(), "one rejection of " + reason);
        assertEquals(seqs, verifiedSeqs(m.hex()));
    }

    /** 2 valid, the bad payload on the meter's topic, then the meter's next 2 valid readings. */
    void aroundBadPayload(TestMeter m, byte[] bad, RejectReason expected) throws Exception {
        sendNext(m);
        sendNext(m);
        publisher.publish(m.topic(), bad);
        sendNext(m);
        sendNext(m);
        awaitVerifiedAndRejected(m, List.of(1L, 2L, 3L, 4L), m.hex(), expected);
    }

    // ---- the journey ----

    @Test
    void verifies_readings_of_two_meters_and_sums_exact_energy_per_interval() throws Exception {
        TestMeter a = meter("zone-a");
        TestMeter b = meter("zone-b");
        long base = System.currentTimeMillis() / INTERVAL.toMillis() * INTERVAL.toMillis() - 5 * INTERVAL.toMillis();
        long[][] stepsA = {{0, 0}, {100, 0}, {200, 0}, {300, 50}, {10, 0}}; // import, export deltas
        long[][] stepsB = {{7, 7}, {0, 1_000}, {0, 2_500}, {0, 0}, {42, 4_000}};
        for (int i = 0; i < 5; i++) {
            long t = base + i * 20_000L; // 0, 20, 40 s in the first interval; 60, 80 s in the second
            send(a, a.next(t, stepsA[i][0], stepsA[i][1]));
            send(b, b.next(t + 1, stepsB[i][0], stepsB[i][1]));
        }
        long next = base + INTERVAL.toMillis();
        // the first reading of a meter contributes nothing (no previous register value)
        IntervalTotals a1 = new IntervalTotals(a.hex(), "zone-a", base, 60, 300, 0, 3, 1, 3);
        IntervalTotals a2 = new IntervalTotals(a.hex(), "zone-a", next, 60, 310, 50, 2, 4, 5);
        IntervalTotals b1 = new IntervalTotals(b.hex(), "zone-b", base, 60, 0, 3_500, 3, 1, 3);
        IntervalTotals b2 = new IntervalTotals(b.hex(), "zone-b", next, 60, 42, 4_000, 2, 4, 5);
        Await.until(
                "List.of(a1, a2, b1, b2).stream() .allMatch(t -> table.interval(t.meter(), t.intervalStartMs()) .filter(t::equals) .isPresent())",
                WAIT,
                () -> List.of(a1, a2, b1, b2).stream()
                        .allMatch(t -> table.interval(t.meter(), t.intervalStartMs())
                                .filter(t::equals)
                                .isPresent()),
                () -> "intervals " + table.intervals());
        assertEquals(List.of(1L, 2L, 3L, 4L, 5L), verifiedSeqs(a.hex()));
        assertEquals(List.of(1L, 2L, 3L, 4L, 5L), verifiedSeqs(b.hex()));
    }

    // ---- bad input: each lands on the rejected topic, the readings around it are verified ----

    @Test
    void rejects_forged_signature() throws Exception {
        TestMeter m = meter("zone-a");
        sendNext(m);
        sendNext(m);
        Signed<MeterReading> real = m.peek(System.currentTimeMillis(), 5, 0);
        MeterReading r = real.message();
        MeterReading inflated = new MeterReading(
                r.meter(),
                r.seq(),
                r.timeMs(),
                r.importMilliWh() + 1_000_000,
                r.exportMilliWh(),
                r.powerMilliW(),
                r.status(),
                r.prev());
        send(m, new Signed<>(inflated, real.signature()));
        sendNext(m);
        sendNext(m);
        awaitVerifiedAndRejected(m, List.of(1L, 2L, 3L, 4L), m.hex(), RejectReason.BAD_SIGNATURE);
    }

    @Test
    void rejects_unregistered_meter() throws Exception {
        TestMeter neighbour = meter("zone-a");
        TestMeter stranger = new TestMeter(random, domain, "zone-a");
        sendNext(neighbour);
        sendNext(neighbour);
        sendNext(stranger);
        sendNext(neighbour);
        sendNext(neighbour);
        awaitVerifiedAndRejected(neighbour, List.of(1L, 2L, 3L, 4L), stranger.hex(), RejectReason.UNREGISTERED_METER);
        assertEquals(List.of(), verifiedSeqs(stranger.hex()));
    }

    @Test
    void rejects_readings_after_the_meter_was_revoked_on_chain() throws Exception {
        TestMeter m = meter("zone-a");
        TestMeter neighbour = meter("zone-a");
        sendNext(m);
        sendNext(m);
        sendNext(neighbour);
        Await.until(
                "verifiedSeqs(m.hex()).equals(List.of(1L, 2L))",
                WAIT,
                () -> verifiedSeqs(m.hex()).equals(List.of(1L, 2L)),
                () -> "" + verifiedSeqs(m.hex()));
        chain.revoke(m.address());
        sendNext(m);
        sendNext(neighbour);
        sendNext(neighbour);
        awaitVerifiedAndRejected(neighbour, List.of(1L, 2L, 3L), m.hex(), RejectReason.REVOKED_METER);
        assertEquals(List.of(1L, 2L), verifiedSeqs(m.hex()));
    }

    @Test
    void rejects_replayed_sequence_and_drops_duplicate() throws Exception {
        TestMeter m = meter("zone-a");
        sendNext(m);
        Signed<MeterReading> second = m.next(System.currentTimeMillis(), 3, 0);
        send(m, second);
        send(m, second); // the same reading again: a re-delivery, dropped as DUPLICATE
        sendNext(m);
        send(m, second); // seq 2 again after seq 3: a replay
        sendNext(m);
        awaitVerifiedAndRejected(m, List.of(1L, 2L, 3L, 4L), m.hex(), RejectReason.REPLAYED_SEQ);
        Await.until(
                "rejections(m.hex(), RejectReason.DUPLICATE).size() == 1",
                WAIT,
                () -> rejections(m.hex(), RejectReason.DUPLICATE).size() == 1,
                () -> "" + table.rejectsByReason());
    }

    @Test
    void rejects_sequence_gap_until_the_outbox_resends_the_missing_reading() throws Exception {
        TestMeter m = meter("zone-a");
        sendNext(m);
        sendNext(m);
        Signed<MeterReading> third = m.next(System.currentTimeMillis(), 2, 0);
        Signed<MeterReading> fourth = m.next(System.currentTimeMillis(), 2, 0);
        send(m, fourth); // seq 4 before seq 3 arrived
        send(m, third); // the outbox re-sends from the last acknowledged seq
        send(m, fourth);
        awaitVerifiedAndRejected(m, List.of(1L, 2L, 3L, 4L), m.hex(), RejectReason.SEQ_GAP);
    }

    @Test
    void rejects_broken_prev_chain() throws Exception {
        TestMeter m = meter("zone-a");
        sendNext(m);
        sendNext(m);
        Signed<MeterReading> real = m.peek(System.currentTimeMillis(), 1, 0);
        MeterReading r = real.message();
        send(
                m,
                m.sign(new MeterReading(
                        r.meter(),
                        r.seq(),
                        r.timeMs(),
                        r.importMilliWh(),
                        r.exportMilliWh(),
                        r.powerMilliW(),
                        r.status(),
                        Bytes32.ZERO)));
        sendNext(m);
        sendNext(m);
        awaitVerifiedAndRejected(m, List.of(1L, 2L, 3L, 4L), m.hex(), RejectReason.BROKEN_CHAIN);
    }

    @Test
    void rejects_malformed_json() throws Exception {
        TestMeter m = meter("zone-a");
        aroundBadPayload(
                m,
                "{\"type\":\"MeterReading\",\"meter\":".getBytes(StandardCharsets.UTF_8),
                RejectReason.MALFORMED_JSON);
    }

    @Test
    void rejects_float_in_an_integer_field() throws Exception {
        TestMeter m = meter("zone-a");
        String json =
                new String(JsonWire.encodeReading(m.peek(System.currentTimeMillis(), 1, 0)), StandardCharsets.UTF_8);
        String floated = json.replace("\"status\":0", "\"status\":0.0");
        if (floated.equals(json)) {
            throw new AssertionError("no integer status field to turn into a float in " + json);
        }
        aroundBadPayload(m, floated.getBytes(StandardCharsets.UTF_8), RejectReason.FLOAT_NOT_ALLOWED);
    }

    @Test
    void rejects_oversized_payload_keeping_its_first_bytes() throws Exception {
        TestMeter m = meter("zone-a");
        byte[] big = new byte[JsonWire.MAX_PAYLOAD_BYTES + 1000];
        Arrays.fill(big, (byte) '7');
        aroundBadPayload(m, big, RejectReason.OVERSIZED);
        Rejection r = rejections(m.hex(), RejectReason.OVERSIZED).get(0);
        assertEquals(big.length, r.payloadBytes());
        assertEquals(Rejection.KEPT_BYTES, r.payload().length);
        assertEquals(m.topic(), r.source().mqttTopic());
    }

    @Test
    void rejects_reading_published_in_another_zone_than_registered() throws Exception {
        TestMeter m = meter("zone-b");
        sendNext(m);
        sendNext(m);
        publisher.publish(
                "gridshare/v1/zone-a/" + m.hex() + "/readings",
                JsonWire.encodeReading(m.peek(System.currentTimeMillis(), 1, 0)));
        sendNext(m);
        sendNext(m);
        awaitVerifiedAndRejected(m, List.of(1L, 2L, 3L, 4L), m.hex(), RejectReason.ZONE_MISMATCH);
    }

    @Test
    void rejects_reading_published_on_another_meters_topic() throws Exception {
        TestMeter victim = meter("zone-a");
        TestMeter other = meter("zone-a");
        sendNext(victim);
        sendNext(victim);
        publisher.publish(victim.topic(), JsonWire.encodeReading(other.next(System.currentTimeMillis(), 1, 0)));
        sendNext(victim);
        sendNext(victim);
        awaitVerifiedAndRejected(victim, List.of(1L, 2L, 3L, 4L), victim.hex(), RejectReason.SIGNER_MISMATCH);
        assertEquals(List.of(), verifiedSeqs(other.hex()));
    }
}
