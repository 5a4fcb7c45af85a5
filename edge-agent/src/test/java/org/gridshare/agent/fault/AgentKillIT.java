package org.gridshare.agent.fault;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.gridshare.agent.AgentTestMain;
import org.gridshare.agent.outbox.Outbox;
import org.gridshare.agent.outbox.StoredReading;
import org.gridshare.parts.EmbeddedHiveMq;
import org.gridshare.parts.MqttBroker;
import org.gridshare.protocol.Address;
import org.gridshare.protocol.Eip712Domain;
import org.gridshare.protocol.MeterReading;
import org.gridshare.protocol.ReadingChain;
import org.gridshare.protocol.Signed;
import org.gridshare.testsupport.Reports;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * kill -9 of the agent process at random points while it signs and writes: the agent runs in a child
 * JVM ({@code AgentTestMain} on the test class path) with a simulated S0 meter at 50 readings/s and
 * 20 ms group commits; this test plays the backend's acknowledging side on a real MQTT broker (it
 * checks each reading's signature, seq order and prev chain and acks the highest contiguous seq).
 * After the kills one last run drains the outbox. Then: every seq from 1 to the last signed one was
 * either delivered and acknowledged or is still in the outbox (0 lost), no seq was ever seen with two
 * different digests (0 reused), the prev chain is unbroken and the registers never went down.
 *
 * <p>{@code -Dagent.kills=200} runs the 200-kill bar (about 8 minutes); the normal suite does
 * 20.
 */
class AgentKillIT {
    private static final Eip712Domain DOMAIN =
            new Eip712Domain(31337, Address.fromHex("0x5fbdb2315678afecb367f032d93f642f64180aa3"));
    private static final int KILLS = Integer.getInteger("agent.kills", 20);

    @TempDir
    Path dir;

    @Test
    void kill_9_at_random_points_loses_no_reading_and_reuses_no_seq() throws Exception {
        Random random = new Random(20261125L);
        try (MqttBroker broker = EmbeddedHiveMq.start(Files.createDirectories(dir.resolve("mqtt")))) {
            Path data = dir.resolve("data");
            Path config = dir.resolve("agent.yaml");
            Files.writeString(config, """
          dataDir: data
          zone: zone-k
          readingPeriodMs: 20
          chain: {chainId: 31337, verifyingContract: "0x5fbdb2315678afecb367f032d93f642f64180aa3"}
          meter: {type: s0-simulated, importGpio: 17, impulsesPerKWh: 1000, debounceMs: 1, simulatedPulsesPerSecond: 100}
          mqtt: {serverUri: "%s"}
          outbox: {groupCommitMs: 20, inFlightWindow: 200, ackTimeoutMs: 1500}
          """.formatted(broker.serverUri()));
            ContiguousAcker acker = new ContiguousAcker(DOMAIN, "zone-k");
            acker.connect(broker.serverUri());
            int kills = 0;
            long lastSignedBeforeFinal = 0;
            try {
                for (int i = 0; i < KILLS; i++) {
                    Process p = startAgent(config);
                    awaitLine(p, "running", Duration.ofSeconds(30));
                    long aliveMs = 50 + random.nextInt(700);
                    // the kill point is random on purpose: a wait here is the fault injection, not a condition
                    assertTrue(
                            !p.waitFor(aliveMs, TimeUnit.MILLISECONDS),
                            () -> "agent exited on its own: " + p.exitValue());
                    p.destroyForcibly(); // SIGKILL
                    assertTrue(p.waitFor(30, TimeUnit.SECONDS));
                    kills++;
                }
                try (Outbox o = Outbox.open(data.resolve("outbox.db"), 1)) {
                    lastSignedBeforeFinal = o.load().lastSeq();
                }
                Process last = startAgent(config);
                awaitLine(last, "running", Duration.ofSeconds(30));
                long target = lastSignedBeforeFinal;
                long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
                while (acker.contiguous() < target && System.nanoTime() < deadline) {
                    last.waitFor(50, TimeUnit.MILLISECONDS); // polling the drain's progress with a deadline
                }
                last.destroy(); // SIGTERM: the orderly stop path
                assertTrue(last.waitFor(30, TimeUnit.SECONDS), "agent did not stop on SIGTERM");
            } finally {
                acker.close();
            }

            assertEquals(List.of(), acker.violations());
            long contiguous = acker.contiguous();
            assertTrue(
                    contiguous >= lastSignedBeforeFinal, "drained to " + contiguous + " of " + lastSignedBeforeFinal);
            try (Outbox o = Outbox.open(data.resolve("outbox.db"), 1)) {
                long lastSeq = o.load().lastSeq();
                List<StoredReading> kept = o.unacknowledged(0, Integer.MAX_VALUE);
                int lost = 0;
                for (long seq = 1; seq <= lastSeq; seq++) {
                    long s = seq;
                    boolean inOutbox = kept.stream().anyMatch(r -> r.seq() == s);
                    if (!(seq <= contiguous && acker.received.containsKey(seq)) && !inOutbox) {
                        lost++;
                    }
                }
                for (StoredReading r : kept) {
                    Signed<MeterReading> seen = acker.received.get(r.seq());
                    if (seen != null) {
                        assertEquals(
                                ReadingChain.link(DOMAIN, seen.message()).toHex(),
                                r.digest(),
                                "seq " + r.seq() + " in the outbox differs from the one published");
                    }
                }
                Reports.printf(
                        "agent-kill-" + kills + ".txt",
                        "AgentKillIT: %d kills, %d readings signed, %d delivered and acknowledged, "
                                + "%d still in the outbox, %d lost, 0 seq reused%n",
                        kills,
                        lastSeq,
                        contiguous,
                        kept.size(),
                        lost);
                assertEquals(0, lost, "readings lost");
                assertTrue(lastSeq > KILLS, "the agent signed readings between kills: " + lastSeq);
            }
        }
    }

    private Process startAgent(Path config) throws Exception {
        String java = ProcessHandle.current().info().command().orElse("java");
        ProcessBuilder pb = new ProcessBuilder(
                java,
                "-Xmx64m",
                "--enable-native-access=ALL-UNNAMED",
                "-cp",
                System.getProperty("java.class.path"),
                AgentTestMain.NAME,
                "run",
                "--config",
                config.toString());
        pb.redirectErrorStream(true);
        pb.environment().remove("GRIDSHARE_DATA_DIR");
        return pb.start();
    }

    /** Reads the child's output until a line contains {@code marker}; keeps draining it afterwards. */
    private static void awaitLine(Process p, String marker, Duration timeout) throws Exception {
        CountDownLatch seen = new CountDownLatch(1);
        StringBuilder log = new StringBuilder();
        Thread t = new Thread(() -> {
            try (BufferedReader r =
                    new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    if (line.contains(marker)) {
                        seen.countDown();
                    }
                    synchronized (log) {
                        if (log.length() < 20_000) {
                            log.append(line).append('\n');
                        }
                    }
                }
            } catch (java.io.IOException ignored) {
                // the child was killed
            }
        });
        t.setDaemon(true);
        t.start();
        if (!seen.await(timeout.toSeconds(), TimeUnit.SECONDS)) {
            p.destroyForcibly();
            synchronized (log) {
                throw new AssertionError("agent never printed '" + marker + "':\n" + log);
            }
        }
    }
}
