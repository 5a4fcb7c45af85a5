package org.gridshare.agent.fault;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.pi4j.Pi4J;
import com.pi4j.context.Context;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.gridshare.agent.EdgeAgent;
import org.gridshare.agent.meter.Measurement;
import org.gridshare.agent.meter.S0MeterSource;
import org.gridshare.agent.outbox.Outbox;
import org.gridshare.agent.outbox.StoredReading;
import org.gridshare.agent.signing.ReadingSigner;
import org.gridshare.agent.uplink.MqttSession;
import org.gridshare.agent.uplink.MqttUplink;
import org.gridshare.drivers.s0.S0Counter;
import org.gridshare.drivers.s0.S0PulseInput;
import org.gridshare.drivers.s0.SimulatedS0Meter;
import org.gridshare.parts.InstalledParts;
import org.gridshare.parts.Mosquitto;
import org.gridshare.parts.MqttBroker;
import org.gridshare.protocol.Address;
import org.gridshare.protocol.Eip712Domain;
import org.gridshare.protocol.Secp256k1Signer;
import org.gridshare.testsupport.Await;
import org.gridshare.testsupport.Reports;
import org.gridshare.testsupport.TestClock;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * After an outage the outbox holds a backlog of readings signed at 1/s (signed by the real
 * {@link ReadingSigner} into the real SQLite {@link Outbox} under a clock that moves one second per
 * reading, as the box would have signed them offline). The agent then starts against a real Mosquitto
 * with {@link ContiguousAcker} as the backend, while the simulated S0 meter keeps producing live
 * readings. Asserted: every backlog and live reading is accepted once, in seq order, none lost; live
 * readings keep being signed and stored on time during the drain (not starved by it).
 */
class BacklogDrainIT {
    private static final Eip712Domain DOMAIN =
            new Eip712Domain(31337, Address.fromHex("0x5fbdb2315678afecb367f032d93f642f64180aa3"));
    private static final String ZONE = "zone-d";
    /** Live reading period; faster than the box's 1/s so the drain has more live readings to starve. */
    private static final Duration PERIOD = Duration.ofMillis(Long.getLong("drain.periodMs", 250));
    /** Consecutive live readings may be at most this far apart (signed time, and wall time of signing). */
    private static final Duration MAX_LIVE_GAP = PERIOD.multipliedBy(4);

    @TempDir
    Path dir;

    @Test
    void drains_a_backlog_of_20000_in_seq_order_while_live_readings_are_signed_on_time() throws Exception {
        drain(Integer.getInteger("drain.backlog", 20_000));
    }

    /** The figure: 72 h at 1 reading/s. */
    @Test
    @Tag("harness")
    void drains_a_72_hour_backlog_in_seq_order_while_live_readings_are_signed_on_time() throws Exception {
        drain(72 * 3600);
    }

