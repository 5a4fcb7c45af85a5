package org.gridshare.cli.meter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.gridshare.drivers.ReadingJson;
import org.gridshare.drivers.fixtures.Fixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The installer's decode command over every golden capture, and its error behaviour. */
class MeterDecodeCommandTest {

    private record Run(int status, String out, String err) {
        List<String> lines() {
            return out.isEmpty() ? List.of() : out.lines().toList();
        }
    }

    private static Run run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = MeterDecodeCommand.run(
                args,
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    static Stream<Arguments> captures() {
        List<Arguments> args = new ArrayList<>();
        Fixtures.captures("dsmr")
                .forEach(p -> args.add(Arguments.of(
                        "dsmr", p, p.toString().endsWith(".bin") ? "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA" : null)));
        Fixtures.captures("iec62056-21").forEach(p -> args.add(Arguments.of("iec62056-21", p, null)));
        Fixtures.captures("sml").forEach(p -> args.add(Arguments.of("sml", p, null)));
        Fixtures.captures("bthome")
                .forEach(p -> args.add(Arguments.of(
                        "bthome", p, p.toString().contains("encrypted") ? "231d39c1d7cc1ab1aee224cd096db932" : null)));
        return args.stream();
    }

    @ParameterizedTest
    @MethodSource("captures")
    void prints_one_json_line_per_frame_matching_the_golden_readings(String protocol, Path capture, String key)
            throws IOException {
        Run r = key == null
                ? run("--protocol", protocol, capture.toString())
                : run("--protocol", protocol, "--key", key, capture.toString());
        ArrayNode actual = ReadingJson.mapper().createArrayNode();
        for (String line : r.lines()) {
            JsonNode node = ReadingJson.mapper().readTree(line);
            assertTrue(
                    node.has("protocol")
                            && node.has("meterId")
                            && node.has("timestamp")
                            && node.has("importMilliWh")
                            && node.has("exportMilliWh")
                            && node.has("powerMilliW")
                            && node.get("obis").isObject(),
                    line);
            actual.add(node);
        }
        Path golden = capture.resolveSibling(capture.getFileName() + ".json");
        if (Boolean.getBoolean("gridshare.fixtures.write") && protocol.equals("bthome")) {
            ReadingJson.mapper().writerWithDefaultPrettyPrinter().writeValue(Files.newOutputStream(golden), actual);
        }
        assertEquals(
                ReadingJson.mapper().readTree(Files.readAllBytes(golden)).toPrettyString(), actual.toPrettyString());
        // eHZ dumps are cut anywhere: only a frame cut off by the end of the dump may fail
        for (String line : r.err().lines().toList()) {
            assertTrue(
                    line.startsWith("warning: skipped") || (protocol.equals("sml") && line.contains("TRUNCATED")),
                    line);
        }
        assertEquals(r.err().contains("error:") ? 1 : 0, r.status(), r.err());
    }

    @Test
    void obis_values_are_the_decimals_as_sent() throws IOException {
        Run r = run(
                "--protocol",
                "dsmr",
                Fixtures.ROOT.resolve("dsmr/v5-iskra-am550-spec-example.p1").toString());
        JsonNode node = ReadingJson.mapper().readTree(r.lines().get(0));
        assertEquals("000004.426", node.at("/obis/1-0:1.8.1/value").asText());
        assertEquals("kWh", node.at("/obis/1-0:1.8.1/unit").asText());
        assertEquals(6_825_000L, node.get("importMilliWh").asLong());
        assertEquals("2017-01-02T19:20:02+01:00", node.get("timestamp").asText());
    }

    @Test
    void bad_crc_exits_non_zero_with_the_error_on_stderr(@TempDir Path dir) throws IOException {
        String good = Files.readString(
                Fixtures.ROOT.resolve("dsmr/v5-iskra-am550-spec-example.p1"), StandardCharsets.ISO_8859_1);
        Path bad = dir.resolve("bad.p1");
        Files.writeString(bad, good + good.replace("000004.426", "000004.427"), StandardCharsets.ISO_8859_1);
        Run r = run("--protocol", "dsmr", bad.toString());
        assertEquals(1, r.status());
        assertEquals(1, r.lines().size(), "the good frame is still printed");
        assertTrue(r.err().contains("CORRUPT [crc] at byte " + (good.length() + good.indexOf("\n!") + 2)), r.err());
    }

    @Test
    void file_without_any_frame_is_an_error(@TempDir Path dir) throws IOException {
        Path noise = dir.resolve("noise.bin");
        Files.write(noise, new byte[] {1, 3, 'x', 'y', 0x1B, '!'});
        for (String protocol : List.of("dsmr", "sml", "iec62056-21")) {
            Run r = run("--protocol", protocol, noise.toString());
            assertEquals(1, r.status(), protocol);
            assertTrue(r.err().contains("no " + protocol + " frame found"), r.err());
        }
    }

    @Test
    void usage_errors_exit_2() {
        assertEquals(2, run().status());
        assertEquals(2, run("--protocol", "dsmr").status());
        assertEquals(2, run("--protocol", "zigbee", "x").status());
        assertEquals(2, run("--protocol", "dsmr", "--format", "xml", "x").status());
        assertEquals(2, run("--protocol", "dsmr", "--key", "zz", "x").status());
    }

    @Test
    void table_format_is_for_people() {
        Run r = run(
                "--protocol",
                "dsmr",
                "--format",
                "table",
                Fixtures.ROOT.resolve("dsmr/emucs-1_7_1-fluvius.p1").toString());
        assertEquals(0, r.status(), r.err());
        assertTrue(r.out().contains("import 15792000 mWh"), r.out());
        assertTrue(r.out().contains("1-0:1.8.2      000015.758 kWh"), r.out());
    }
}
