package org.gridshare.cli.demo;

import com.pi4j.Pi4J;
import com.pi4j.context.Context;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.gridshare.agent.EdgeAgent;
import org.gridshare.agent.market.MarketAgent;
import org.gridshare.agent.market.MarketSchedule;
import org.gridshare.agent.meter.S0MeterSource;
import org.gridshare.agent.signing.ReadingSigner;
import org.gridshare.agent.signing.SigningStateFile;
import org.gridshare.agent.uplink.MqttSession;
import org.gridshare.agent.uplink.MqttUplink;
import org.gridshare.backend.run.BackendAssembly;
import org.gridshare.cli.args.Options;
import org.gridshare.cli.local.LocalGrid;
import org.gridshare.drivers.s0.S0Counter;
import org.gridshare.drivers.s0.S0PulseInput;
import org.gridshare.drivers.s0.SimulatedS0Meter;
import org.gridshare.protocol.Address;
import org.gridshare.protocol.Eip712Domain;
import org.gridshare.protocol.Secp256k1Signer;
import org.gridshare.protocol.keys.KeyFiles;
import org.web3j.crypto.Credentials;

/**
 * {@code ./gridshare demo}: a local microgrid on embedded defaults. Every part is the real one:
 * HiveMQ CE as the MQTT 5 broker, a KRaft Kafka broker, anvil as the chain with the MeterRegistry
 * deployed, simulated S0 meters pulsing GPIO inputs on Pi4J's mock platform, one edge agent per
 * household signing every reading and interval statement with its meter key and trading with its
 * household key, and the backend verifying readings, clearing each interval's double auction and
 * settling it on the EnergyMarket contract.
 */
public final class MicrogridDemo {
    static final String ZONE = LocalGrid.ZONE;
    /** Work directories of demos are {@code <tmp>/gridshare-demo-*}. */
    static final String WORK_PREFIX = "gridshare-demo-";

    private MicrogridDemo() {}

