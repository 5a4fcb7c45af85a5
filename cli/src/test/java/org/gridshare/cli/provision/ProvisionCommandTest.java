package org.gridshare.cli.provision;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.FileOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;
import org.gridshare.agent.config.AgentConfig;
import org.gridshare.cli.installer.RecordFile;
import org.gridshare.drivers.ReadingJson;
import org.gridshare.protocol.CommissioningRecord;
import org.gridshare.protocol.keys.KeyFiles;
import org.gridshare.testsupport.PtyPair;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProvisionCommandTest {
    static final String MARKET = "0x5fbdb2315678afecb367f032d93f642f64180aa3";
    static final String REGISTRY = "0xe7f1725e7734ce288f8367e1bb143e90bb3f0512";
    static final String INSTALLER = "0x70997970c51812dc3a010c7d01b50e0d17dc79c8";

    @TempDir
    Path dir;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private List<String> args(String... extra) {
        List<String> a = new ArrayList<>(List.of(
                "--zone",
                "zone-a",
                "--chain-id",
                "31337",
                "--market",
                MARKET,
                "--registry",
                REGISTRY,
                "--mqtt",
                "tcp://127.0.0.1:1883",
                "--installer",
                INSTALLER,
                "--box-id",
                "box-17",
                "--data-dir",
                dir.resolve("data").toString(),
                "--config",
                dir.resolve("etc/agent.yaml").toString(),
                "--by-id-dir",
                dir.resolve("by-id").toString(),
                "--timeout",
                "2s"));
        a.addAll(List.of(extra));
        return a;
    }

    private int run(DsmrTelegrams.Meter meter, List<String> args) {
        return ProvisionCommand.run(
                args.toArray(String[]::new),
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8),
                meter,
                meter.clock);
    }

    private JsonNode report() throws Exception {
        return ReadingJson.mapper().readTree(out.toString(StandardCharsets.UTF_8));
    }

    private String stderr() {
        return err.toString(StandardCharsets.UTF_8);
    }

    /** A stand-in device file under by-id: the scripted port ignores the name, provision checks it exists. */
    private String port() throws Exception {
        Path byId = Files.createDirectories(dir.resolve("by-id"));
        Path dev = Files.writeString(dir.resolve("ttyUSB0"), "");
        return Files.createSymbolicLink(byId.resolve("usb-FTDI_FT232R_USB_UART_A10K1ABC-if00-port0"), dev)
                .toString();
    }

    private void assertNothingWritten() throws Exception {
        assertFalse(Files.exists(dir.resolve("etc/agent.yaml")), "config written");
        Path data = dir.resolve("data");
        if (Files.exists(data)) {
            try (Stream<Path> s = Files.walk(data)) {
                List<Path> files = s.filter(Files::isRegularFile).toList();
                assertEquals(List.of(), files, "files left behind");
            }
        }
    }

    @Test
    void provisions_a_dsmr_meter_whose_import_rises_with_import_power() throws Exception {
        String port = port();
        DsmrTelegrams.Meter meter = new DsmrTelegrams.Meter(i -> DsmrTelegrams.telegram(6_825 + i, 2_444, 1_200, 0));
        assertEquals(0, run(meter, args("--frames", "4")), stderr());
        JsonNode r = report();
        assertTrue(r.get("provisioned").asBoolean());
        assertEquals(0, r.get("blockers").size());
        assertTrue(
                r.get("notes").toString().contains("direction checked"),
                r.get("notes").toString());
        assertEquals(DsmrTelegrams.METER_ID, r.get("live").get("meterId").asText());

        AgentConfig config = AgentConfig.load(dir.resolve("etc/agent.yaml"), Map.of());
        assertEquals("dsmr", config.meterType());
        assertEquals("zone-a", config.zone());
        assertEquals(dir.resolve("data"), config.dataDir());
        assertTrue(config.toYaml().contains(port), config.toYaml());

        Path meterKey = dir.resolve("data/meter.key");
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(meterKey)));
        RecordFile file = RecordFile.read(dir.resolve("data/commissioning/commissioning.json"));
        CommissioningRecord rec = file.record();
        assertEquals(KeyFiles.loadOrCreate(meterKey).address(), rec.meter());
        assertEquals(KeyFiles.loadOrCreate(dir.resolve("data/household.key")).address(), rec.household());
        assertEquals(DsmrTelegrams.METER_ID, rec.meterId());
        assertEquals("dsmr", rec.protocol());
        assertEquals(port, rec.port());
        assertEquals("115200 8N1", rec.settings());
        // the last frame read: the detector took frame 0, the live check frames 1 to 4
        assertEquals((6_825L + 4) * 1_000, rec.importMilliWh());
        assertEquals(2_444_000L, rec.exportMilliWh());
        assertEquals(1, rec.genesisSeq());
        assertEquals(meter.clock.millis(), rec.commissionedAtMs());
        assertEquals(0, rec.validFromMs() % 1000);
        assertTrue(rec.validFromMs() >= rec.commissionedAtMs() + 3_600_000L);
        assertEquals("box-17", rec.boxId());
        assertEquals(null, file.installerSignature());
        String html = Files.readString(dir.resolve("data/commissioning/commissioning.html"));
        assertTrue(html.contains("<svg") && html.contains(DsmrTelegrams.METER_ID), html);
    }

    @Test
    void an_existing_household_account_gets_no_household_key_and_the_installer_key_signs_now() throws Exception {
        port();
        Path installerKey = dir.resolve("installer.key");
        // anvil's public test account 1: its address is INSTALLER
        Files.writeString(
                installerKey,
                "59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d\n",
                StandardCharsets.US_ASCII);
        Files.setPosixFilePermissions(installerKey, PosixFilePermissions.fromString("rw-------"));
        String household = "0x3c44cdddb6a900fa2b585dd299e03d12fa4293bc";
        DsmrTelegrams.Meter meter = new DsmrTelegrams.Meter(i -> DsmrTelegrams.telegram(100, 50 + i, 0, 800));
        assertEquals(
                0,
                run(
                        meter,
                        args(
                                "--household", household,
                                "--installer-key", installerKey.toString(),
                                "--feed-in", "100",
                                "--retail", "300",
                                "--daily-budget", "2000")),
                stderr());
        assertFalse(Files.exists(dir.resolve("data/household.key")));
        RecordFile file = RecordFile.read(dir.resolve("data/commissioning/commissioning.json"));
        assertEquals(household, file.record().household().toHex());
        assertNotEquals(null, file.installerSignature());
        AgentConfig config = AgentConfig.load(dir.resolve("etc/agent.yaml"), Map.of());
        assertNotEquals(null, config.market());
        assertFalse(config.market().trading(), "no household key on the box: no orders");
    }

    @Test
    void import_rising_while_the_meter_reports_export_power_blocks_and_writes_nothing() throws Exception {
        port();
        DsmrTelegrams.Meter meter = new DsmrTelegrams.Meter(i -> DsmrTelegrams.telegram(1_000 + i, 0, 0, 900));
        assertEquals(1, run(meter, args()));
        assertEquals(
                "DIRECTION_REVERSED",
                report().get("blockers").get(0).get("code").asText());
        assertTrue(stderr().contains("import and export are swapped"), stderr());
        assertNothingWritten();
    }

    @Test
    void a_register_going_down_blocks() throws Exception {
        port();
        DsmrTelegrams.Meter meter = new DsmrTelegrams.Meter(i -> DsmrTelegrams.telegram(5_000 - i, 0, 300, 0));
        assertEquals(1, run(meter, args()));
        assertEquals(
                "REGISTER_DECREASED",
                report().get("blockers").get(0).get("code").asText());
        assertNothingWritten();
    }

    @Test
    void no_serial_adapter_is_said_in_plain_words() throws Exception {
        DsmrTelegrams.Meter meter = new DsmrTelegrams.Meter(i -> DsmrTelegrams.telegram(1, 0, 0, 0));
        assertEquals(1, run(meter, args()));
        assertEquals(
                "NO_SERIAL_PORT", report().get("blockers").get(0).get("code").asText());
        assertTrue(stderr().contains("plug in the P1 or IR cable"), stderr());
    }

    @Test
    void a_silent_port_is_reported_as_a_closed_p1_port() throws Exception {
        port();
        DsmrTelegrams.Meter silent = new DsmrTelegrams.Meter(i -> new byte[0]);
        assertEquals(1, run(silent, args("--timeout", "500ms")));
        assertEquals("NO_BYTES", report().get("blockers").get(0).get("code").asText());
        assertTrue(stderr().contains("grid operator opens it"), stderr());
    }

    @Test
    void a_failed_write_removes_the_keys_and_the_record() throws Exception {
        port();
        Files.writeString(dir.resolve("etc"), "a file where the config directory should be");
        DsmrTelegrams.Meter meter = new DsmrTelegrams.Meter(i -> DsmrTelegrams.telegram(10 + i, 0, 500, 0));
        assertEquals(1, run(meter, args()));
        assertEquals("WRITE_FAILED", report().get("blockers").get(0).get("code").asText());
        assertFalse(Files.exists(dir.resolve("data/meter.key")));
        assertFalse(Files.exists(dir.resolve("data/household.key")));
        assertFalse(Files.exists(dir.resolve("data/commissioning/commissioning.json")));
        assertFalse(Files.exists(dir.resolve("data/commissioning/commissioning.html")));
    }

    @Test
    void a_provisioned_box_is_not_provisioned_again() throws Exception {
        port();
        Files.createDirectories(dir.resolve("data"));
        KeyFiles.loadOrCreate(dir.resolve("data/meter.key"));
        byte[] before = Files.readAllBytes(dir.resolve("data/meter.key"));
        DsmrTelegrams.Meter meter = new DsmrTelegrams.Meter(i -> DsmrTelegrams.telegram(10 + i, 0, 500, 0));
        assertEquals(1, run(meter, args()));
        assertEquals(
                "ALREADY_PROVISIONED",
                report().get("blockers").get(0).get("code").asText());
        assertTrue(java.util.Arrays.equals(before, Files.readAllBytes(dir.resolve("data/meter.key"))));
    }

    @Test
    void usage_errors_exit_2() {
        DsmrTelegrams.Meter meter = new DsmrTelegrams.Meter(i -> new byte[0]);
        assertEquals(2, run(meter, List.of()));
        assertEquals(2, run(meter, args("--frames", "1")));
        assertEquals(2, run(meter, args("--valid-from", "soon")));
        assertEquals(2, run(meter, args("--feed-in", "100")));
        assertEquals(2, run(meter, args("--key", "AABB")));
        assertEquals(
                2, run(meter, args("--installer-key", dir.resolve("none.key").toString())));
        List<String> bad = args();
        bad.set(bad.indexOf("--market") + 1, "0x1234");
        assertEquals(2, run(meter, bad));
    }

    @Test
    void provisions_on_a_real_pty_behind_a_by_id_name_through_the_public_entry_point() throws Exception {
        try (PtyPair pty = PtyPair.start();
                OutputStream meterEnd = new FileOutputStream(pty.a)) {
            Path byId = Files.createDirectories(dir.resolve("by-id"));
            Path link =
                    Files.createSymbolicLink(byId.resolve("usb-Prolific_P1_Cable_12345-if00-port0"), Path.of(pty.b));
            AtomicBoolean stop = new AtomicBoolean();
            Thread writer = Thread.ofPlatform().daemon().start(() -> {
                long wh = 6_825;
                try {
                    while (!stop.get()) {
                        meterEnd.write(DsmrTelegrams.telegram(wh++, 2_444, 1_500, 0));
                        LockSupport.parkNanos(200_000_000L);
                    }
                } catch (java.io.IOException ignored) {
                    // the assertions report what provision saw
                }
            });
            int status;
            try {
                status = ProvisionCommand.run(
                        args().toArray(String[]::new),
                        new PrintStream(out, true, StandardCharsets.UTF_8),
                        new PrintStream(err, true, StandardCharsets.UTF_8));
            } finally {
                stop.set(true);
                writer.join(2_000);
            }
            assertEquals(0, status, stderr() + out.toString(StandardCharsets.UTF_8));
            RecordFile file = RecordFile.read(dir.resolve("data/commissioning/commissioning.json"));
            assertEquals(link.toString(), file.record().port());
            assertEquals(DsmrTelegrams.METER_ID, file.record().meterId());
            assertTrue(file.record().importMilliWh() > 6_825_000L);
            AgentConfig.load(dir.resolve("etc/agent.yaml"), Map.of());
        }
    }
}
