package org.gridshare.cli.meter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.FileOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import org.gridshare.drivers.ReadingJson;
import org.gridshare.drivers.fixtures.Fixtures;
import org.gridshare.drivers.serial.ScriptedMeter;
import org.gridshare.drivers.serial.SerialSettings;
import org.gridshare.testsupport.PtyPair;
import org.junit.jupiter.api.Test;

class MeterDetectCommandTest {

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(ScriptedMeter meter, String... args) {
        return MeterDetectCommand.run(
                args,
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8),
                meter,
                meter.clock);
    }

    private JsonNode json() throws Exception {
        return ReadingJson.mapper().readTree(out.toString(StandardCharsets.UTF_8));
    }

    @Test
    void reports_an_sml_meter_as_json() throws Exception {
        ScriptedMeter meter = new ScriptedMeter(4)
                .pushing(
                        SerialSettings.SML,
                        Fixtures.bytes(Fixtures.ROOT.resolve("sml/ISKRA_MT175_eHZ.bin")),
                        Duration.ofSeconds(2))
                .noisyElsewhere();
        assertEquals(0, run(meter, "--port", "/dev/ttyUSB1", "--timeout", "8s"));
        JsonNode j = json();
        assertTrue(j.get("found").asBoolean());
        assertEquals("sml", j.get("protocol").asText());
        assertEquals(9600, j.get("baud").asInt());
        assertEquals("9600 8N1", j.get("settings").asText());
        assertEquals("1ISK0067362659", j.get("meterId").asText());
        assertEquals("sml", j.get("reading").get("protocol").asText());
        assertEquals(3, j.get("attempts").size());
        assertTrue(j.get("attempts").get(0).get("bytesReceived").asLong() > 0);
        assertEquals("", err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void nothing_found_prints_the_attempts_and_exits_1() throws Exception {
        ScriptedMeter meter = new ScriptedMeter(4);
        assertEquals(1, run(meter, "--port", "/dev/ttyUSB1", "--timeout", "500ms"));
        JsonNode j = json();
        assertEquals(false, j.get("found").asBoolean());
        assertTrue(j.get("reading").isNull());
        assertEquals(5, j.get("attempts").size());
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("no meter recognised on /dev/ttyUSB1"));
    }

    @Test
    void usage_errors_exit_2() {
        ScriptedMeter meter = new ScriptedMeter(4);
        assertEquals(2, run(meter));
        assertEquals(2, run(meter, "--port", "/dev/x", "--timeout", "soon"));
        assertEquals(2, run(meter, "--port", "/dev/x", "--timeout", "0s"));
        assertEquals(2, run(meter, "--port"));
        assertEquals(2, run(meter, "--port", "/dev/x", "extra"));
        assertEquals(2, run(meter, "--port", "/dev/x", "--key", "AABB"));
        assertEquals(2, run(meter, "--port", "/dev/x", "--key", "not-hex"));
        assertEquals(Duration.ofMinutes(1), MeterDetectCommand.duration("1m"));
        assertEquals(Duration.ofSeconds(25), MeterDetectCommand.duration("25"));
        assertNull(MeterDetectCommand.duration("-3s"));
    }

    @Test
    void a_missing_port_exits_1_with_the_port_named() {
        int status = MeterDetectCommand.run(
                new String[] {"--port", "/dev/ttyNOPE7"},
                new PrintStream(out),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        assertEquals(1, status);
        assertTrue(
                err.toString(StandardCharsets.UTF_8).contains("/dev/ttyNOPE7"), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void detects_a_dsmr_meter_on_a_real_pty_through_the_public_entry_point() throws Exception {
        byte[] telegram = Fixtures.bytes(Fixtures.ROOT.resolve("dsmr/v5-iskra-am550-spec-example.p1"));
        try (PtyPair pty = PtyPair.start();
                OutputStream meter = new FileOutputStream(pty.a)) {
            AtomicBoolean stop = new AtomicBoolean();
            Thread writer = Thread.ofPlatform().daemon().start(() -> {
                try {
                    while (!stop.get()) {
                        meter.write(telegram);
                        java.util.concurrent.locks.LockSupport.parkNanos(200_000_000L);
                    }
                } catch (java.io.IOException ignored) {
                    // the assertions below report what the reader saw
                }
            });
            int status;
            try {
                status = MeterDetectCommand.run(
                        new String[] {"--port", pty.b, "--timeout", "5s"},
                        new PrintStream(out, true, StandardCharsets.UTF_8),
                        new PrintStream(err, true, StandardCharsets.UTF_8));
            } finally {
                stop.set(true);
                writer.join(2_000);
            }
            assertEquals(0, status, err.toString(StandardCharsets.UTF_8));
            JsonNode j = json();
            assertEquals("dsmr", j.get("protocol").asText());
            assertEquals("115200 8N1", j.get("settings").asText());
            assertEquals("K8EG004046395507", j.get("meterId").asText());
            assertEquals(6_825_000L, j.get("reading").get("importMilliWh").asLong());
        }
    }

    private int runOnPtyWithMeterWriting(byte[] frame, String... args) throws Exception {
        try (PtyPair pty = PtyPair.start();
                OutputStream meter = new FileOutputStream(pty.a)) {
            AtomicBoolean stop = new AtomicBoolean();
            Thread writer = Thread.ofPlatform().daemon().start(() -> {
                try {
                    while (!stop.get()) {
                        meter.write(frame);
                        java.util.concurrent.locks.LockSupport.parkNanos(200_000_000L);
                    }
                } catch (java.io.IOException ignored) {
                    // the assertions report what the reader saw
                }
            });
            try {
                String[] all = new String[args.length + 2];
                all[0] = "--port";
                all[1] = pty.b;
                System.arraycopy(args, 0, all, 2, args.length);
                return MeterDetectCommand.run(
                        all,
                        new PrintStream(out, true, StandardCharsets.UTF_8),
                        new PrintStream(err, true, StandardCharsets.UTF_8));
            } finally {
                stop.set(true);
                writer.join(2_000);
            }
        }
    }

    @Test
    void recognises_a_smarty_meter_on_a_real_pty_without_its_key_and_exits_3() throws Exception {
        byte[] frame = Fixtures.bytes(Fixtures.ROOT.resolve("dsmr/smarty-sagemcom-t210-d-r-encrypted.bin"));
        int status = runOnPtyWithMeterWriting(frame, "--timeout", "5s");
        assertEquals(3, status, err.toString(StandardCharsets.UTF_8));
        JsonNode j = json();
        assertTrue(j.get("found").asBoolean());
        assertTrue(j.get("keyNeeded").asBoolean());
        assertEquals("smarty", j.get("protocol").asText());
        assertEquals("115200 8N1", j.get("settings").asText());
        assertEquals("53595354454D4944", j.get("systemTitle").asText(), "SYSTEMID");
        assertEquals(0x10000001L, j.get("frameCounter").asLong());
        assertTrue(j.get("reading").isNull());
        assertTrue(
                err.toString(StandardCharsets.UTF_8).contains("smarty, key needed"),
                err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void decodes_a_smarty_meter_on_a_real_pty_with_its_key() throws Exception {
        byte[] frame = Fixtures.bytes(Fixtures.ROOT.resolve("dsmr/smarty-sagemcom-t210-d-r-encrypted.bin"));
        int status = runOnPtyWithMeterWriting(frame, "--timeout", "5s", "--key", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA");
        assertEquals(0, status, err.toString(StandardCharsets.UTF_8));
        JsonNode j = json();
        assertEquals("smarty", j.get("protocol").asText());
        assertEquals(false, j.get("keyNeeded").asBoolean());
        assertTrue(
                j.get("reading").get("status").toString().contains("AUTHENTICATED"),
                j.get("reading").get("status").toString());
    }
}
