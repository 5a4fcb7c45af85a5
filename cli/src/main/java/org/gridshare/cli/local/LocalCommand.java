package org.gridshare.cli.local;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.gridshare.cli.args.Options;
import org.gridshare.cli.args.Subcommands;
import org.gridshare.cli.demo.DemoMarket;
import org.gridshare.protocol.Address;
import org.gridshare.protocol.keys.KeyFiles;
import org.web3j.crypto.Credentials;
import org.web3j.utils.Numeric;

/**
 * {@code gridshare local up [--dir DIR] [--meters 2] [--interval 1m]}: the embedded parts of a local
 * microgrid ({@link LocalGrid}: HiveMQ CE, a KRaft broker, anvil, the contracts deployed and funded),
 * and in {@code DIR} a ready {@code backend.yaml} with the operator key and the deployment file, and one
 * agent configuration per household with its keys, its meter registered on-chain; then it prints the
 * commands to run in other terminals and stays up until Ctrl-C. The keys are anvil's public development
 * keys: for a laptop only.
 */
public final class LocalCommand {
    /** A file that marks a directory as written by {@code local up}: only such a directory is replaced. */
    static final String MARKER = ".gridshare-local";

    static final Options UP = Options.of(
                    "gridshare local up",
                    "gridshare local: ",
                    "starts the embedded MQTT 5 broker, Kafka and anvil, deploys the contracts, writes backend.yaml\n"
                            + "and agent configurations into DIR, prints the commands to run next; stays up until Ctrl-C")
            .value("--dir", "DIR", false, "where the configurations go (default target/gridshare-local; replaced)")
            .value("--meters", "2", false, "households with a simulated meter, 1..8 (default 2)")
            .value("--interval", "1m", false, "the market interval (whole seconds, at least 10s; default 1m)");

    private static final Subcommands LOCAL = new Subcommands("gridshare local")
            .add(
                    "up",
                    "[--dir DIR] [--meters 2] [--interval 1m]",
                    "start the embedded parts with ready configurations for backend run and agent run",
                    LocalCommand::up);

    private LocalCommand() {}

    public static int run(String[] args, PrintStream out, PrintStream err) {
        return LOCAL.run(args, out, err);
    }

