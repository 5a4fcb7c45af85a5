package org.gridshare.agent.cli;

import com.pi4j.Pi4J;
import com.pi4j.context.Context;
import java.io.PrintStream;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.gridshare.agent.EdgeAgent;
import org.gridshare.agent.clock.AgentClock;
import org.gridshare.agent.config.AgentConfig;
import org.gridshare.agent.config.UplinkConfig;
import org.gridshare.agent.homeassistant.HomeAssistantDiscovery;
import org.gridshare.agent.http.DailyEnergy;
import org.gridshare.agent.http.StatusServer;
import org.gridshare.agent.logging.AgentLogging;
import org.gridshare.agent.meter.MeterSources;
import org.gridshare.agent.meter.S0MeterSource;
import org.gridshare.agent.metrics.AgentMetrics;
import org.gridshare.agent.outbox.Outbox;
import org.gridshare.agent.signing.ReadingSigner;
import org.gridshare.agent.uplink.MqttUplink;
import org.gridshare.agent.uplink.ReadingUplink;
import org.gridshare.config.schema.ConfigException;
import org.gridshare.drivers.s0.MockPlatform;
import org.gridshare.drivers.s0.S0Counter;
import org.gridshare.drivers.s0.S0PulseInput;
import org.gridshare.drivers.s0.SimulatedS0Meter;
import org.gridshare.protocol.Secp256k1Signer;
import org.gridshare.protocol.keys.KeyFiles;

/**
 * {@code gridshare agent run --config FILE [--print-config]}: validates the configuration, then runs
 * the agent until SIGTERM or Ctrl-C. With {@code --print-config} it prints the effective
 * configuration and exits.
 */
public final class AgentCommand {
    /** The agent's version as Home Assistant and the status API show it. */
    static final String VERSION = java.util.Objects.requireNonNullElse(
            AgentCommand.class.getPackage().getImplementationVersion(), "0.1.0-SNAPSHOT");

    private AgentCommand() {}

