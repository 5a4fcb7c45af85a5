package org.gridshare.cli.backend;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.gridshare.agent.logging.AgentLogging;
import org.gridshare.backend.run.BackendAssembly;
import org.gridshare.backend.run.RunConfig;
import org.gridshare.cli.args.Options;
import org.gridshare.cli.args.Subcommands;
import org.gridshare.config.schema.ConfigException;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.http.HttpService;

/**
 * {@code gridshare backend run --config FILE [--print-config]}: the grid operator's side in one
 * process ({@link BackendAssembly}) against the MQTT broker, Kafka cluster and chain the configuration
 * names, until SIGTERM or Ctrl-C, which stop every part in order (the market lease is given up first, so
 * another instance takes over at once). Exit 0 after a clean stop, 2 for a bad configuration
 * ({@code file:line:column: field: reason}), 1 when a part cannot be reached or fails.
 */
public final class BackendCommand {
    static final Options RUN = Options.of(
                    "gridshare backend run",
                    "gridshare backend: ",
                    "runs the grid operator's backend (ingest, verification, aggregation, acks, market, settlement)\n"
                            + "against the MQTT broker, Kafka and chain in the configuration, until SIGTERM or Ctrl-C")
            .value("--config", "FILE", true, "the backend's YAML configuration (docs/operations.md)")
            .flag("--print-config", "print the effective configuration (defaults filled in) and exit");

    private static final Subcommands BACKEND = new Subcommands("gridshare backend")
            .add(
                    "run",
                    "--config FILE [--print-config]",
                    "run the grid operator's backend",
                    BackendCommand::runBackend);

    private BackendCommand() {}

    /** {@code backend <subcommand> ...}; returns the exit status. */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        return BACKEND.run(args, out, err);
    }

    private static int runBackend(String[] args, PrintStream out, PrintStream err) {
        Options.Parsed p;
        try {
            p = RUN.parse(args);
        } catch (Options.Stop stop) {
            return stop.report(out, err);
        }
        Path file = Path.of(p.get("--config"));
        RunConfig config;
        try {
            config = RunConfig.load(file, BackendCommand::chainIdOf, Clock.systemUTC());
        } catch (ConfigException e) {
            err.println("gridshare backend: bad configuration: " + e.getMessage());
            return 2;
        } catch (IOException e) {
            err.println("gridshare backend: cannot read " + file + ": " + e.getMessage());
            return 2;
        }
        if (p.has("--print-config")) {
            out.print(config.effectiveYaml());
            return 0;
        }
        PrintStream console;
        try {
            console = AgentLogging.configure(
                    AgentLogging.format(config.logFormat(), System.getenv()),
                    AgentLogging.level(config.logLevel(), System.getenv()),
                    out);
        } catch (IllegalArgumentException e) {
            err.println("gridshare backend: " + e.getMessage());
            return 2;
        }
        return runUntilStopped(config, console, err);
    }

    /** Starts the assembly, prints where it runs, and blocks until the JVM is asked to stop. */
    static int runUntilStopped(RunConfig config, PrintStream out, PrintStream err) {
        config.applyConnections();
        CountDownLatch stopped = new CountDownLatch(1);
        CountDownLatch closed = new CountDownLatch(1);
        BackendAssembly assembly;
        try {
            assembly = BackendAssembly.start(config.settings());
        } catch (IOException | RuntimeException e) {
            err.println("gridshare backend: cannot start: " + e.getMessage());
            return 1;
        }
        Thread hook = new Thread(
                () -> {
                    stopped.countDown();
                    try {
                        // the main thread closes the parts; the JVM waits here until it is done
                        closed.await(60, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                },
                "gridshare-backend-stop");
        Runtime.getRuntime().addShutdownHook(hook);
        var s = config.settings();
        var b = s.backend();
        out.printf(
                "gridshare backend %s (instance %s) running: MQTT %s, Kafka %s, chain %s%n",
                b.applicationId(), s.instanceId(), b.mqttServerUri(), b.kafkaBootstrap(), b.ethRpcUrl());
        out.printf(
                "  registry %s, market %s, intervals of %d s%s%n",
                config.addresses().registry().toHex(),
                config.addresses().market().toHex(),
                b.interval().toSeconds(),
                b.market() == null ? ", market disabled (metering only)" : "");
        if (assembly.coap() != null) {
            out.printf("  CoAP/DTLS ingest on %s%n", assembly.coap().serverUri());
        }
        if (assembly.httpPort() > 0) {
            out.printf(
                    "  metrics, health, readiness: http://%s:%d/metrics /health /ready%n",
                    s.http().bind(), assembly.httpPort());
        }
        out.println("  stop with SIGTERM or Ctrl-C");
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            out.println("gridshare backend: stopping...");
            assembly.close();
            out.println("gridshare backend: stopped");
        } finally {
            closed.countDown();
        }
        return 0;
    }

    private static long chainIdOf(String rpcUrl) throws IOException {
        Web3j web3j = Web3j.build(new HttpService(rpcUrl));
        try {
            return web3j.ethChainId().send().getChainId().longValueExact();
        } catch (RuntimeException e) {
            throw new IOException(rpcUrl + ": " + e.getMessage(), e);
        } finally {
            web3j.shutdown();
        }
    }
}
