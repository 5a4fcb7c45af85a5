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
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.gridshare.agent.EdgeAgent;
import org.gridshare.agent.meter.S0MeterSource;
import org.gridshare.agent.metrics.AgentMetrics;
import org.gridshare.agent.metrics.Exposition;
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
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The household's network breaks between the agent and a real Mosquitto, through {@link TcpFaultProxy}:
 * first half-open (every byte swallowed, no reset: only the MQTT keep-alive can notice), then cut
 * (connections reset, new ones refused). The agent keeps signing into its outbox the whole time. After
 * the heal every reading reaches the downstream side exactly once as far as acceptance goes and in seq
 * order: the first arrival of each seq is strictly increasing, every seq 1..last was accepted, none
 * lost. The normal run breaks the network for 2 minutes; {@code harness} for 10.
 */
class NetworkCutIT {
    private static final Eip712Domain DOMAIN =
            new Eip712Domain(31337, Address.fromHex("0x5fbdb2315678afecb367f032d93f642f64180aa3"));
    private static final int KEEP_ALIVE_S = 3;

    @TempDir
    Path dir;

    @Test
    void two_minutes_half_open_then_cut_then_healed_delivers_every_reading_once_in_order() throws Exception {
        breakAndHeal(
                Duration.ofSeconds(Long.getLong("fault.halfOpenSeconds", 40)),
                Duration.ofSeconds(Long.getLong("fault.cutSeconds", 80)));
    }

    @Test
    @Tag("harness")
    void ten_minutes_half_open_then_cut_then_healed_delivers_every_reading_once_in_order() throws Exception {
        breakAndHeal(Duration.ofMinutes(3), Duration.ofMinutes(7));
    }