    /** Runs the command; returns the process exit code (0 ok, 1 failure, 2 usage or bad configuration). */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        Path config = null;
        boolean print = false;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "run" -> {}
                case "--config" -> {
                    if (i + 1 >= args.length) {
                        return usage(err, "--config needs a file");
                    }
                    config = Path.of(args[++i]);
                }
                case "--print-config" -> print = true;
                default -> {
                    return usage(err, "unknown argument '" + args[i] + "'");
                }
            }
        }
        if (config == null) {
            return usage(err, "--config FILE is required");
        }
        AgentConfig c;
        try {
            c = AgentConfig.load(config, System.getenv());
        } catch (ConfigException e) {
            err.println("gridshare agent: bad configuration: " + e.getMessage());
            return 2;
        } catch (java.io.IOException e) {
            err.println("gridshare agent: cannot read " + config + ": " + e.getMessage());
            return 2;
        }
        if (print) {
            out.print(c.toYaml());
            return 0;
        }
        try {
            runUntilStopped(c, out);
            return 0;
        } catch (MockPlatform.MissingException e) {
            // like a bad configuration: restarting cannot install the plugin (the unit does not restart on 2)
            err.println("gridshare agent: " + e.getMessage());
            return 2;
        } catch (Exception e) {
            err.println("gridshare agent: " + e.getMessage());
            return 1;
        }
    }

    private static int usage(PrintStream err, String problem) {
        err.println("gridshare agent: " + problem);
        err.println("usage: gridshare agent run --config FILE [--print-config]");
        return 2;
    }

    private static void runUntilStopped(AgentConfig c, PrintStream console) throws Exception {
        PrintStream out = AgentLogging.configure(
                AgentLogging.format(c.logFormat(), System.getenv()),
                AgentLogging.level(c.logLevel(), System.getenv()),
                console);
        Clock clock = AgentClock.fromSystemProperties();
        if (!clock.equals(Clock.systemUTC())) {
            org.slf4j.LoggerFactory.getLogger(AgentCommand.class).warn("TEST CLOCK in use: {}", clock);
        }
        boolean simulated = c.meterType().equals("s0-simulated");
        boolean gpio = MeterSources.usesGpio(c.meterType());
        // meters on serial, Modbus or BLE claim no GPIO and need no Pi4J context; only a simulated meter
        // loads the mock platform (a real box has no mock plugin on its class path: MockPlatform), before
        // anything is opened, so that a missing plugin leaves nothing behind
        Context pi4j =
                !gpio ? null : simulated ? MockPlatform.context(MockPlatform.defaultSimLib()) : Pi4J.newAutoContext();
        Files.createDirectories(c.dataDir());
        Secp256k1Signer key = KeyFiles.loadOrCreate(c.meterKeyFile());
        org.slf4j.MDC.put("meter", key.address().toHex());
        Outbox outbox = Outbox.open(c.dataDir().resolve("outbox.db"), c.outboxCapacity());
        long[] registers = outbox.lastRegisters();
        S0Counter imports = null;
        S0PulseInput importInput = null;
        S0Counter exports = null;
        S0PulseInput exportInput = null;
        if (gpio) {
            // the counters continue from the last signed registers, so they never go backwards after a restart
            imports = new S0Counter(
                    c.impulsesPerKWh(), c.debounce().toNanos(), pulsesFor(registers[0], c.impulsesPerKWh()));
            importInput = new S0PulseInput(pi4j, c.importGpio(), imports, System::nanoTime);
            if (c.exportGpio() >= 0) {
                exports = new S0Counter(
                        c.impulsesPerKWh(), c.debounce().toNanos(), pulsesFor(registers[1], c.impulsesPerKWh()));
                exportInput = new S0PulseInput(pi4j, c.exportGpio(), exports, System::nanoTime);
            }
        }
        ScheduledExecutorService simulation = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "gridshare-simulated-meter");
            t.setDaemon(true);
            return t;
        });
        SimulatedS0Meter simulatedMeter = null;
        SimulatedS0Meter simulatedExport = null;
        if (simulated) {
            simulatedMeter = new SimulatedS0Meter(pi4j, c.importGpio());
            simulatedMeter.start(simulation, c.simulatedPulsesPerSecond());
            if (c.exportGpio() >= 0 && c.simulatedExportPulsesPerSecond() > 0) {
                simulatedExport = new SimulatedS0Meter(pi4j, c.exportGpio()); // solar: a simulated household can sell
                simulatedExport.start(simulation, c.simulatedExportPulsesPerSecond());
            }
        }
        S0PulseInput importClose = importInput;
        S0PulseInput exportClose = exportInput;
        AutoCloseable inputs = () -> {
            if (importClose != null) {
                importClose.close();
            }
            if (exportClose != null) {
                exportClose.close();
            }
        };
        ReadingSigner signer = new ReadingSigner(key, c.domain(), outbox, clock);
        java.util.concurrent.atomic.AtomicBoolean firstStored = new java.util.concurrent.atomic.AtomicBoolean();
        // one line when the first reading of this run is signed and durable: what start-up time is measured to
        DailyEnergy energy = new DailyEnergy(java.time.ZoneId.systemDefault());
        ReadingUplink uplink = UplinkConfig.readings(c, key.address());
        // Home Assistant speaks MQTT: over the reading uplink, or with uplink coap over the mqtt section's broker
        MqttUplink mqtt = uplink instanceof MqttUplink m ? m : UplinkConfig.mqtt(c, key.address());
        HomeAssistantDiscovery homeAssistant = c.homeAssistantEnabled() && mqtt != null
                ? new HomeAssistantDiscovery(
                        mqtt, c.homeAssistantPrefix(), key.address(), c.homeAssistantModel(), VERSION)
                : null;
        if (homeAssistant != null) {
            homeAssistant.install();
        }
        MqttUplink homeAssistantOnly = mqtt == uplink ? null : mqtt;
        if (homeAssistantOnly != null) {
            homeAssistantOnly.reconnectInBackground();
        }
        java.util.function.Consumer<org.gridshare.protocol.Signed<org.gridshare.protocol.MeterReading>> onStored =
                r -> {
                    if (!firstStored.getAndSet(true)) {
                        out.printf(
                                "gridshare agent: first reading signed and stored (seq %d)%n",
                                r.message().seq());
                    }
                    energy.accept(r.message());
                    if (homeAssistant != null) {
                        homeAssistant.publishState(r.message());
                    }
                };
        EdgeAgent agent = new EdgeAgent(
                gpio ? new S0MeterSource(imports, exports, clock, inputs) : MeterSources.open(c, clock),
                signer,
                uplink,
                outbox,
                c.delivery(),
                onStored);
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
        org.gridshare.agent.market.MarketAgent market = MarketSetup.install(c, outbox, key, signer, mqtt, out);
        AgentMetrics metrics = new AgentMetrics(agent, c.zone(), VERSION, clock);
        agent.onCommit(metrics::commitObserved);
        if (uplink instanceof MqttUplink m) {
            m.onConnected(
                    metrics::uplinkConnected); // reconnects of the MQTT uplink; CoAP re-handshakes are not counted yet
        }
        StatusServer http = null;
        if (c.httpEnabled()) {
            try {
                http = StatusServer.start(
                        c.httpBind(),
                        c.httpPort(),
                        agent,
                        energy,
                        c.zone(),
                        VERSION,
                        market == null ? java.util.List.of() : java.util.List.of(market));
                http.route("/metrics", AgentMetrics.CONTENT_TYPE, metrics::scrape);
                out.printf("gridshare agent: status on http://%s:%d/%n", c.httpBind(), http.port());
            } catch (java.io.IOException e) {
                // the page is a convenience: readings go on without it
                out.printf(
                        "gridshare agent: no status page on %s:%d: %s%n", c.httpBind(), c.httpPort(), e.getMessage());
            }
        }
        StatusServer httpClose = http;
        CountDownLatch stopped = new CountDownLatch(1);
        SimulatedS0Meter sim = simulatedMeter;
        SimulatedS0Meter simExport = simulatedExport;
        String meterHex = key.address().toHex();
        Thread hook = new Thread(
                () -> {
                    org.slf4j.MDC.put("meter", meterHex);
                    simulation.shutdownNow();
                    if (httpClose != null) {
                        httpClose.close();
                    }
                    if (market != null) {
                        market.close();
                    }
                    agent.close();
                    if (homeAssistantOnly != null) {
                        homeAssistantOnly.close();
                    }
                    if (sim != null) {
                        sim.close();
                    }
                    if (simExport != null) {
                        simExport.close();
                    }
                    outbox.close();
                    if (pi4j != null) {
                        pi4j.shutdown();
                    }
                    out.printf(
                            "gridshare agent: stopped; signed %d, published %d, outbox holds %d%n",
                            agent.signedCount(), agent.publishedCount(), outbox.size());
                    stopped.countDown();
                },
                "gridshare-agent-stop");
        Runtime.getRuntime().addShutdownHook(hook);
        agent.start(c.readingPeriod());
        if (market != null) {
            market.start();
        }
        out.println("gridshare agent: running; stop with Ctrl-C or SIGTERM");
        stopped.await();
    }

    /** The smallest pulse count whose register value is {@code milliWh} (ceil(mWh * imp / 1e6)). */
    static long pulsesFor(long milliWh, long impulsesPerKWh) {
        BigInteger[] qr = BigInteger.valueOf(milliWh)
                .multiply(BigInteger.valueOf(impulsesPerKWh))
                .divideAndRemainder(BigInteger.valueOf(1_000_000));
        return qr[0].add(qr[1].signum() > 0 ? BigInteger.ONE : BigInteger.ZERO).longValueExact();
    }

    /** Entry point for running the agent in its own JVM. */
    public static void main(String[] args) {
        int code = run(args, System.out, System.err);
        if (code != 0) {
            System.exit(code);
        }
    }
}
