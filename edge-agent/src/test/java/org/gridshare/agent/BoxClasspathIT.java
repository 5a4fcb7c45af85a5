package org.gridshare.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.gridshare.drivers.s0.MockPlatform;
import org.gridshare.parts.InstalledParts;
import org.gridshare.parts.Mosquitto;
import org.gridshare.parts.MqttBroker;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The agent on the box's class path (edge-agent's runtime dependencies, which install.sh puts in
 * /opt/gridshare/lib; written by the build to target/box.classpath): it holds no Pi4J mock plugin, a
 * real meter's configuration starts without it, and a simulated meter loads it from lib/sim, or stops
 * with exit code 2 naming what to install when lib/sim has none.
 */
class BoxClasspathIT {
    private static final String CHAIN =
            "chain: {chainId: 31337, verifyingContract: \"0x5fbdb2315678afecb367f032d93f642f64180aa3\"}";

    @TempDir
    Path dir;

    /** The box's jars plus edge-agent's own classes (its jar on the box). */
    private static String boxClasspath() throws IOException {
        String deps = Files.readString(Path.of("target", "box.classpath")).strip();
        return Path.of("target", "classes").toAbsolutePath() + File.pathSeparator + deps;
    }

    /**
     * The box class path plus this module's test classes, for {@link AgentTestMain} (the real entry point is in
     * cli); the test classes are a directory of classes, no jar, so no mock plugin comes with them.
     */
    private static String launchClasspath() throws IOException {
        return Path.of("target", "test-classes").toAbsolutePath() + File.pathSeparator + boxClasspath();
    }

    private static List<String> entries(String classpath) {
        return Arrays.stream(classpath.split(File.pathSeparator, -1))
                .filter(e -> !e.isEmpty())
                .toList();
    }

    private static boolean isMockPlugin(String entry) {
        return Path.of(entry).getFileName().toString().startsWith("pi4j-plugin-mock");
    }

    @Test
    void the_box_classpath_has_pi4j_but_not_its_mock_plugin() throws IOException {
        List<String> box = entries(boxClasspath());
        assertTrue(
                box.stream().anyMatch(e -> Path.of(e).getFileName().toString().startsWith("pi4j-core")),
                () -> "no pi4j-core on the box class path: " + box);
        assertFalse(box.stream().anyMatch(BoxClasspathIT::isMockPlugin), () -> "mock plugin on the box: " + box);
        // the test's own class path has it (edge-agent's tests run simulated meters): the filter above can see it
        assertTrue(entries(System.getProperty("java.class.path")).stream().anyMatch(BoxClasspathIT::isMockPlugin));
    }

    @Test
    void a_real_meter_starts_on_the_box_classpath_without_the_mock_plugin() throws Exception {
        InstalledParts.requireMosquitto();
        int closedPort;
        try (ServerSocket s = new ServerSocket(0)) {
            closedPort = s.getLocalPort(); // nothing listens there once closed: the meter is just unreachable
        }
        try (MqttBroker broker = Mosquitto.start(Files.createDirectories(dir.resolve("mqtt")))) {
            Path config = config(
                    "meter: {type: modbus-tcp, host: 127.0.0.1, tcpPort: %d, unitId: 1, model: sunspec}"
                            .formatted(closedPort),
                    broker);
            try (AgentProcess agent = AgentProcess.start(
                    config,
                    List.of("-D" + MockPlatform.SIM_LIB_PROPERTY + "=" + dir.resolve("sim")),
                    Map.of(),
                    launchClasspath())) {
                agent.awaitLine(l -> l.contains("gridshare agent: running"), Duration.ofSeconds(60));
                agent.stop();
                assertFalse(agent.output().contains("NoClassDefFoundError"), agent.output());
                assertFalse(agent.output().contains("pi4j-plugin-mock"), agent.output());
            }
        }
    }

    @Test
    void a_simulated_meter_without_lib_sim_stops_naming_the_plugin_and_the_directory() throws Exception {
        Path sim = dir.resolve("lib").resolve("sim"); // absent, as on a box installed without --with-simulator
        Path config = config(
                "meter: {type: s0-simulated, importGpio: 17, impulsesPerKWh: 1000, simulatedPulsesPerSecond: 20}",
                null);
        try (AgentProcess agent = AgentProcess.start(
                config, List.of("-D" + MockPlatform.SIM_LIB_PROPERTY + "=" + sim), Map.of(), launchClasspath())) {
            assertEquals(2, agent.awaitExit(Duration.ofSeconds(60)), agent.output());
            String err = String.join("\n", agent.stderr());
            assertTrue(err.contains("com.pi4j:pi4j-plugin-mock"), err);
            assertTrue(err.contains(sim.toAbsolutePath().toString()), err);
            assertTrue(err.contains("--with-simulator"), err);
        }
    }

    @Test
    void a_simulated_meter_on_the_box_classpath_loads_the_mock_plugin_from_lib_sim() throws Exception {
        InstalledParts.requireMosquitto();
        String mockJar = entries(System.getProperty("java.class.path")).stream()
                .filter(BoxClasspathIT::isMockPlugin)
                .findFirst()
                .orElseThrow();
        Path sim = Files.createDirectories(dir.resolve("lib").resolve("sim"));
        Files.copy(Path.of(mockJar), sim.resolve(Path.of(mockJar).getFileName()));
        try (MqttBroker broker = Mosquitto.start(Files.createDirectories(dir.resolve("mqtt")))) {
            Path config = config(
                    "meter: {type: s0-simulated, importGpio: 17, impulsesPerKWh: 1000, debounceMs: 1, "
                            + "simulatedPulsesPerSecond: 50}",
                    broker);
            try (AgentProcess agent = AgentProcess.start(
                    config, List.of("-D" + MockPlatform.SIM_LIB_PROPERTY + "=" + sim), Map.of(), launchClasspath())) {
                // pulses from the simulator reach the counter through the mock GPIO input and get signed
                agent.awaitLine(l -> l.contains("first reading signed and stored"), Duration.ofSeconds(60));
                agent.stop();
            }
        }
    }

    private Path config(String meter, MqttBroker broker) throws IOException {
        Path config = dir.resolve("agent.yaml");
        Files.writeString(config, """
                dataDir: "%s"
                zone: zone-box
                readingPeriodMs: 200
                %s
                %s
                mqtt: {serverUri: "%s"}
                outbox: {groupCommitMs: 100}
                homeAssistant: {enabled: false}
                http: {port: 0}
                """.formatted(
                        dir.resolve("data"), CHAIN, meter, broker == null ? "tcp://127.0.0.1:1" : broker.serverUri()));
        return config;
    }
}
