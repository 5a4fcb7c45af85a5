package org.gridshare.agent.run;

import com.pi4j.Pi4J;
import com.pi4j.context.Context;
import java.io.IOException;
import java.io.PrintStream;
import java.math.BigInteger;
import java.nio.file.Files;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.time.ZoneId;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicBoolean;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.gridshare.agent.EdgeAgent;
import org.gridshare.agent.config.AgentConfig;
import org.gridshare.agent.config.UplinkConfig;
import org.gridshare.agent.homeassistant.HomeAssistantDiscovery;
import org.gridshare.agent.http.DailyEnergy;
import org.gridshare.agent.http.StatusServer;
import org.gridshare.agent.logging.AgentLogging;
import org.gridshare.agent.market.MarketAgent;
import org.gridshare.agent.meter.MeterSource;
import org.gridshare.agent.meter.MeterSources;
import org.gridshare.agent.meter.S0MeterSource;
import org.gridshare.agent.metrics.AgentMetrics;
import org.gridshare.agent.outbox.Outbox;
import org.gridshare.agent.signing.ReadingSigner;
import org.gridshare.agent.uplink.MqttSession;
import org.gridshare.agent.uplink.MqttUplink;
import org.gridshare.agent.uplink.ReadingUplink;
import org.gridshare.drivers.s0.MockPlatform;
import org.gridshare.drivers.s0.S0Counter;
import org.gridshare.drivers.s0.S0PulseInput;
import org.gridshare.drivers.s0.SimulatedS0Meter;
import org.gridshare.protocol.MeterReading;
import org.gridshare.protocol.Secp256k1Signer;
import org.gridshare.protocol.Signed;
import org.gridshare.protocol.keys.KeyFiles;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * The household agent assembled from its validated configuration and run until SIGTERM or Ctrl-C, one
 * method per phase: open the outbox, start the meter source, open the uplink, install the market, start
 * the status page and metrics, wait for the stop signal, close in order. {@code gridshare agent run} (in
 * {@code cli}) parses the arguments and calls {@link #runUntilStopped}.
 */
public final class AgentRun {
    /** The agent's version as Home Assistant and the status API show it. */
    public static final String VERSION =
            Objects.requireNonNullElse(AgentRun.class.getPackage().getImplementationVersion(), "0.1.0-SNAPSHOT");

    private final AgentConfig c;
    private final Clock clock;
    private final PrintStream out;
    private final CountDownLatch stopped = new CountDownLatch(1);
    // one line when the first reading of this run is signed and durable: what start-up time is measured to
    private final AtomicBoolean firstStored = new AtomicBoolean();
    private final DailyEnergy energy = new DailyEnergy(ZoneId.systemDefault());
    private final ScheduledExecutorService simulation = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "gridshare-simulated-meter");
        t.setDaemon(true);
        return t;
    });

    private Secp256k1Signer key;
    private Outbox outbox;
    private ReadingSigner signer;
    private Context pi4j;
    private MeterSource meterSource;
    private SimulatedS0Meter simulatedMeter;
    private SimulatedS0Meter simulatedExport;
    private ReadingUplink uplink;
    private MqttSession mqtt;
    private MqttSession homeAssistantOnly;
    private HomeAssistantDiscovery homeAssistant;
    private EdgeAgent agent;
    private MarketAgent market;
    private AgentMetrics metrics;
    private StatusServer http;

    private AgentRun(AgentConfig c, Clock clock, PrintStream out) {
        this.c = c;
        this.clock = clock;
        this.out = out;
    }

    /**
     * Runs the agent of {@code config} on {@code clock} until the JVM is asked to stop; its console lines
     * go to {@code console} (or, with JSON logging, through the log).
     */
    public static void runUntilStopped(AgentConfig config, Clock clock, PrintStream console) throws Exception {
        PrintStream out = AgentLogging.configure(
                AgentLogging.format(config.logFormat(), System.getenv()),
                AgentLogging.level(config.logLevel(), System.getenv()),
                console);
        if (!clock.equals(Clock.systemUTC())) {
            LoggerFactory.getLogger(AgentRun.class).warn("TEST CLOCK in use: {}", clock);
        }
        AgentRun run = new AgentRun(config, clock, out);
        run.openPlatform();
        run.openOutbox();
        run.startMeterSource();
        run.openUplink();
        run.assemble();
        run.installMarket();
        run.startPageAndMetrics();
        Runtime.getRuntime().addShutdownHook(new Thread(run::close, "gridshare-agent-stop"));
        run.start();
        run.awaitStop();
    }

    /** The meter key (created on first start) and the outbox, from which the counters resume. */
    private void openOutbox() throws IOException {
        Files.createDirectories(c.dataDir());
        key = KeyFiles.loadOrCreate(c.meterKeyFile());
        MDC.put("meter", key.address().toHex());
        outbox = Outbox.open(c.dataDir().resolve("outbox.db"), c.outboxCapacity());
        signer = new ReadingSigner(key, c.domain(), outbox, clock);
    }

    /**
     * The Pi4J context, before anything is opened, so that a missing mock plugin leaves nothing behind. Meters on
     * serial, Modbus or BLE claim no GPIO and need none; only a simulated meter loads the mock platform (a real box
     * has no mock plugin on its class path: {@link MockPlatform}).
     */
    private void openPlatform() {
        boolean simulated = c.meterType().equals("s0-simulated");
        boolean gpio = MeterSources.usesGpio(c.meterType());
        pi4j = !gpio ? null : simulated ? MockPlatform.context(MockPlatform.defaultSimLib()) : Pi4J.newAutoContext();
    }

    /** S0 through Pi4J (a simulated one on the mock platform), or the configured serial, Modbus or BLE meter. */
    private void startMeterSource() throws IOException {
        boolean simulated = c.meterType().equals("s0-simulated");
        boolean gpio = MeterSources.usesGpio(c.meterType());
        if (!gpio) {
            meterSource = MeterSources.open(c, clock);
            return;
        }
        long[] registers = outbox.lastRegisters();
        // the counters continue from the last signed registers, so they never go backwards after a restart
        S0Counter imports =
                new S0Counter(c.impulsesPerKWh(), c.debounce().toNanos(), pulsesFor(registers[0], c.impulsesPerKWh()));
        S0PulseInput importInput = new S0PulseInput(pi4j, c.importGpio(), imports, System::nanoTime);
        S0Counter exports = null;
        S0PulseInput exportInput = null;
        if (c.exportGpio() >= 0) {
            exports = new S0Counter(
                    c.impulsesPerKWh(), c.debounce().toNanos(), pulsesFor(registers[1], c.impulsesPerKWh()));
            exportInput = new S0PulseInput(pi4j, c.exportGpio(), exports, System::nanoTime);
        }
        if (simulated) {
            simulatedMeter = new SimulatedS0Meter(pi4j, c.importGpio());
            simulatedMeter.start(simulation, c.simulatedPulsesPerSecond());
            if (c.exportGpio() >= 0 && c.simulatedExportPulsesPerSecond() > 0) {
                simulatedExport = new SimulatedS0Meter(pi4j, c.exportGpio()); // solar: a simulated household can sell
                simulatedExport.start(simulation, c.simulatedExportPulsesPerSecond());
            }
        }
        S0PulseInput exportClose = exportInput;
        AutoCloseable inputs = () -> {
            importInput.close();
            if (exportClose != null) {
                exportClose.close();
            }
        };
        meterSource = new S0MeterSource(imports, exports, clock, inputs);
    }

    /** The reading uplink, and the MQTT connection Home Assistant is told about. */
    private void openUplink() throws IOException, GeneralSecurityException, MqttException {
        uplink = UplinkConfig.readings(c, key.address(), clock);
        // Home Assistant speaks MQTT: on the reading uplink's session, or (uplink coap) the mqtt section's broker
        mqtt = uplink instanceof MqttUplink m ? m.session() : UplinkConfig.mqtt(c, key.address(), clock);
        homeAssistant = c.homeAssistantEnabled() && mqtt != null
                ? new HomeAssistantDiscovery(
                        mqtt, c.homeAssistantPrefix(), key.address(), c.homeAssistantModel(), VERSION)
                : null;
        if (homeAssistant != null) {
            homeAssistant.install();
        }
        homeAssistantOnly = uplink instanceof MqttUplink ? null : mqtt;
        if (homeAssistantOnly != null) {
            homeAssistantOnly.reconnectInBackground();
        }
    }

    /** The agent over the meter source, the signer, the uplink and the outbox. */
    private void assemble() throws IOException {
        agent = new EdgeAgent(meterSource, signer, uplink, outbox, c.delivery(), this::stored);
        out.printf(
                "gridshare agent: meter %s, zone %s, data %s, outbox %d readings (acknowledged through seq %d), "
                        + "uplink %s %s%n",
                key.address().toHex(),
                c.zone(),
                c.dataDir(),
                outbox.size(),
                outbox.ackedThrough(),
                UplinkConfig.uplink(c),
                uplink.serverUri());
    }

    private void stored(Signed<MeterReading> r) {
        if (!firstStored.getAndSet(true)) {
            out.printf(
                    "gridshare agent: first reading signed and stored (seq %d)%n",
                    r.message().seq());
        }
        energy.accept(r.message());
        if (homeAssistant != null) {
            homeAssistant.publishState(r.message());
        }
    }

    private void installMarket() throws IOException {
        market = MarketSetup.install(c, outbox, key, signer, mqtt, clock, out);
    }

    /** Metrics always; the status page (which also serves them) when enabled. */
    private void startPageAndMetrics() {
        metrics = new AgentMetrics(agent, c.zone(), VERSION, clock);
        agent.onCommit(metrics::commitObserved);
        if (uplink instanceof MqttUplink m) {
            // reconnects of the MQTT uplink; CoAP re-handshakes are not counted yet
            m.session().onConnected(metrics::uplinkConnected);
        }
        if (!c.httpEnabled()) {
            return;
        }
        try {
            http = StatusServer.start(
                    c.httpBind(),
                    c.httpPort(),
                    agent,
                    energy,
                    c.zone(),
                    VERSION,
                    market == null ? List.of() : List.of(market));
            http.route("/metrics", AgentMetrics.CONTENT_TYPE, metrics::scrape);
            out.printf("gridshare agent: status on http://%s:%d/%n", c.httpBind(), http.port());
        } catch (IOException e) {
            // the page is a convenience: readings go on without it
            out.printf("gridshare agent: no status page on %s:%d: %s%n", c.httpBind(), c.httpPort(), e.getMessage());
        }
    }

    private void start() {
        agent.start(c.readingPeriod());
        if (market != null) {
            market.start();
        }
        out.println("gridshare agent: running; stop with Ctrl-C or SIGTERM");
    }

    private void awaitStop() throws InterruptedException {
        stopped.await();
    }

    /** The stop path (the shutdown hook): what reads first stops first, the outbox and GPIO last. */
    private void close() {
        MDC.put("meter", key.address().toHex());
        simulation.shutdownNow();
        if (http != null) {
            http.close();
        }
        if (market != null) {
            market.close();
        }
        agent.close();
        if (homeAssistantOnly != null) {
            homeAssistantOnly.close();
        }
        if (simulatedMeter != null) {
            simulatedMeter.close();
        }
        if (simulatedExport != null) {
            simulatedExport.close();
        }
        outbox.close();
        if (pi4j != null) {
            pi4j.shutdown();
        }
        out.printf(
                "gridshare agent: stopped; signed %d, published %d, outbox holds %d%n",
                agent.signedCount(), agent.publishedCount(), outbox.size());
        stopped.countDown();
    }

    /** The smallest pulse count whose register value is {@code milliWh} (ceil(mWh * imp / 1e6)). */
    public static long pulsesFor(long milliWh, long impulsesPerKWh) {
        BigInteger[] qr = BigInteger.valueOf(milliWh)
                .multiply(BigInteger.valueOf(impulsesPerKWh))
                .divideAndRemainder(BigInteger.valueOf(1_000_000));
        return qr[0].add(qr[1].signum() > 0 ? BigInteger.ONE : BigInteger.ZERO).longValueExact();
    }
}