    private void breakAndHeal(Duration blackhole, Duration cut) throws Exception {
        InstalledParts.requireMosquitto();
        Context pi4j = Pi4J.newContextBuilder()
                .autoDetectMockPlugins()
                .autoDetectPlatforms()
                .build();
        ScheduledExecutorService sim = Executors.newSingleThreadScheduledExecutor();
        Secp256k1Signer key = Secp256k1Signer.generate();
        try (MqttBroker broker = Mosquitto.start(Files.createDirectories(dir.resolve("mqtt")));
                TcpFaultProxy proxy = TcpFaultProxy.start(portOf(broker.serverUri()));
                ContiguousAcker acker = new ContiguousAcker(DOMAIN, "zone-n");
                Arrivals arrivals = new Arrivals(broker.serverUri(), "zone-n");
                Outbox outbox = Outbox.open(dir.resolve("outbox.db"), 100_000)) {
            acker.connect(broker.serverUri()); // the backend side is not behind the broken link
            S0Counter counter = new S0Counter(1000, Duration.ofMillis(1).toNanos(), 0);
            S0PulseInput input = new S0PulseInput(pi4j, 23, counter, System::nanoTime);
            SimulatedS0Meter meter = new SimulatedS0Meter(pi4j, 23);
            meter.start(sim, 40);
            MqttSession session = new MqttSession(
                    "tcp://127.0.0.1:" + proxy.port(), "zone-n", key.address(), null, Clock.systemUTC());
            session.keepAliveSeconds(KEEP_ALIVE_S);
            session.maxReconnectDelaySeconds(4);
            MqttUplink uplink = new MqttUplink(session);
            EdgeAgent agent = new EdgeAgent(
                    new S0MeterSource(counter, null, Clock.systemUTC(), input),
                    new ReadingSigner(key, DOMAIN, outbox, Clock.systemUTC()),
                    uplink,
                    outbox,
                    new EdgeAgent.Delivery(Duration.ofMillis(100), 200, Duration.ofSeconds(3)),
                    null);
            AgentMetrics metrics = new AgentMetrics(agent, "zone-n", "test", Clock.systemUTC());
            agent.onCommit(metrics::commitObserved);
            session.onConnected(metrics::uplinkConnected);
            long detectedMs;
            long signedDuringOutage;
            try {
                agent.start(Duration.ofMillis(50));
                Await.until(
                        "acker.contiguous() >= 50",
                        Duration.ofSeconds(30),
                        () -> acker.contiguous() >= 50,
                        () -> "acked " + acker.contiguous());

                long t0 = System.nanoTime();
                long signedBefore = agent.signedCount();
                proxy.mode(TcpFaultProxy.Mode.BLACKHOLE);
                Await.until(
                        "agent.health() == EdgeAgent.Health.UPLINK_DOWN",
                        Duration.ofSeconds(KEEP_ALIVE_S * 5L),
                        () -> agent.health() == EdgeAgent.Health.UPLINK_DOWN,
                        () -> "half-open link not noticed; health " + agent.health());
                detectedMs = (System.nanoTime() - t0) / 1_000_000;
                long ackedInBlackhole = acker.contiguous();
                holdFor(blackhole, t0, agent);
                proxy.mode(TcpFaultProxy.Mode.CUT);
                holdFor(blackhole.plus(cut), t0, agent);
                assertEquals(ackedInBlackhole, acker.contiguous(), "nothing got through the broken link");
                signedDuringOutage = agent.signedCount() - signedBefore;
                assertTrue(
                        signedDuringOutage > (blackhole.plus(cut).toMillis() / 50) * 8 / 10,
                        "the agent kept signing during the outage: " + signedDuringOutage);

                proxy.mode(TcpFaultProxy.Mode.PASS);
                long target = outbox.lastCommittedSeq();
                Await.until(
                        "acker.contiguous() >= target",
                        Duration.ofSeconds(90),
                        () -> acker.contiguous() >= target,
                        () -> "acked " + acker.contiguous() + " of " + target + ", health " + agent.health()
                                + ", proxy accepted " + proxy.accepted());
                Await.until(
                        "agent.health() == EdgeAgent.Health.OK",
                        Duration.ofSeconds(10),
                        () -> agent.health() == EdgeAgent.Health.OK,
                        () -> "health " + agent.health());
            } finally {
                agent.close();
                meter.close();
                sim.shutdownNow();
                pi4j.shutdown();
            }
            Exposition m = Exposition.parse(new String(metrics.scrape(), java.nio.charset.StandardCharsets.UTF_8));

            assertEquals(List.of(), acker.violations());
            long lastSeq = outbox.load().lastSeq();
            List<StoredReading> kept = outbox.unacknowledged(0, Integer.MAX_VALUE);
            Set<Long> keptSeqs = new HashSet<>();
            kept.forEach(r -> keptSeqs.add(r.seq()));
            int lost = 0;
            for (long seq = 1; seq <= lastSeq; seq++) {
                if (!(seq <= acker.contiguous() && acker.received.containsKey(seq)) && !keptSeqs.contains(seq)) {
                    lost++;
                }
            }
            List<Long> seen = arrivals.seqs();
            List<Long> firsts = new ArrayList<>();
            Set<Long> once = new HashSet<>();
            for (long s : seen) {
                if (once.add(s)) {
                    firsts.add(s);
                }
            }
            for (int i = 0; i < firsts.size(); i++) {
                assertEquals(
                        i + 1, firsts.get(i), "the " + (i + 1) + "th new reading downstream must be seq " + (i + 1));
            }
            Reports.printf(
                    "network-cut-" + blackhole.plus(cut).toSeconds() + "s.txt",
                    "NetworkCutIT: outage %d s (half-open %d s, cut %d s), half-open noticed after %d ms, "
                            + "%d signed during the outage, %d signed in all, %d accepted in seq order, %d re-deliveries, "
                            + "%d in the outbox, %d lost; reconnects %.0f, publish errors %.0f, resent %.0f%n",
                    blackhole.plus(cut).toSeconds(),
                    blackhole.toSeconds(),
                    cut.toSeconds(),
                    detectedMs,
                    signedDuringOutage,
                    lastSeq,
                    acker.contiguous(),
                    seen.size() - firsts.size(),
                    kept.size(),
                    lost,
                    m.value("gridshare_agent_uplink_reconnects_total"),
                    m.value("gridshare_agent_publish_errors_total"),
                    m.value("gridshare_agent_readings_resent_total"));
            assertEquals(0, lost, "readings lost");
            assertTrue(acker.contiguous() >= lastSeq - kept.size());
            assertTrue(m.value("gridshare_agent_uplink_reconnects_total") >= 1, "the reconnect is counted");
        }
    }

    /** Keeps the fault until {@code until} after {@code t0}, checking the agent goes on signing. */
    private static void holdFor(Duration until, long t0, EdgeAgent agent) throws InterruptedException {
        long end = t0 + until.toNanos();
        while (System.nanoTime() < end) {
            assertTrue(
                    agent.health() == EdgeAgent.Health.UPLINK_DOWN,
                    () -> "health during the outage: " + agent.health());
            Thread.sleep(200); // the outage lasts a fixed time on purpose: the fault, not a wait for a condition
        }
    }

    private static int portOf(String uri) {
        return Integer.parseInt(uri.substring(uri.lastIndexOf(':') + 1));
    }
}
