package org.gridshare.drivers.serial;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.gridshare.drivers.DecodeException;
import org.gridshare.drivers.dsmr.SmartyDecryptor;
import org.gridshare.drivers.fixtures.Fixtures;
import org.gridshare.drivers.serial.MeterDetector.Detection;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Detection over recorded meter streams (golden fixtures), played by {@link ScriptedMeter}. */
class MeterDetectorTest {

    private static final Duration LISTEN = Duration.ofSeconds(10);

    private static byte[] fixture(String name) {
        return Fixtures.bytes(Fixtures.ROOT.resolve(name));
    }

    private static Detection detect(ScriptedMeter meter) throws Exception {
        return detect(meter, LISTEN);
    }

    private static Detection detect(ScriptedMeter meter, Duration listen) throws Exception {
        return new MeterDetector(meter, meter.clock, listen).detect("/dev/ttyUSB0");
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 42, 1234})
    void finds_a_dsmr5_meter_at_115200_8n1_starting_mid_telegram(long seed) throws Exception {
        ScriptedMeter meter = new ScriptedMeter(seed)
                .pushing(SerialSettings.DSMR5, fixture("dsmr/v5-iskra-am550-spec-example.p1"), Duration.ofSeconds(1))
                .noisyElsewhere();
        Detection d = detect(meter);
        assertTrue(d.found());
        assertEquals("dsmr", d.protocol());
        assertEquals("115200 8N1", d.settings().toString());
        assertEquals("K8EG004046395507", d.reading().meterId());
        assertEquals("5.0", d.reading().protocolVersion());
        assertEquals(6_825_000L, d.reading().importMilliWh());
        assertEquals(1, d.attempts().size());
        assertTrue(meter.written.isEmpty(), "push protocols are only listened to");
    }

    @Test
    void finds_a_dsmr22_meter_at_9600_7e1_after_noise_at_115200() throws Exception {
        ScriptedMeter meter = new ScriptedMeter(7)
                .pushing(SerialSettings.DSMR22, fixture("dsmr/v2_2-iskra-mt382.p1"), Duration.ofSeconds(10))
                .noisyElsewhere();
        // one telegram every 10 s, the first one heard cut: listening 10 s is not enough, 25 s is
        assertFalse(detect(meter, LISTEN).found());
        Detection d = detect(meter, Duration.ofSeconds(25));
        assertEquals("dsmr", d.protocol());
        assertEquals("9600 7E1", d.settings().toString());
        assertEquals(2_002_000L, d.reading().importMilliWh());
        assertEquals(2, d.attempts().size());
        MeterDetector.Attempt first = d.attempts().get(0);
        assertFalse(first.matched());
        assertTrue(first.bytesReceived() > 0, "noise was seen at 115200 but nothing decoded");
    }

    @Test
    void finds_an_sml_meter_at_9600_8n1() throws Exception {
        ScriptedMeter meter = new ScriptedMeter(11)
                .pushing(SerialSettings.SML, fixture("sml/ISKRA_MT175_eHZ.bin"), Duration.ofSeconds(2));
        Detection d = detect(meter);
        assertEquals("sml", d.protocol());
        assertEquals("9600 8N1", d.settings().toString());
        assertEquals("1ISK0067362659", d.reading().meterId());
        assertEquals(3, d.attempts().size());
        assertEquals(
                List.of(0L, 0L),
                d.attempts().subList(0, 2).stream()
                        .map(MeterDetector.Attempt::bytesReceived)
                        .toList());
    }

    @Test
    void signs_on_to_an_iec_meter_at_300_baud_and_switches_to_the_rate_it_proposes() throws Exception {
        byte[] readout = fixture("iec62056-21/pwitab-readout-mode-c.txt");
        String text = new String(readout, StandardCharsets.ISO_8859_1);
        int identEnd = text.indexOf("\r\n");
        String ident = text.substring(0, identEnd);
        byte[] data = Arrays.copyOfRange(readout, identEnd + 2, readout.length);
        ScriptedMeter meter = new ScriptedMeter(5).iec(ident, data);
        Detection d = detect(meter);
        assertTrue(d.found());
        assertEquals("iec62056-21", d.protocol());
        assertEquals("19200 7E1", d.settings().toString(), "ident " + ident + " proposes Z=6, 19200 baud");
        assertEquals("314", d.reading().obis().values().iterator().next().value());
        assertEquals(2, meter.written.size());
        assertArrayEquals("/?!\r\n".getBytes(StandardCharsets.US_ASCII), meter.written.get(0));
        assertArrayEquals(
                new byte[] {0x06, '0', '6', '0', '\r', '\n'},
                meter.written.get(1),
                "ACK, normal protocol, Z=6, data readout");
        assertEquals(List.of(SerialSettings.IEC_SIGN_ON.withBaud(19_200)), meter.reconfigured);
    }

    @Test
    void nothing_attached_tries_every_candidate_and_reports_nothing() throws Exception {
        ScriptedMeter meter = new ScriptedMeter(3);
        long start = meter.clock.millis();
        Detection d = detect(meter);
        assertFalse(d.found());
        assertNull(d.protocol());
        assertEquals(5, d.attempts().size());
        assertTrue(d.attempts().stream().allMatch(a -> a.bytesReceived() == 0 && !a.matched()));
        assertEquals(5 * LISTEN.toMillis(), meter.clock.millis() - start, "each candidate listens exactly its time");
        assertEquals(5, meter.opened.size());
    }

    @Test
    void a_telegram_with_a_bad_crc_is_reported_as_failed_never_as_a_detection() throws Exception {
        byte[] telegram = fixture("dsmr/v5-iskra-am550-spec-example.p1").clone();
        String t = new String(telegram, StandardCharsets.ISO_8859_1);
        int pos = t.indexOf("1-0:1.8.1(") + 10;
        telegram[pos] = (byte) (telegram[pos] == '9' ? '8' : '9');
        ScriptedMeter meter = new ScriptedMeter(9).pushing(SerialSettings.DSMR5, telegram, Duration.ofSeconds(1));
        Detection d = detect(meter);
        assertFalse(d.found());
        MeterDetector.Attempt first = d.attempts().get(0);
        assertTrue(first.failedFrames() >= 8, "about ten telegrams in 10 s, all rejected: " + first.failedFrames());
        assertNotNull(first.firstError());
        assertTrue(first.firstError().toLowerCase().contains("crc"), first.firstError());
    }

    @Test
    void finds_an_easymeter_pushing_iec_mode_d_at_9600_7e1() throws Exception {
        ScriptedMeter meter = new ScriptedMeter(21)
                .pushing(
                        SerialSettings.DSMR22,
                        fixture("iec62056-21/easymeter-q3da1004-mode-d.txt"),
                        Duration.ofSeconds(2))
                .noisyElsewhere();
        Detection d = detect(meter);
        assertTrue(d.found(), "attempts: " + d.attempts());
        assertEquals("9600 7E1", d.settings().toString());
        assertEquals(
                32_549_506L * 1000 + 166,
                d.reading().importMilliWh(),
                "00032549.5061662 kWh, cut toward zero below 1 mWh");
        // a mode D push is DSMR 2.2 shaped; DSMR is asked first at 9600 7E1, so it reports it (same values)
        assertEquals("dsmr", d.protocol());
        assertEquals("dsmr", d.reading().protocol());
        assertEquals("1ESY1336001560", d.reading().meterId());
        assertEquals(2, d.attempts().size());
    }

    @Test
    void finds_an_iec_mode_d_meter_at_the_standard_2400_7e1() throws Exception {
        ScriptedMeter meter = new ScriptedMeter(22)
                .pushing(
                        SerialSettings.IEC_MODE_D,
                        fixture("iec62056-21/easymeter-q3db1024-mode-d.txt"),
                        Duration.ofSeconds(2))
                .noisyElsewhere();
        Detection d = detect(meter);
        assertTrue(d.found(), "attempts: " + d.attempts());
        assertEquals("iec62056-21", d.protocol());
        assertEquals("2400 7E1", d.settings().toString());
        assertEquals(4, d.attempts().size());
        assertTrue(meter.written.isEmpty(), "mode D is only listened to");
    }

    @Test
    void follows_an_iec_mode_b_meter_to_its_rate_without_acknowledgement() throws Exception {
        byte[] readout = fixture("iec62056-21/pwitab-readout-mode-c.txt");
        String text = new String(readout, StandardCharsets.ISO_8859_1);
        int identEnd = text.indexOf("\r\n");
        byte[] data = Arrays.copyOfRange(readout, identEnd + 2, readout.length);
        ScriptedMeter meter = new ScriptedMeter(23).iec("/ElsE\\2EK280", data);
        Detection d = detect(meter);
        assertTrue(d.found(), "attempts: " + d.attempts());
        assertEquals("iec62056-21", d.protocol());
        assertEquals("9600 7E1", d.settings().toString(), "Z = 'E' is 9600 baud in mode B");
        assertEquals(1, meter.written.size(), "only the request: mode B has no acknowledgement");
        assertEquals(List.of(SerialSettings.IEC_SIGN_ON.withBaud(9_600)), meter.reconfigured);
    }

    @Test
    void recognises_a_smarty_meter_without_its_key_and_says_the_key_is_needed() throws Exception {
        ScriptedMeter meter = new ScriptedMeter(24)
                .pushing(
                        SerialSettings.DSMR5,
                        fixture("dsmr/smarty-sagemcom-t210-d-r-encrypted.bin"),
                        Duration.ofSeconds(10))
                .noisyElsewhere();
        Detection d = detect(meter, Duration.ofSeconds(25));
        assertTrue(d.found());
        assertTrue(d.keyNeeded());
        assertNull(d.reading());
        assertEquals("smarty", d.protocol());
        assertEquals("115200 8N1", d.settings().toString());
        assertEquals("SYSTEMID", new String(d.encrypted().systemTitle(), StandardCharsets.US_ASCII));
        assertEquals(0x10000001L, d.encrypted().frameCounter());
        assertEquals(1, d.attempts().size());
    }

    @Test
    void decodes_a_smarty_meter_when_the_key_is_given() throws Exception {
        ScriptedMeter meter = new ScriptedMeter(25)
                .pushing(
                        SerialSettings.DSMR5,
                        fixture("dsmr/smarty-sagemcom-t210-d-r-encrypted.bin"),
                        Duration.ofSeconds(10))
                .noisyElsewhere();
        byte[] key = java.util.HexFormat.of().parseHex("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA");
        Detection d = new MeterDetector(
                        meter, meter.clock, Duration.ofSeconds(25), MeterDetector.defaultCandidates(key))
                .detect("/dev/ttyUSB0");
        assertTrue(d.found());
        assertFalse(d.keyNeeded());
        assertEquals("smarty", d.protocol());
        assertTrue(d.reading().status().contains(org.gridshare.drivers.StatusFlag.AUTHENTICATED));
        assertNotNull(d.reading().importMilliWh());
    }

    @Test
    void an_encrypted_frame_with_an_unknown_security_suite_is_not_a_smarty_detection() throws Exception {
        byte[] frame = fixture("dsmr/smarty-sagemcom-t210-d-r-encrypted.bin").clone();
        frame[13] = 0x31;
        ScriptedMeter meter = new ScriptedMeter(26).pushing(SerialSettings.DSMR5, frame, Duration.ofSeconds(1));
        Detection d = detect(meter);
        assertFalse(d.found());
        assertTrue(
                d.attempts().get(0).failedFrames() > 0,
                "the frame is counted as failed: " + d.attempts().get(0));
        DecodeException ex = assertThrows(DecodeException.class, () -> SmartyDecryptor.header(frame));
        assertTrue(ex.getMessage().contains("security control 0x31"), ex.getMessage());
    }

    @Test
    void reads_the_mode_c_baud_character() {
        assertEquals(300, MeterDetector.IecIdentification.modeCBaud("/LGZ0ZMD"));
        assertEquals(9600, MeterDetector.IecIdentification.modeCBaud("/ISk5ME165"));
        assertEquals(19200, MeterDetector.IecIdentification.modeCBaud("/Els6\\2EK280"));
        assertEquals(0, MeterDetector.IecIdentification.modeCBaud("/ABCEmeter"), "mode B letter: no mode C switch");
        assertEquals(9600, MeterDetector.IecIdentification.modeBBaud("/ABCEmeter"));
        assertEquals(600, MeterDetector.IecIdentification.modeBBaud("/ABCAmeter"));
        assertEquals(19200, MeterDetector.IecIdentification.modeBBaud("/ABCFmeter"));
        assertEquals(0, MeterDetector.IecIdentification.modeBBaud("/ABCGmeter"), "G..I are reserved");
        assertEquals(0, MeterDetector.IecIdentification.modeBBaud("/LGZ0ZMD"));
        assertNull(
                MeterDetector.IecIdentification.find("/?!\r\n/ISk5ME".getBytes(StandardCharsets.US_ASCII)),
                "echo only, ident incomplete");
        assertEquals(
                "/ISk5ME162",
                MeterDetector.IecIdentification.find("/?!\r\n/ISk5ME162\r\n".getBytes(StandardCharsets.US_ASCII)));
    }
}
