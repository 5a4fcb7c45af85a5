package org.gridshare.agent.fault;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.pi4j.Pi4J;
import com.pi4j.context.Context;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.gridshare.agent.EdgeAgent;
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
import org.gridshare.protocol.Address;
import org.gridshare.protocol.Eip712Domain;
import org.gridshare.protocol.Secp256k1Signer;
import org.gridshare.testsupport.Await;
import org.gridshare.testsupport.Reports;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The MQTT broker (a real Mosquitto process without persistence) is killed with SIGKILL mid-stream
 * and restarted on the same port after a while: the agent keeps signing into its outbox meanwhile,
 * reconnects, re-subscribes to its acks and re-sends everything unacknowledged in order → 0 lost.
 */
class BrokerRestartIT {
    private static final Eip712Domain DOMAIN =
            new Eip712Domain(31337, Address.fromHex("0x5fbdb2315678afecb367f032d93f642f64180aa3"));

    @TempDir
    Path dir;

    @Test
    void broker_killed_and_restarted_mid_stream_loses_no_reading() throws Exception {
        InstalledParts.requireMosquitto();
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        String uri = "tcp://127.0.0.1:" + port;
        Process broker = startMosquitto(port);
        Context pi4j = Pi4J.newContextBuilder()
                .autoDetectMockPlugins()
                .autoDetectPlatforms()
                .build();
        ScheduledExecutorService sim = Executors.newSingleThreadScheduledExecutor();
        ContiguousAcker acker = new ContiguousAcker(DOMAIN, "zone-r");
        Secp256k1Signer key = Secp256k1Signer.generate();
        try (Outbox outbox = Outbox.open(dir.resolve("outbox.db"), 100_000)) {
            S0Counter counter = new S0Counter(1000, Duration.ofMillis(1).toNanos(), 0);
            S0PulseInput input = new S0PulseInput(pi4j, 22, counter, System::nanoTime);
            SimulatedS0Meter meter = new SimulatedS0Meter(pi4j, 22);
            meter.start(sim, 100);
            acker.connect(uri);
            EdgeAgent agent = new EdgeAgent(
                    new S0MeterSource(counter, null, Clock.systemUTC(), input),
                    new ReadingSigner(key, DOMAIN, outbox, Clock.systemUTC()),
                    new MqttUplink(new MqttSession(uri, "zone-r", key.address(), null, Clock.systemUTC())),
                    outbox,
                    new EdgeAgent.Delivery(Duration.ofMillis(20), 200, Duration.ofSeconds(2)),
                    null);
            try {
                agent.start(Duration.ofMillis(20));
                Await.until(
                        "acker.contiguous() >= 50",
                        Duration.ofSeconds(30),
                        () -> acker.contiguous() >= 50,
                        () -> "acked " + acker.contiguous());

                broker.destroyForcibly(); // SIGKILL: in-flight PUBACKs and the session are gone
                assertTrue(broker.waitFor(10, TimeUnit.SECONDS));
                Await.until(
                        "agent.health() == EdgeAgent.Health.UPLINK_DOWN",
                        Duration.ofSeconds(30),
                        () -> agent.health() == EdgeAgent.Health.UPLINK_DOWN,
                        agent::toString);
                long signedWhileDown = agent.signedCount();
                Await.until(
                        "agent.signedCount() >= signedWhileDown + 50",
                        Duration.ofSeconds(30),
                        () -> agent.signedCount() >= signedWhileDown + 50,
                        () -> "signed " + agent.signedCount());

                broker = startMosquitto(port);
                acker.connect(uri);
                long target = outbox.lastCommittedSeq();
                Await.until(
                        "acker.contiguous() >= target",
                        Duration.ofSeconds(60),
                        () -> acker.contiguous() >= target,
                        () -> "acked " + acker.contiguous() + " of " + target + ", health " + agent.health());
                assertEquals(EdgeAgent.Health.OK, agent.health());
            } finally {
                agent.close();
                meter.close();
                sim.shutdownNow();
                acker.close();
                broker.destroyForcibly();
                pi4j.shutdown();
            }
            assertEquals(List.of(), acker.violations());
            long lastSeq = outbox.load().lastSeq();
            List<StoredReading> kept = outbox.unacknowledged(0, Integer.MAX_VALUE);
            int lost = 0;
            for (long seq = 1; seq <= lastSeq; seq++) {
                long s = seq;
                if (!(seq <= acker.contiguous() && acker.received.containsKey(seq))
                        && kept.stream().noneMatch(r -> r.seq() == s)) {
                    lost++;
                }
            }
            Reports.printf(
                    "broker-restart.txt",
                    "BrokerRestartIT: %d signed, %d delivered and acknowledged, %d in the outbox, %d lost%n",
                    lastSeq,
                    acker.contiguous(),
                    kept.size(),
                    lost);
            assertEquals(0, lost);
        }
    }

    private Process startMosquitto(int port) throws IOException, InterruptedException {
        Path conf = dir.resolve("mosquitto.conf");
        Files.writeString(conf, "listener " + port + " 127.0.0.1\nallow_anonymous true\npersistence false\n");
        String bin = Files.isExecutable(Path.of("/usr/sbin/mosquitto")) ? "/usr/sbin/mosquitto" : "mosquitto";
        Process p = new ProcessBuilder(bin, "-c", conf.toString())
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("mosquitto.log").toFile())
                .start();
        Await.until(
                "accepts(port)",
                Duration.ofSeconds(20),
                () -> accepts(port),
                () -> "mosquitto not listening on " + port);
        return p;
    }

    private static boolean accepts(int port) {
        try (Socket s = new Socket("127.0.0.1", port)) {
            return s.isConnected();
        } catch (IOException e) {
            return false;
        }
    }
}