    public static int run(String[] args, PrintStream out, PrintStream err) {
        DemoOptions options;
        try {
            options = DemoOptions.of(DemoOptions.OPTIONS.parse(args));
        } catch (Options.Stop stop) {
            return stop.report(out, err);
        } catch (IllegalArgumentException e) {
            return DemoOptions.OPTIONS.fail(err, e.getMessage());
        }
        Deque<AutoCloseable> running = new ArrayDeque<>();
        AtomicBoolean stopped = new AtomicBoolean();
        CountDownLatch finished = new CountDownLatch(1);
        Thread main = Thread.currentThread();
        Thread hook = new Thread(
                () -> {
                    // Ctrl-C or SIGTERM: wake the demo so it stops everything it started, in order, then let the
                    // JVM go; if it cannot finish in time, stop the parts from here.
                    stopped.set(true);
                    main.interrupt();
                    try {
                        if (!finished.await(45, TimeUnit.SECONDS)) {
                            stopAll(running, stopped, err);
                        }
                    } catch (InterruptedException ignored) {
                        Thread.currentThread().interrupt();
                    }
                },
                "gridshare-demo-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            new MicrogridDemo.Run(options, out, running).go();
            return 0;
        } catch (Exception e) {
            if (stopped.get()) {
                out.println("interrupted: stopping every part...");
                stopAll(running, stopped, err);
                out.println("stopped; no process left behind.");
                return 130;
            }
            Throwable cause =
                    e instanceof java.util.concurrent.ExecutionException && e.getCause() != null ? e.getCause() : e;
            err.println("gridshare demo failed: " + cause);
            return 1;
        } finally {
            stopAll(running, stopped, err);
            finished.countDown();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException ignored) {
                // already shutting down
            }
        }
    }

    private static void stopAll(Deque<AutoCloseable> running, AtomicBoolean stopped, PrintStream err) {
        synchronized (running) {
            stopped.set(true);
            while (!running.isEmpty()) {
                AutoCloseable part = running.pop();
                try {
                    part.close();
                } catch (Exception e) {
                    err.println("while stopping " + part + ": " + e);
                }
            }
        }
    }

    /** One demo run; everything it starts is pushed on {@code running} and stopped in reverse. */
    private record Run(DemoOptions options, PrintStream out, Deque<AutoCloseable> running) {

        private <T extends AutoCloseable> T keep(T part) {
            synchronized (running) {
                running.push(part);
            }
            return part;
        }

        void go() throws Exception {
            long t0 = System.nanoTime();
            Clock clock = Clock.systemUTC();
            int removed = StaleWorkDirs.removeDead(WORK_PREFIX);
            Path work = StaleWorkDirs.create(WORK_PREFIX);
            keep(() -> LocalGrid.deleteTree(work));
            out.printf(
                    "gridshare demo: %d households, %s intervals, running %s (work dir %s%s)%n",
                    options.meters(),
                    human(options.interval()),
                    human(options.duration()),
                    work,
                    removed == 0 ? "" : "; " + removed + " left by killed demos removed");

            // the same parts and deployment as `local up`, the same backend assembly as `backend run`
            LocalGrid grid = keep(LocalGrid.start(work, options.meters(), out));
            out.printf("  (market deployed %.1f s after start)%n", (System.nanoTime() - t0) / 1e9);
            Eip712Domain domain = grid.domain();
            DemoMarket market = grid.market();
            BackendAssembly backend = keep(BackendAssembly.start(BackendAssembly.Settings.local(
                    grid.backendConfig(options.interval(), work.resolve("backend"), clock))));
            out.printf(
                    "  backend         %-22s verification, aggregation, acks, clearing and settlement running (%.1f s)%n",
                    "Kafka Streams", (System.nanoTime() - t0) / 1e9);
            out.printf("                  %-22s http://127.0.0.1:%d/metrics /health /ready%n", "", backend.httpPort());
            String bootstrap = grid.kafka().bootstrapServers();
            String mqttUri = grid.broker().serverUri();
            DemoReport report = keep(new DemoReport(bootstrap));
            MarketReport marketReport = keep(new MarketReport(bootstrap));

            Context pi4j = Pi4J.newContextBuilder()
                    .autoDetectMockPlugins()
                    .autoDetectPlatforms()
                    .build();
            keep(pi4j::shutdown);
            ScheduledExecutorService pulses = Executors.newScheduledThreadPool(1);
            keep(pulses::shutdownNow);
            List<Household> households = new ArrayList<>();
            for (int i = 0; i < options.meters(); i++) {
                households.add(keep(Household.start(
                        i,
                        work,
                        pi4j,
                        pulses,
                        domain,
                        mqttUri,
                        clock,
                        grid.householdKey(i),
                        DemoMarket.schedule(options.interval()))));
                Household h = households.get(i);
                grid.register(h.meter(), i);
                out.printf(
                        "  household %d     %-44s meter %s%n",
                        i + 1, h.profile().label(), h.meter().toHex());
            }
            for (Household h : households) {
                h.agent().start(Duration.ofSeconds(1));
                h.market().start();
            }
            out.printf(
                    "started in %.1f s; waiting for the first verified reading...%n", (System.nanoTime() - t0) / 1e9);
            report.awaitFirstVerified(Duration.ofSeconds(60));
            out.printf("first verified reading %.1f s after start%n", (System.nanoTime() - t0) / 1e9);

            TamperingNeighbour.tryTricks(mqttUri, ZONE, households.get(0).meter(), domain, out);

            long deadline = System.nanoTime() + options.duration().toNanos();
            long nextProgress = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (System.nanoTime() < deadline) {
                long sleepNanos = Math.min(deadline, nextProgress) - System.nanoTime();
                if (sleepNanos > 0) {
                    TimeUnit.NANOSECONDS.sleep(sleepNanos);
                }
                if (System.nanoTime() >= nextProgress) {
                    out.printf(
                            "  ... %s: %d readings verified, %d rejected; %d intervals cleared, %d settled on-chain%n",
                            human(Duration.ofNanos(System.nanoTime() - t0)),
                            report.verifiedCount(),
                            report.rejectedCount(),
                            marketReport.clearedCount(),
                            marketReport.settledCount());
                    nextProgress += Duration.ofSeconds(30).toNanos();
                }
            }
            // everything signed during the run must come back acknowledged end to end
            long[] signed =
                    households.stream().mapToLong(h -> h.agent().signedCount()).toArray();
            awaitAcknowledged(households, signed, Duration.ofSeconds(20));
            for (Household h : households) {
                out.printf(
                        "household %d: %d readings signed during the run, acknowledged end to end through seq %d%n",
                        h.index() + 1, signed[h.index()], h.agent().ackedThrough());
            }
            // intervals that traded and ended during the run settle once the backend has their statements
            marketReport.awaitSettled(
                    clock.millis(),
                    DemoMarket.statementGrace(options.interval()).plus(Duration.ofSeconds(15)));
            for (Household h : households) {
                h.close();
            }
            report.awaitQuiet(Duration.ofSeconds(10));
            report.print(out, households.stream().map(Household::meter).toList());
            marketReport.print(out);
            out.println();
            out.println("Balances held by the market contract (gEUR)");
            java.math.BigInteger total = java.math.BigInteger.ZERO;
            for (Household h : households) {
                Address account = grid.household(h.index());
                java.math.BigInteger now = market.balanceOf(account);
                total = total.add(now.subtract(market.deposit(account)));
                out.printf(
                        "  household %d  %-44s %14s (%s)%n",
                        h.index() + 1,
                        h.profile().label(),
                        MarketReport.tokens(now),
                        signedTokens(now.subtract(market.deposit(account))));
            }
            Address gridAccount = Address.fromHex(grid.operator().getAddress());
            java.math.BigInteger gridNow = market.balanceOf(gridAccount);
            java.math.BigInteger gridChange = gridNow.subtract(market.deposit(gridAccount));
            out.printf(
                    "  grid operator %-43s %14s (%s)%n",
                    "(tariffs and grid fees)", MarketReport.tokens(gridNow), signedTokens(gridChange));
            total = total.add(gridChange);
            out.printf("  sum of all changes %53s (every batch conserves money)%n", signedTokens(total));
        }
    }

    /** Waits until each agent's acknowledged seq reaches what it had signed (seq starts at 1). */
    private static void awaitAcknowledged(List<Household> households, long[] signed, Duration timeout)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline
                && households.stream().anyMatch(h -> h.agent().ackedThrough() < signed[h.index()])) {
            TimeUnit.MILLISECONDS.sleep(100);
        }
    }

    private static String signedTokens(java.math.BigInteger change) {
        return (change.signum() >= 0 ? "+" : "") + MarketReport.tokens(change);
    }

    static String human(Duration d) {
        long s = d.toSeconds();
        return s % 60 == 0 ? (s / 60) + " min" : s >= 60 ? (s / 60) + " min " + (s % 60) + " s" : s + " s";
    }

    /** One simulated household: its S0 meter on the mock GPIO, its meter key and its edge agent. */
    record Household(
            int index,
            HouseholdProfile profile,
            Address meter,
            EdgeAgent agent,
            MarketAgent market,
            List<SimulatedS0Meter> simulators)
            implements AutoCloseable {

        static Household start(
                int index,
                Path work,
                Context pi4j,
                ScheduledExecutorService pulses,
                Eip712Domain domain,
                String mqttUri,
                Clock clock,
                Credentials householdKey,
                MarketSchedule schedule)
                throws IOException, org.eclipse.paho.mqttv5.common.MqttException,
                        org.gridshare.agent.outbox.OutboxException {
            HouseholdProfile profile = HouseholdProfile.of(index);
            Path dir = work.resolve("household-" + (index + 1));
            Secp256k1Signer key = KeyFiles.loadOrCreate(dir.resolve("meter.key"));
            int importPin = 5 + 2 * index;
            int exportPin = importPin + 1;
            long debounce = Duration.ofMillis(20).toNanos();
            S0Counter imports = new S0Counter(HouseholdProfile.IMPULSES_PER_KWH, debounce, 0);
            S0Counter exports = new S0Counter(HouseholdProfile.IMPULSES_PER_KWH, debounce, 0);
            S0PulseInput importInput = new S0PulseInput(pi4j, importPin, imports, System::nanoTime);
            S0PulseInput exportInput = new S0PulseInput(pi4j, exportPin, exports, System::nanoTime);
            List<SimulatedS0Meter> simulators = new ArrayList<>();
            if (profile.importEvery() != null) {
                SimulatedS0Meter sim = new SimulatedS0Meter(pi4j, importPin);
                sim.start(pulses, profile.importEvery());
                simulators.add(sim);
            }
            if (profile.exportEvery() != null) {
                SimulatedS0Meter sim = new SimulatedS0Meter(pi4j, exportPin);
                sim.start(pulses, profile.exportEvery());
                simulators.add(sim);
            }
            S0MeterSource source = new S0MeterSource(imports, exports, clock, () -> {
                importInput.close();
                exportInput.close();
            });
            ReadingSigner signer =
                    new ReadingSigner(key, domain, new SigningStateFile(dir.resolve("signing.state")), clock);
            MqttSession mqtt = new MqttSession(mqttUri, ZONE, key.address(), null, clock);
            MqttUplink uplink = new MqttUplink(mqtt);
            EdgeAgent agent = new EdgeAgent(source, signer, uplink, 100_000, null);
            // the household's trading key is the account its meter is registered to
            Secp256k1Signer household = Secp256k1Signer.fromPrivateKey(org.web3j.utils.Numeric.toBytesPadded(
                    householdKey.getEcKeyPair().getPrivateKey(), 32));
            MarketAgent market = MarketAgent.install(
                    agent.outbox(),
                    key,
                    household,
                    ZONE,
                    mqtt,
                    () -> signer.state().lastSeq(),
                    new MarketAgent.Settings(
                            domain, schedule, DemoMarket.limits(), java.time.ZoneOffset.UTC, 50, true, 2_000),
                    clock);
            return new Household(index, profile, key.address(), agent, market, simulators);
        }

        @Override
        public void close() {
            simulators.forEach(SimulatedS0Meter::close);
            market.close();
            agent.close();
        }
    }
}
