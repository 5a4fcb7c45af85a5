package org.gridshare.agent.bench;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.gridshare.agent.AgentTestMain;
import org.gridshare.agent.fault.ContiguousAcker;
import org.gridshare.parts.EmbeddedHiveMq;
import org.gridshare.parts.MqttBroker;
import org.gridshare.protocol.Address;
import org.gridshare.protocol.Eip712Domain;
import org.gridshare.testsupport.Reports;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The footprint benchmark of the issue (not part of the normal test run: tagged {@code benchmark},
 * which the module's Surefire configuration excludes). Each measurement runs the agent, or its
 * signing and storing path, in a child JVM with {@code -Xmx64m} pinned to one core
 * ({@code taskset -c 0}), against embedded HiveMQ CE and an acknowledging backend stand-in:
 *
 * <ol>
 *   <li>start-up to the first signed and stored reading (median of {@code bench.starts} starts);
 *   <li>resident memory (VmRSS, VmHWM) after {@code bench.seconds} at 1 reading/s;
 *   <li>bytes written per reading over the same run, from {@code /proc/<pid>/io} write_bytes;
 *   <li>signing and storing throughput through ReadingSigner and Outbox with group commit
 *       (median of {@code bench.throughputRuns} runs).
 * </ol>
 *
 * <p>Writes {@code target/reports/footprint-report.md}. Command in docs/benchmarks.md.
 */
@Tag("benchmark")
class FootprintBenchmark {
    private static final Eip712Domain DOMAIN =
            new Eip712Domain(31337, Address.fromHex("0x5fbdb2315678afecb367f032d93f642f64180aa3"));
    private static final int STARTS = Integer.getInteger("bench.starts", 5);
    private static final int SECONDS = Integer.getInteger("bench.seconds", 60);
    private static final int THROUGHPUT_RUNS = Integer.getInteger("bench.throughputRuns", 5);
    private static final int READINGS = Integer.getInteger("bench.readings", 20_000);
    private static final int GROUP_COMMIT_MS = Integer.getInteger("bench.groupCommitMs", 2000);
    /** Extra JVM options for the child, space-separated (e.g. "-XX:TieredStopAtLevel=1"). */
    private static final String JVM_ARGS =
            System.getProperty("bench.jvmArgs", "").trim();

    @TempDir
    Path dir;

    @Test
    void measures_footprint_and_writes_report() throws Exception {
        StringBuilder report = new StringBuilder();
        report.append("# edge-agent footprint, ")
                .append(Instant.now())
                .append('\n')
                .append("\nchild JVM: `taskset -c 0 java -Xmx64m -XX:-UsePerfData ")
                .append(JVM_ARGS)
                .append("`, JDK ")
                .append(Runtime.version())
                .append(", ")
                .append(Runtime.getRuntime().availableProcessors())
                .append(" cores on the host, host load ")
                .append(Files.readString(Path.of("/proc/loadavg")).trim())
                .append("\n\n| measure | median | runs | target |\n|---|---|---|---|\n");
        try (MqttBroker broker = EmbeddedHiveMq.start(Files.createDirectories(dir.resolve("mqtt")));
                ContiguousAcker acker = new ContiguousAcker(DOMAIN, "zone-f")) {
            acker.connect(broker.serverUri());

            List<Double> starts = new ArrayList<>();
            for (int i = 0; i < STARTS; i++) {
                Path config = writeConfig(dir.resolve("start-" + i), broker.serverUri(), 1000, 100);
                long t0 = System.nanoTime();
                Process p = startPinned(List.of(AgentTestMain.NAME, "run", "--config", config.toString()));
                try {
                    awaitLine(p, "first reading signed and stored", Duration.ofSeconds(60));
                    starts.add((System.nanoTime() - t0) / 1e9);
                } finally {
                    stop(p);
                }
            }
            row(
                    report,
                    "start-up to first signed and stored reading (fresh data dir, 100 ms group commit)",
                    String.format(Locale.ROOT, "%.2f s", median(starts)),
                    starts,
                    "≤ 5 s");

            Path config = writeConfig(dir.resolve("steady"), broker.serverUri(), 1000, GROUP_COMMIT_MS);
            Process p = startPinned(List.of(AgentTestMain.NAME, "run", "--config", config.toString()));
            long[] io0;
            long seq0;
            String status;
            long[] io1;
            long seq1;
            try {
                awaitLine(p, "first reading signed and stored", Duration.ofSeconds(60));
                // settle: the first commits create the database and its pages, which a box does once
                awaitDeadline(p, Duration.ofSeconds(10));
                io0 = writeBytes(p.pid());
                seq0 = acker.contiguous();
                awaitDeadline(p, Duration.ofSeconds(SECONDS));
                io1 = writeBytes(p.pid());
                seq1 = acker.contiguous();
                status = Files.readString(Path.of("/proc/" + p.pid() + "/status"));
            } finally {
                stop(p);
            }
            long readings = seq1 - seq0;
            row(
                    report,
                    "resident memory after " + SECONDS + " s at 1 reading/s (VmRSS)",
                    field(status, "VmRSS"),
                    List.of(),
                    "≤ 128 MB");
            row(report, "peak resident memory (VmHWM)", field(status, "VmHWM"), List.of(), "≤ 128 MB");
            double perReading = (io1[0] - io0[0]) / (double) Math.max(1, readings);
            row(
                    report,
                    "bytes written per reading at 1 reading/s, " + GROUP_COMMIT_MS + " ms group commit, acked ("
                            + readings + " readings, write_bytes " + (io1[0] - io0[0]) + ")",
                    String.format(Locale.ROOT, "%.0f B (%.2f KiB)", perReading, perReading / 1024),
                    List.of(),
                    "≤ 2 KiB");

            List<Double> rates = new ArrayList<>();
            for (int i = 0; i < THROUGHPUT_RUNS; i++) {
                Process t = startPinned(List.of(
                        SignStoreThroughput.class.getName(),
                        dir.resolve("tp-" + i).toString(),
                        Integer.toString(READINGS),
                        "100"));
                String line = awaitLine(t, "readings/s=", Duration.ofSeconds(300));
                assertTrue(t.waitFor(60, TimeUnit.SECONDS));
                Matcher m = Pattern.compile("readings/s=([0-9.]+)").matcher(line);
                assertTrue(m.find(), line);
                rates.add(Double.parseDouble(m.group(1)));
            }
            row(
                    report,
                    "sign + store on one core (" + READINGS + " readings, 100 ms group commit)",
                    String.format(Locale.ROOT, "%.0f readings/s", median(rates)),
                    rates,
                    "≥ 1,000/s");
        }
        Path out = Reports.write("footprint-report.md", report.toString());
        System.out.println(report);
        System.out.println("report written to " + out.toAbsolutePath());
    }

    private static Path writeConfig(Path home, String uri, int periodMs, int groupCommitMs) throws Exception {
        Files.createDirectories(home);
        Path config = home.resolve("agent.yaml");
        Files.writeString(config, """
        dataDir: data
        zone: zone-f
        readingPeriodMs: %d
        chain: {chainId: 31337, verifyingContract: "0x5fbdb2315678afecb367f032d93f642f64180aa3"}
        meter: {type: s0-simulated, importGpio: 17, impulsesPerKWh: 1000, debounceMs: 1, simulatedPulsesPerSecond: 2}
        mqtt: {serverUri: "%s"}
        outbox: {groupCommitMs: %d}
        """.formatted(periodMs, uri, groupCommitMs));
        return config;
    }

    private static Process startPinned(List<String> mainAndArgs) throws Exception {
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> cmd = new ArrayList<>(List.of(
                "taskset", "-c", "0", java, "-Xmx64m", "-XX:-UsePerfData", "--enable-native-access=ALL-UNNAMED"));
        if (!JVM_ARGS.isEmpty()) {
            cmd.addAll(List.of(JVM_ARGS.split("\\s+")));
        }
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path")));
        cmd.addAll(mainAndArgs);
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.redirectErrorStream(true);
        pb.environment().remove("GRIDSHARE_DATA_DIR");
        return pb.start(); // taskset execs java: the pid is the JVM's
    }

    private static void stop(Process p) throws InterruptedException {
        p.destroy();
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            p.waitFor(30, TimeUnit.SECONDS);
        }
    }

    /** Lets the child run for {@code d}; fails when it exits early. */
    private static void awaitDeadline(Process p, Duration d) throws InterruptedException {
        assertTrue(!p.waitFor(d.toMillis(), TimeUnit.MILLISECONDS), "agent exited during the measurement");
    }

    private static long[] writeBytes(long pid) throws Exception {
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/io"))) {
            if (line.startsWith("write_bytes:")) {
                return new long[] {Long.parseLong(line.substring(12).trim())};
            }
        }
        throw new IllegalStateException("no write_bytes in /proc/" + pid + "/io");
    }

    private static String field(String status, String name) {
        for (String line : status.split("\n")) {
            if (line.startsWith(name + ":")) {
                long kb = Long.parseLong(
                        line.substring(name.length() + 1).replace("kB", "").trim());
                return String.format(Locale.ROOT, "%.1f MB", kb / 1024.0);
            }
        }
        return "?";
    }

    private static void row(StringBuilder report, String what, String median, List<Double> runs, String target) {
        StringBuilder r = new StringBuilder();
        for (double v : runs) {
            r.append(r.isEmpty() ? "" : ", ").append(String.format(Locale.ROOT, "%.2f", v));
        }
        report.append("| ")
                .append(what)
                .append(" | ")
                .append(median)
                .append(" | ")
                .append(r.isEmpty() ? "1" : r)
                .append(" | ")
                .append(target)
                .append(" |\n");
    }

    private static double median(List<Double> values) {
        List<Double> s = new ArrayList<>(values);
        Collections.sort(s);
        int n = s.size();
        return n % 2 == 1 ? s.get(n / 2) : (s.get(n / 2 - 1) + s.get(n / 2)) / 2;
    }

    /** Reads the child's output until a line contains {@code marker}, returns it, and keeps draining. */
    private static String awaitLine(Process p, String marker, Duration timeout) throws Exception {
        CompletableFuture<String> seen = new CompletableFuture<>();
        StringBuilder log = new StringBuilder();
        Thread t = new Thread(() -> {
            try (BufferedReader r =
                    new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    if (line.contains(marker)) {
                        seen.complete(line);
                    }
                    synchronized (log) {
                        if (log.length() < 20_000) {
                            log.append(line).append('\n');
                        }
                    }
                }
            } catch (java.io.IOException ignored) {
                // the child ended
            }
            seen.complete(null);
        });
        t.setDaemon(true);
        t.start();
        String line;
        try {
            line = seen.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            line = null;
        }
        if (line == null) {
            p.destroyForcibly();
            synchronized (log) {
                throw new AssertionError("child never printed '" + marker + "':\n" + log);
            }
        }
        return line;
    }
}