    private static int up(String[] args, PrintStream out, PrintStream err) {
        Options.Parsed p;
        try {
            p = UP.parse(args);
        } catch (Options.Stop stop) {
            return stop.report(out, err);
        }
        Path dir = Path.of(p.get("--dir", "target/gridshare-local"))
                .toAbsolutePath()
                .normalize();
        int meters;
        Duration interval;
        try {
            meters = meters(p.get("--meters", "2"));
            interval = org.gridshare.cli.demo.DemoOptions.parseInterval(p.get("--interval", "1m"));
            prepare(dir);
        } catch (IllegalArgumentException e) {
            return UP.fail(err, e.getMessage());
        } catch (IOException e) {
            err.println("gridshare local: cannot prepare " + dir + ": " + e.getMessage());
            return 1;
        }
        CountDownLatch stop = new CountDownLatch(1);
        CountDownLatch stopped = new CountDownLatch(1);
        Thread hook = new Thread(
                () -> {
                    stop.countDown();
                    try {
                        stopped.await(60, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                },
                "gridshare-local-stop");
        Runtime.getRuntime().addShutdownHook(hook);
        out.printf("gridshare local up: %d households, %d s intervals, in %s%n", meters, interval.toSeconds(), dir);
        LocalGrid grid = null;
        try {
            grid = LocalGrid.start(dir.resolve("parts"), meters, out);
            LocalFiles.write(grid, dir, interval, out);
            out.println();
            out.println("Ready. In other terminals:");
            out.printf("  ./gridshare backend run --config %s%n", dir.resolve("backend.yaml"));
            for (int i = 0; i < meters; i++) {
                out.printf(
                        "  ./gridshare agent run --config %s%n",
                        dir.resolve("household-" + (i + 1)).resolve("agent.yaml"));
            }
            out.println("Ctrl-C here stops the broker, Kafka and the chain.");
            stop.await();
            out.println("gridshare local: stopping...");
            return 0;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 130;
        } catch (Exception e) {
            err.println("gridshare local: " + e.getMessage());
            return 1;
        } finally {
            if (grid != null) {
                grid.close();
            }
            stopped.countDown();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException ignored) {
                // shutting down
            }
        }
    }

    private static int meters(String value) {
        int n;
        try {
            n = Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--meters: '" + value + "' is not a whole number");
        }
        if (n < 1 || n > 8) {
            throw new IllegalArgumentException("--meters: " + n + " is outside 1..8 (anvil's dev accounts)");
        }
        return n;
    }

    /** Empties {@code dir} when an earlier {@code local up} wrote it; refuses any other non-empty directory. */
    static void prepare(Path dir) throws IOException {
        if (Files.isDirectory(dir)) {
            try (var entries = Files.list(dir)) {
                if (entries.findAny().isPresent() && !Files.exists(dir.resolve(MARKER))) {
                    throw new IllegalArgumentException(
                            "--dir: " + dir + " is not empty and was not written by local up; choose another");
                }
            }
            LocalGrid.deleteTree(dir);
        }
        Files.createDirectories(dir);
        Files.writeString(dir.resolve(MARKER), "written by ./gridshare local up; replaced by the next one\n");
    }

    /** Writes {@code key} as a 0600 key file (the format {@link KeyFiles} reads). */
    static void writeKey(Path file, Credentials key) throws IOException {
        Files.createDirectories(file.getParent());
        Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(
                file, Numeric.toHexStringNoPrefixZeroPadded(key.getEcKeyPair().getPrivateKey(), 64) + "\n");
    }

    /** The configuration files of one local grid. */
    static final class LocalFiles {
        private LocalFiles() {}

        static void write(LocalGrid grid, Path dir, Duration interval, PrintStream out) throws Exception {
            writeKey(dir.resolve("operator.key"), grid.operator());
            grid.deployment().write(dir.resolve("deployment.json"));
            Files.writeString(dir.resolve("backend.yaml"), backendYaml(grid, interval));
            for (int i = 0; i < grid.households(); i++) {
                Path home = dir.resolve("household-" + (i + 1));
                Files.createDirectories(home);
                writeKey(home.resolve("household.key"), grid.householdKey(i));
                Address meter = KeyFiles.loadOrCreate(home.resolve("meter.key")).address();
                grid.register(meter, i);
                Files.writeString(home.resolve("agent.yaml"), agentYaml(grid, home, i, interval));
                out.printf(
                        "  household %d     account %s, meter %s registered in %s%n",
                        i + 1, grid.household(i).toHex(), meter.toHex(), LocalGrid.ZONE);
            }
        }

        static String backendYaml(LocalGrid grid, Duration interval) {
            long gate = DemoMarket.gateClosureSeconds(interval);
            return """
                    # written by ./gridshare local up: the backend against the embedded parts
                    #   ./gridshare backend run --config backend.yaml
                    applicationId: gridshare-backend
                    instanceId: local-1
                    stateDir: backend-state
                    operatorKeyFile: operator.key     # anvil's account 0 (public dev key): laptops only
                    mqtt:
                      serverUri: %s
                    kafka:
                      bootstrapServers: %s
                      topics:
                        replicationFactor: 1
                        minInsyncReplicas: 1
                    chain:
                      rpcUrl: %s
                      deploymentFile: deployment.json
                      confirmations: 1                # anvil mines each transaction at once
                    metering:
                      intervalSeconds: %d
                      graceSeconds: 10
                    market:
                      gateClosureSeconds: %d
                      statementGraceSeconds: %d
                    http:
                      bind: 127.0.0.1
                      port: 9400
                    logging:
                      format: text
                      level: INFO
                    """.formatted(
                            grid.broker().serverUri(),
                            grid.kafka().bootstrapServers(),
                            grid.anvil().rpcUrl(),
                            interval.toSeconds(),
                            gate,
                            DemoMarket.statementGrace(interval).toSeconds());
        }

        static String agentYaml(LocalGrid grid, Path home, int index, Duration interval) {
            // the first household only imports, the others also export (they sell)
            String meter = index == 0
                    ? "  simulatedPulsesPerSecond: 2\n"
                    : "  exportGpio: 27\n  simulatedPulsesPerSecond: 1\n  simulatedExportPulsesPerSecond: 3\n";
            var limits = DemoMarket.limits();
            return """
                    # written by ./gridshare local up: household %d on a simulated S0 meter
                    #   ./gridshare agent run --config agent.yaml
                    dataDir: %s
                    zone: %s
                    readingPeriodMs: 1000
                    chain:
                      chainId: %d
                      verifyingContract: "%s"
                    meter:
                      type: s0-simulated
                      importGpio: 17
                    %smqtt:
                      serverUri: %s
                    http:
                      enabled: true
                      port: 0
                    market:
                      contract: "%s"
                      intervalSeconds: %d
                      gateClosureSeconds: %d
                      minSellPricePerKWh: %d
                      maxBuyPricePerKWh: %d
                      dailyBudgetBaseUnits: %d
                      feedInTariff: %d
                      retailTariff: %d
                    """.formatted(
                            index + 1,
                            home,
                            LocalGrid.ZONE,
                            grid.anvil().chainId(),
                            grid.market().address().toHex(),
                            meter,
                            grid.broker().serverUri(),
                            grid.market().address().toHex(),
                            interval.toSeconds(),
                            DemoMarket.gateClosureSeconds(interval),
                            limits.minSellPricePerKWh(),
                            limits.maxBuyPricePerKWh(),
                            limits.dailyBudgetBaseUnits(),
                            DemoMarket.FEED_IN,
                            DemoMarket.RETAIL);
        }
    }
}
