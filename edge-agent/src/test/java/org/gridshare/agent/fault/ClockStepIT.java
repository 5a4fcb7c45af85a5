package org.gridshare.agent.fault;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.gridshare.agent.AgentProcess;
import org.gridshare.agent.clock.AgentClock;
import org.gridshare.parts.InstalledParts;
import org.gridshare.parts.Mosquitto;
import org.gridshare.parts.MqttBroker;
import org.gridshare.protocol.Address;
import org.gridshare.protocol.Eip712Domain;
import org.gridshare.protocol.MeterReading;
import org.gridshare.protocol.MeterStatus;
import org.gridshare.testsupport.Await;
import org.gridshare.testsupport.Reports;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The agent's clock steps back two minutes while it runs in its own JVM (the test-only offset clock of
 * {@link AgentClock}, as NTP or a person would step the system clock), and stays behind across a
 * restart: every reading signed meanwhile carries {@code CLOCK_STEPPED_BACK} and the last signed time,
 * no signed time ever decreases, and once the clock is right again readings are unflagged.
 */
class ClockStepIT {
    private static final Eip712Domain DOMAIN =
            new Eip712Domain(31337, Address.fromHex("0x5fbdb2315678afecb367f032d93f642f64180aa3"));

    @TempDir
    Path dir;

    @Test
    void clock_stepped_back_flags_readings_and_never_signs_an_earlier_time_across_a_restart() throws Exception {
        InstalledParts.requireMosquitto();
        Path offset = dir.resolve("clock-offset-ms");
        setOffset(offset, 0);
        try (MqttBroker broker = Mosquitto.start(Files.createDirectories(dir.resolve("mqtt")));
                ContiguousAcker acker = new ContiguousAcker(DOMAIN, "zone-c")) {
            acker.connect(broker.serverUri());
            Path config = dir.resolve("agent.yaml");
            Files.writeString(config, """
          dataDir: data
          zone: zone-c
          readingPeriodMs: 20
          chain: {chainId: 31337, verifyingContract: "0x5fbdb2315678afecb367f032d93f642f64180aa3"}
          meter: {type: s0-simulated, importGpio: 17, impulsesPerKWh: 1000, debounceMs: 1, simulatedPulsesPerSecond: 100}
          mqtt: {serverUri: "%s"}
          outbox: {groupCommitMs: 20, inFlightWindow: 200, ackTimeoutMs: 1500}
          http: {enabled: false}
          """.formatted(broker.serverUri()));
            List<String> flags = List.of("-D" + AgentClock.TEST_OFFSET_FILE_PROPERTY + "=" + offset);
            long lastBeforeRestart;
            List<String> firstRun;
            List<String> secondRun;
            try (AgentProcess agent = AgentProcess.start(config, flags, Map.of())) {
                agent.awaitLine(l -> l.contains("running"), Duration.ofSeconds(30));
                Await.until(
                        "acker.contiguous() >= 30",
                        Duration.ofSeconds(60),
                        () -> acker.contiguous() >= 30,
                        () -> "acked " + acker.contiguous());
                setOffset(offset, -120_000); // two minutes back
                Await.until(
                        "firstFlagged(acker) > 0 && acker.contiguous() >= firstFlagged(acker) + 30",
                        Duration.ofSeconds(60),
                        () -> firstFlagged(acker) > 0 && acker.contiguous() >= firstFlagged(acker) + 30,
                        () -> "acked " + acker.contiguous() + ", first flagged " + firstFlagged(acker));
                agent.stop();
                firstRun = agent.stdout();
            }
            lastBeforeRestart = acker.contiguous();
            try (AgentProcess agent = AgentProcess.start(config, flags, Map.of())) {
                agent.awaitLine(l -> l.contains("running"), Duration.ofSeconds(30));
                Await.until(
                        "acker.contiguous() >= lastBeforeRestart + 30",
                        Duration.ofSeconds(60),
                        () -> acker.contiguous() >= lastBeforeRestart + 30,
                        () -> "acked " + acker.contiguous());
                long stillBehind = acker.contiguous();
                setOffset(offset, 0); // NTP puts the clock right again
                Await.until(
                        "acker.contiguous() >= stillBehind + 30 && !flagged(acker.received.get(acker.contiguous()))",
                        Duration.ofSeconds(60),
                        () -> acker.contiguous() >= stillBehind + 30
                                && !flagged(acker.received.get(acker.contiguous())),
                        () -> "acked " + acker.contiguous());
                agent.stop();
                secondRun = agent.stdout();
            }

            assertEquals(List.of(), acker.violations(), "signatures, chain, and time never going back");
            long first = firstFlagged(acker);
            long last = acker.contiguous();
            long frozen = reading(acker, first - 1).timeMs();
            int flaggedCount = 0;
            int flaggedAfterRestart = 0;
            int unflaggedAfterHeal = 0;
            for (long seq = 2; seq <= last; seq++) {
                MeterReading r = reading(acker, seq);
                MeterReading prev = reading(acker, seq - 1);
                assertTrue(r.timeMs() >= prev.timeMs(), "signed time went back at seq " + seq);
                if (flagged(r)) {
                    flaggedCount++;
                    assertEquals(frozen, r.timeMs(), "seq " + seq + " keeps the last signed time");
                    if (seq > lastBeforeRestart) {
                        flaggedAfterRestart++;
                    }
                } else if (seq > first) {
                    unflaggedAfterHeal++;
                    assertTrue(
                            r.timeMs() > frozen, "seq " + seq + " unflagged only once the clock is past the last time");
                }
            }
            for (long seq = 1; seq < first; seq++) {
                assertTrue(!flagged(reading(acker, seq)), "seq " + seq + " flagged before the step");
            }
            Reports.printf(
                    "clock-step.txt",
                    "ClockStepIT: step -120 s at seq %d; %d readings flagged CLOCK_STEPPED_BACK at time %d "
                            + "(%d after the restart at seq %d), %d unflagged after the clock was put right, %d readings in all, "
                            + "no signed time decreased%n",
                    first,
                    flaggedCount,
                    frozen,
                    flaggedAfterRestart,
                    lastBeforeRestart,
                    unflaggedAfterHeal,
                    last);
            assertTrue(flaggedAfterRestart >= 20, "still flagged after the restart: " + flaggedAfterRestart);
            assertTrue(unflaggedAfterHeal >= 1);
            assertTrue(firstRun.stream().anyMatch(l -> l.contains("clock stepped back")), "warned in the first run");
            assertTrue(secondRun.stream().anyMatch(l -> l.contains("clock stepped back")), "warned after the restart");
            assertTrue(firstRun.stream().anyMatch(l -> l.contains("TEST CLOCK")), "the test clock announces itself");
        }
    }

    private static boolean flagged(MeterReading r) {
        return r != null && (r.status() & MeterStatus.CLOCK_STEPPED_BACK) != 0;
    }

    private static boolean flagged(org.gridshare.protocol.Signed<MeterReading> r) {
        return r != null && flagged(r.message());
    }

    private static MeterReading reading(ContiguousAcker acker, long seq) {
        return acker.received.get(seq).message();
    }

    /** The lowest accepted seq carrying the flag, 0 when none yet. */
    private static long firstFlagged(ContiguousAcker acker) {
        for (long seq = 1; seq <= acker.contiguous(); seq++) {
            if (flagged(acker.received.get(seq))) {
                return seq;
            }
        }
        return 0;
    }

    private static void setOffset(Path file, long ms) throws Exception {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.writeString(tmp, Long.toString(ms));
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }
}
