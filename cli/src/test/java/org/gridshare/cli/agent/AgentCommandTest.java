package org.gridshare.cli.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AgentCommandTest {
    @TempDir
    Path dir;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String... args) {
        return AgentCommand.run(
                args,
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @Test
    void prints_the_effective_configuration_of_the_shipped_example_with_defaults() {
        Path example = Path.of("..", "firmware-config", "examples", "simulated.yaml");
        assertEquals(0, run("run", "--config", example.toString(), "--print-config"), err.toString());
        String printed = out.toString(StandardCharsets.UTF_8);
        assertTrue(printed.contains("type: s0-simulated"), printed);
        assertTrue(printed.contains("ackTimeoutMs: 30000"), "defaults are shown: " + printed);
    }

    @Test
    void a_bad_file_stops_start_up_naming_file_line_and_field() throws Exception {
        Path bad = dir.resolve("agent.yaml");
        Files.writeString(bad, """
        zone: zone-a
        chain: {chainId: 31337, verifyingContract: "0x5fbdb2315678afecb367f032d93f642f64180aa3"}
        meter:
          type: s0-simulated
          impulsesPerKWh: -5
        mqtt: {serverUri: "tcp://127.0.0.1:1"}
        """);
        assertEquals(2, run("run", "--config", bad.toString()));
        assertTrue(err.toString().contains(bad + ":5:19: meter.impulsesPerKWh: must be at least 1"), err.toString());
    }
}
