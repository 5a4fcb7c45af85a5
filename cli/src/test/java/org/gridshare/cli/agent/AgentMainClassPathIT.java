package org.gridshare.cli.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The household box runs {@link AgentMain} from {@code /opt/gridshare/lib}, which holds edge-agent, its
 * dependencies and the cli jar, but not the backend, Kafka, HiveMQ or the other modules the demo needs.
 * This starts it in a child JVM on exactly such a class path (this module's test class path minus every
 * jar and directory of those) and waits for a signed, stored reading and the orderly stop: a class of the
 * backend reached from the agent's entry point would fail it with a NoClassDefFoundError.
 */
class AgentMainClassPathIT {
    /** Path fragments of what the box does not ship: the other modules, the backend's brokers and chain. */
    private static final List<String> NOT_ON_THE_BOX = List.of(
            "/backend/",
            "/local-parts/",
            "/market-contracts/",
            "/org/apache/kafka/",
            "/com/hivemq/",
            "/org/web3j/core/",
            "/test-classes",
            "-tests.jar");

    @TempDir
    Path dir;

    @Test
    void the_agent_runs_without_the_backend_kafka_or_hivemq_jars() throws Exception {
        List<String> full = Arrays.asList(System.getProperty("java.class.path").split(File.pathSeparator));
        List<String> box = full.stream()
                .filter(e -> NOT_ON_THE_BOX.stream().noneMatch(e.replace(File.separatorChar, '/')::contains))
                .toList();
        // not vacuous: the class path this test runs on does hold the backend, Kafka and HiveMQ
        for (String part : List.of("/backend/", "/org/apache/kafka/", "/com/hivemq/")) {
            assertTrue(full.stream().anyMatch(e -> e.contains(part)), "expected " + part + " on " + full);
            assertTrue(box.stream().noneMatch(e -> e.contains(part)), part + " left on " + box);
        }
        Path config = dir.resolve("agent.yaml");
        Files.writeString(config, """
                dataDir: ./data
                zone: zone-box
                readingPeriodMs: 200
                chain: {chainId: 31337, verifyingContract: "0x5fbdb2315678afecb367f032d93f642f64180aa3"}
                meter: {type: s0-simulated, importGpio: 17, impulsesPerKWh: 1000, simulatedPulsesPerSecond: 20}
                mqtt: {serverUri: "tcp://127.0.0.1:1"}
                homeAssistant: {enabled: false}
                http: {port: 0}
                """);
        String java = ProcessHandle.current().info().command().orElse("java");
        ProcessBuilder pb = new ProcessBuilder(
                java,
                "-Xmx64m",
                "--enable-native-access=ALL-UNNAMED",
                "-cp",
                String.join(File.pathSeparator, box),
                AgentMain.class.getName(),
                "run",
                "--config",
                config.toString());
        pb.redirectErrorStream(true);
        pb.environment().remove("GRIDSHARE_DATA_DIR");
        pb.environment().remove("GRIDSHARE_LOG_FORMAT");
        Process p = pb.start();
        // a hung child must not hang the build
        CompletableFuture.runAsync(p::destroyForcibly, CompletableFuture.delayedExecutor(120, TimeUnit.SECONDS));
        List<String> lines = new ArrayList<>();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            boolean stopping = false;
            while ((line = r.readLine()) != null) {
                lines.add(line);
                if (!stopping && line.contains("first reading signed and stored")) {
                    stopping = true;
                    // SIGTERM: the stop path of the shutdown hook (Process.destroy would also close our end of stdout)
                    p.toHandle().destroy();
                }
            }
        } finally {
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
        }
        String output = String.join("\n", lines);
        assertTrue(output.contains("first reading signed and stored"), output);
        assertTrue(output.contains("gridshare agent: stopped; signed "), output);
        assertTrue(!output.contains("NoClassDefFoundError") && !output.contains("ClassNotFoundException"), output);
        assertEquals(143, p.exitValue(), output);
    }
}