    private void drain(int backlog) throws Exception {
        InstalledParts.requireMosquitto();
        Secp256k1Signer key = Secp256k1Signer.generate();
        EdgeAgent.Delivery delivery = new EdgeAgent.Delivery(
                EdgeAgent.Delivery.DEFAULT.groupCommit(),
                Integer.getInteger("drain.window", EdgeAgent.Delivery.DEFAULT.window()),
                EdgeAgent.Delivery.DEFAULT.ackTimeout());
        // -Ddrain.brokerConfig="max_queued_messages 0" (';' for a new line) appends to Mosquitto's configuration
        try (MqttBroker broker = Mosquitto.start(
                        Files.createDirectories(dir.resolve("mqtt")),
                        System.getProperty("drain.brokerConfig", "").replace(";", "\n"));
                ContiguousAcker acker = new ContiguousAcker(DOMAIN, ZONE);
                Arrivals arrivals = new Arrivals(broker.serverUri(), ZONE);
                Outbox outbox = Outbox.open(dir.resolve("outbox.db"), 300_000)) {
            // the backlog: one reading a second, ending a minute before the box is back online
            long fillStart = System.nanoTime();
            long firstMs = System.currentTimeMillis() - 60_000L - backlog * 1000L;
            TestClock offline =
                    TestClock.at(firstMs); // the box's clock while it was offline, set to each reading's second
            ReadingSigner offlineSigner = new ReadingSigner(key, DOMAIN, outbox, offline);
            for (int i = 1; i <= backlog; i++) {
                offline.set(firstMs + (i - 1) * 1000L);
                // 1 Wh a second (3.6 kW): one pulse per reading at 1000 imp/kWh
                outbox.append(offlineSigner.signDeferred(new Measurement(i * 1000L, 0, 3_600_000L, 0)));
                if (i % 1000 == 0) {
                    outbox.commit();
                }
            }
            outbox.commit();
            double fillSeconds = (System.nanoTime() - fillStart) / 1e9;
            assertEquals(backlog, outbox.size());
            assertEquals(backlog, outbox.lastCommittedSeq());

            acker.connect(broker.serverUri());
            Context pi4j = Pi4J.newContextBuilder()
                    .autoDetectMockPlugins()
                    .autoDetectPlatforms()
                    .build();
            ScheduledExecutorService sim = Executors.newSingleThreadScheduledExecutor();
            // the counter continues from the last signed register, as AgentRun does after a restart
            S0Counter counter = new S0Counter(1000, Duration.ofMillis(1).toNanos(), backlog);
            S0PulseInput input = new S0PulseInput(pi4j, 24, counter, System::nanoTime);
            SimulatedS0Meter meter = new SimulatedS0Meter(pi4j, 24);
            meter.start(sim, 10);
            ConcurrentLinkedQueue<long[]> live = new ConcurrentLinkedQueue<>(); // {seq, signed time, stored at}
            EdgeAgent agent = new EdgeAgent(
                    new S0MeterSource(counter, null, Clock.systemUTC(), input),
                    new ReadingSigner(key, DOMAIN, outbox, Clock.systemUTC()),
                    new MqttUplink(new MqttSession(broker.serverUri(), ZONE, key.address(), null, Clock.systemUTC())),
                    outbox,
                    delivery,
                    r -> live.add(new long[] {r.message().seq(), r.message().timeMs(), System.currentTimeMillis()}));
            long drainNanos;
            long drainEndMs;
            long maxStallMs = 0;
            long target;
            try {
                long t0 = System.nanoTime();
                agent.start(PERIOD);
                // while the backlog drains, the signed count must keep growing: watch its longest stall
                long lastSigned = agent.signedCount();
                long lastChange = System.nanoTime();
                long lastPrint = lastChange;
                long deadline =
                        t0 + Duration.ofSeconds(Math.max(120, backlog / 100)).toNanos();
                while (acker.contiguous() < backlog) {
                    long now = System.nanoTime();
                    long signed = agent.signedCount();
                    if (signed != lastSigned) {
                        lastSigned = signed;
                        lastChange = now;
                    }
                    maxStallMs = Math.max(maxStallMs, (now - lastChange) / 1_000_000);
                    if (Boolean.getBoolean("drain.progress") && now - lastPrint >= 1_000_000_000L) {
                        lastPrint = now;
                        System.out.printf(
                                "t=%d acked=%d published=%d resent=%d signed=%d outbox=%d%n",
                                (now - t0) / 1_000_000_000,
                                acker.contiguous(),
                                agent.publishedCount(),
                                agent.resentCount(),
                                agent.signedCount(),
                                agent.outboxSize());
                    }
                    if (now > deadline) {
                        throw new AssertionError("backlog not drained: acked " + acker.contiguous() + " of " + backlog
                                + ", health " + agent.health() + ", resent " + agent.resentCount() + ", violations "
                                + acker.violations());
                    }
                    Thread.sleep(20); // polling interval of a condition with a deadline
                }
                drainNanos = System.nanoTime() - t0;
                drainEndMs = System.currentTimeMillis();
                // the live readings signed meanwhile follow right behind the backlog
                target = outbox.lastCommittedSeq();
                assertTrue(target > backlog, "live readings were committed during the drain");
                Await.until(
                        "acker.contiguous() >= target",
                        Duration.ofSeconds(30),
                        () -> acker.contiguous() >= target,
                        () -> "acked " + acker.contiguous() + " of " + target + ", health " + agent.health());
                assertEquals(EdgeAgent.Health.OK, agent.health());
            } finally {
                agent.close();
                meter.close();
                sim.shutdownNow();
                pi4j.shutdown();
            }

            assertEquals(List.of(), acker.violations());
            long lastSeq = outbox.load().lastSeq();
            Set<Long> kept = new HashSet<>();
            for (StoredReading r : outbox.unacknowledged(0, Integer.MAX_VALUE)) {
                kept.add(r.seq());
            }
            int lost = 0;
            for (long seq = 1; seq <= lastSeq; seq++) {
                if (!(seq <= acker.contiguous() && acker.received.containsKey(seq)) && !kept.contains(seq)) {
                    lost++;
                }
            }
            // the broker's delivery order downstream: each seq once, 1, 2, 3, … without a repeat
            List<Long> seen = arrivals.seqs();
            long redeliveries = seen.size() - seen.stream().distinct().count();
            int mismatch = firstMismatch(seen);
            assertEquals(-1, mismatch, () -> "arrival " + (mismatch + 1) + " downstream is seq " + seen.get(mismatch));
            assertTrue(seen.size() >= target, "every accepted reading seen downstream: " + seen.size());

            // live readings: signed on time and stored within a group commit
            List<long[]> liveReadings = new ArrayList<>(live);
            liveReadings.removeIf(r -> r[0] <= backlog);
            long maxGapMs = 0;
            long maxStoreLagMs = 0;
            for (int i = 0; i < liveReadings.size(); i++) {
                long[] r = liveReadings.get(i);
                assertEquals(backlog + 1L + i, r[0], "live readings in seq order");
                if (i > 0) {
                    maxGapMs = Math.max(maxGapMs, r[1] - liveReadings.get(i - 1)[1]);
                }
                maxStoreLagMs = Math.max(maxStoreLagMs, r[2] - r[1]);
            }
            double drainSeconds = drainNanos / 1e9;
            long liveDuringDrain =
                    liveReadings.stream().filter(r -> r[1] <= drainEndMs).count();
            Reports.printf(
                    "backlog-drain-" + backlog + ".txt",
                    "BacklogDrainIT: backlog %d readings filled in %.1f s (%.0f/s); drained in %.1f s"
                            + " (%.0f readings/s, end to end with the acking side verifying every signature); %d live readings"
                            + " (every %d ms; %d signed during the drain), max gap between signed times %d ms, max signed count stall %d ms, max sign-to-stored"
                            + " %d ms; %d signed in all, %d accepted in seq order, %d re-deliveries, %d in the outbox, %d lost%n",
                    backlog,
                    fillSeconds,
                    backlog / fillSeconds,
                    drainSeconds,
                    backlog / drainSeconds,
                    liveReadings.size(),
                    PERIOD.toMillis(),
                    liveDuringDrain,
                    maxGapMs,
                    maxStallMs,
                    maxStoreLagMs,
                    lastSeq,
                    acker.contiguous(),
                    redeliveries,
                    kept.size(),
                    lost);
            assertEquals(0, lost, "readings lost");
            assertTrue(acker.contiguous() >= target);
            assertEquals(lastSeq, acker.contiguous() + kept.size(), "every seq accepted or still in the outbox");
            assertTrue(
                    liveDuringDrain >= drainSeconds * 1000 / PERIOD.toMillis() * 0.8,
                    "live readings kept being signed during the drain: " + liveDuringDrain);
            assertTrue(maxGapMs <= MAX_LIVE_GAP.toMillis(), "live readings starved: gap " + maxGapMs + " ms");
            assertTrue(maxStallMs <= MAX_LIVE_GAP.toMillis(), "signing stalled for " + maxStallMs + " ms");
            assertTrue(
                    maxStoreLagMs <= delivery.groupCommit().plus(MAX_LIVE_GAP).toMillis(),
                    "live readings stored late: " + maxStoreLagMs + " ms after signing");
        }
    }

    private static int firstMismatch(List<Long> seen) {
        for (int i = 0; i < seen.size(); i++) {
            if (seen.get(i) != i + 1L) {
                return i;
            }
        }
        return -1;
    }
}
