package org.gridshare.drivers.dsmr;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.util.HexFormat;
import java.util.List;
import org.gridshare.drivers.DecodeException;
import org.gridshare.drivers.DecodeException.Kind;
import org.gridshare.drivers.NormalizedReading;
import org.gridshare.drivers.ObisValue;
import org.gridshare.drivers.StatusFlag;
import org.gridshare.drivers.StreamDecoder;
import org.gridshare.drivers.fixtures.Fixtures;
import org.junit.jupiter.api.Test;

/** Values checked by hand against the telegram text, and every kind of bad telegram. */
class DsmrDecoderTest {

    private static byte[] fixture(String name) {
        return Fixtures.bytes(Fixtures.ROOT.resolve("dsmr").resolve(name));
    }

    private static String text(String name) {
        return new String(fixture(name), StandardCharsets.ISO_8859_1);
    }

    /** Recomputes the CRC of an edited telegram so that only the edit is under test. */
    private static byte[] withCrc(String telegram) {
        int bang = telegram.indexOf("\n!") + 1;
        byte[] body = telegram.substring(0, bang + 1).getBytes(StandardCharsets.ISO_8859_1);
        return (telegram.substring(0, bang + 1) + String.format("%04X", Crc16Arc.of(body, 0, body.length)) + "\r\n")
                .getBytes(StandardCharsets.ISO_8859_1);
    }

    @Test
    void dsmr5_example_sums_tariffs_and_subtracts_export_power() throws Exception {
        NormalizedReading r = DsmrDecoder.decode(fixture("v5-iskra-am550-spec-example.p1"));
        assertEquals("5.0", r.protocolVersion());
        assertEquals("K8EG004046395507", r.meterId());
        assertEquals(OffsetDateTime.parse("2017-01-02T19:20:02+01:00"), r.timestamp());
        assertEquals(4_426_000L + 2_399_000L, r.importMilliWh());
        assertEquals(2_444_000L, r.exportMilliWh());
        assertEquals(244_000L, r.powerMilliW());
        assertEquals(new ObisValue("000004.426", "kWh"), r.obis().get("1-0:1.8.1"));
        assertEquals(480L, r.phases().get(0).currentMilliA());
        assertEquals(229_000L, r.phases().get(2).voltageMilliV());
        assertEquals("00000.107", r.subMeters().get(0).value().value());
    }

    @Test
    void export_greater_than_import_gives_negative_power() throws Exception {
        NormalizedReading r = DsmrDecoder.decode(fixture("v5-sagemcom-eon-hungary.p1"));
        assertEquals(-2_601_000L, r.powerMilliW());
        assertEquals(47_719_000L + 125_921_000L, r.importMilliWh(), "1.8.1..1.8.4 summed, 1.8.0 not added twice");
        assertEquals(401_829_000L + 225_348_000L, r.exportMilliWh());
    }

    @Test
    void watt_hour_registers_convert_exactly() throws Exception {
        NormalizedReading r = DsmrDecoder.decode(fixture("v5-sagemcom-t210-d-r.p1"));
        assertEquals(6_545_766_000L, r.importMilliWh());
        assertEquals(58_000L, r.exportMilliWh());
        assertEquals(286_000L, r.powerMilliW());
    }

    @Test
    void sub_milliwatt_hour_digits_are_cut_never_rounded_up() throws Exception {
        NormalizedReading r = DsmrDecoder.decode(fixture("easymeter-q3db-v304.p1"));
        assertEquals(52_185_782_530L, r.importMilliWh(), "52185.7825309 kWh");
        assertEquals("00052185.7825309", r.obis().get("1-0:1.8.0").value());
    }

    @Test
    void dsmr22_old_gas_record_and_missing_crc_are_reported() throws Exception {
        NormalizedReading r = DsmrDecoder.decode(fixture("v2_2-iskra-mt382.p1"));
        assertTrue(r.status().contains(StatusFlag.NO_CHECKSUM));
        assertNull(r.timestamp());
        assertEquals(new ObisValue("00001.001", "m3"), r.obis().get("0-1:24.3.0"));
        assertEquals(2_002_000L, r.importMilliWh());
    }

    @Test
    void power_failure_log_and_text_message_are_decoded() throws Exception {
        NormalizedReading r = DsmrDecoder.decode(fixture("v4_2-kaifa.p1"));
        assertEquals(3, r.powerFailures().size());
        assertEquals(237_126L, r.powerFailures().get(0).durationSeconds());
        assertEquals(
                OffsetDateTime.parse("2000-01-04T18:03:20+01:00"),
                r.powerFailures().get(0).end());
        NormalizedReading v3 = DsmrDecoder.decode(fixture("v3-iskra-mt382.p1"));
        assertTrue(v3.textMessage().startsWith("0123456789:;<=>?"));
    }

    @Test
    void empty_power_failure_log_decodes_as_no_events() throws Exception {
        NormalizedReading r = DsmrDecoder.decode(fixture("v5-iskra-am550-empty-power-failure-log.p1"));
        assertEquals(List.of(), r.powerFailures());
        assertEquals(new ObisValue("", null), r.obis().get("1-0:99.97.0"));
        assertEquals(56_179_000L + 83_425_000L, r.importMilliWh());
        assertEquals(759_000L, r.powerMilliW());
    }

    @Test
    void power_failure_log_that_announces_events_but_sends_none_is_rejected() {
        String t = text("v5-iskra-am550-empty-power-failure-log.p1").replace("1-0:99.97.0()", "1-0:99.97.0(2)");
        DecodeException e = assertThrows(DecodeException.class, () -> DsmrDecoder.decode(withCrc(t)));
        assertEquals(Kind.MALFORMED, e.kind());
        assertEquals("1-0:99.97.0", e.field());
        assertEquals("2 events announced, 0 values sent", e.detail());
    }

    @Test
    void unpaired_gas_channel_and_impossible_gas_time_keep_the_value_as_sent() throws Exception {
        NormalizedReading none = DsmrDecoder.decode(fixture("v5-iskra-am550-no-gas-meter.p1"));
        assertNull(none.subMeters().get(0).equipmentId());
        assertNull(none.subMeters().get(0).capturedAt());
        assertEquals(new ObisValue("00000000", null), none.subMeters().get(0).value());
        NormalizedReading t211 = DsmrDecoder.decode(fixture("v5-sagemcom-t211-gas-impossible-time.p1"));
        assertNull(t211.subMeters().get(0).capturedAt(), "632525252525S has month 25");
        assertEquals(new ObisValue("00000.000", null), t211.subMeters().get(0).value());
        assertEquals(26_413_000L, t211.importMilliWh());
    }

    @Test
    void epoch_filler_capture_time_is_not_a_date() throws Exception {
        NormalizedReading r = DsmrDecoder.decode(fixture("v5-iskra-am550-two-mbus.p1"));
        assertNull(r.subMeters().get(0).capturedAt(), "700101010000W means never captured");
        assertEquals(
                OffsetDateTime.parse("2020-04-26T22:30:01+02:00"),
                r.subMeters().get(1).capturedAt());
    }

    @Test
    void rejects_telegram_with_wrong_crc_as_corrupt() {
        String t = text("v5-iskra-am550-spec-example.p1").replace("000004.426", "000004.427");
        DecodeException e =
                assertThrows(DecodeException.class, () -> DsmrDecoder.decode(t.getBytes(StandardCharsets.ISO_8859_1)));
        assertEquals(Kind.CORRUPT, e.kind());
        assertEquals("crc", e.field());
        assertEquals(t.indexOf("\n!") + 2, e.offset());
        assertTrue(e.getMessage().contains("6EEE"), e.getMessage());
    }

    @Test
    void rejects_dsmr5_telegram_without_crc() {
        String t = text("v5-iskra-am550-spec-example.p1").replace("!6EEE", "!");
        DecodeException e =
                assertThrows(DecodeException.class, () -> DsmrDecoder.decode(t.getBytes(StandardCharsets.ISO_8859_1)));
        assertEquals(Kind.MALFORMED, e.kind());
    }

    @Test
    void rejects_truncated_telegram() {
        byte[] full = fixture("v5-iskra-am550-spec-example.p1");
        for (int cut : new int[] {0, 1, 10, 200, full.length - 8}) {
            DecodeException e =
                    assertThrows(DecodeException.class, () -> DsmrDecoder.decode(java.util.Arrays.copyOf(full, cut)));
            assertEquals(Kind.TRUNCATED, e.kind(), "cut at " + cut);
        }
    }

    @Test
    void rejects_impossible_meter_time_with_its_line_offset() {
        String t =
                text("v5-iskra-am550-spec-example.p1").replace("0-0:1.0.0(170102192002W)", "0-0:1.0.0(171302192002W)");
        DecodeException e = assertThrows(DecodeException.class, () -> DsmrDecoder.decode(withCrc(t)));
        assertEquals(Kind.IMPOSSIBLE_VALUE, e.kind());
        assertEquals("0-0:1.0.0", e.field());
        assertEquals(t.indexOf("0-0:1.0.0"), e.offset());
    }

    @Test
    void rejects_negative_energy_register() {
        String t = text("v5-iskra-am550-spec-example.p1")
                .replace("1-0:1.8.2(000002.399*kWh)", "1-0:1.8.2(-00002.399*kWh)");
        DecodeException e = assertThrows(DecodeException.class, () -> DsmrDecoder.decode(withCrc(t)));
        assertEquals(Kind.IMPOSSIBLE_VALUE, e.kind());
        assertEquals("1-0:1.8.2", e.field());
        assertEquals(t.indexOf("1-0:1.8.2"), e.offset());
    }

    @Test
    void rejects_unknown_energy_unit_instead_of_guessing_a_factor() {
        String t = text("v5-iskra-am550-spec-example.p1").replace("000002.399*kWh", "000002.399*GWh");
        DecodeException e = assertThrows(DecodeException.class, () -> DsmrDecoder.decode(withCrc(t)));
        assertEquals(Kind.UNSUPPORTED, e.kind());
    }

    @Test
    void keeps_unknown_obis_codes_as_sent() throws Exception {
        String t = text("v5-iskra-am550-spec-example.p1")
                .replace("0-0:96.14.0(0002)", "0-0:96.14.0(0002)\r\n1-0:99.1.7(12.5*Hz)");
        NormalizedReading r = DsmrDecoder.decode(withCrc(t));
        assertEquals(new ObisValue("12.5", "Hz"), r.obis().get("1-0:99.1.7"));
    }

    @Test
    void rejects_garbage_line_with_offset_and_hex_window() {
        String t = text("v5-iskra-am550-spec-example.p1").replace("0-0:96.14.0(0002)", "0-0:96.14.0(0002)\r\nhello");
        DecodeException e = assertThrows(DecodeException.class, () -> DsmrDecoder.decode(withCrc(t)));
        assertEquals(Kind.MALFORMED, e.kind());
        assertEquals(t.indexOf("hello"), e.offset());
        assertTrue(e.hexWindow().contains("[68]"), e.hexWindow());
    }

    @Test
    void stream_reports_a_telegram_cut_by_the_next_one_and_resynchronizes() {
        byte[] full = fixture("v5-iskra-am550-spec-example.p1");
        byte[] stream = new byte[300 + full.length];
        System.arraycopy(full, 0, stream, 0, 300);
        System.arraycopy(full, 0, stream, 300, full.length);
        List<StreamDecoder.Event> events =
                Fixtures.feedInChunks(DsmrStreamDecoder.plain(), stream, new java.util.Random(7), 13);
        assertEquals(2, events.size(), events.toString());
        StreamDecoder.Failed cut = assertInstanceOf(StreamDecoder.Failed.class, events.get(0));
        assertEquals(Kind.TRUNCATED, cut.error().kind());
        assertEquals(
                300,
                assertInstanceOf(StreamDecoder.Decoded.class, events.get(1)).offset());
    }

    @Test
    void smarty_frame_with_wrong_key_is_corrupt_and_right_key_round_trips() throws Exception {
        byte[] frame = fixture("smarty-sagemcom-t210-d-r-encrypted.bin");
        SmartyDecryptor wrong = new SmartyDecryptor(
                HexFormat.of().parseHex("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAB"),
                SmartyDecryptor.DEFAULT_AUTHENTICATION_KEY);
        assertEquals(
                Kind.CORRUPT,
                assertThrows(DecodeException.class, () -> wrong.decrypt(frame)).kind());
        SmartyDecryptor right =
                new SmartyDecryptor(DsmrGoldenFixturesTest.SMARTY_TEST_KEY, SmartyDecryptor.DEFAULT_AUTHENTICATION_KEY);
        byte[] plain = right.decrypt(frame);
        assertArrayEquals(fixture("v5-sagemcom-t210-d-r.p1"), plain);
        assertArrayEquals(
                frame,
                right.encrypt("SYSTEMID".getBytes(StandardCharsets.US_ASCII), 0x10000001, plain),
                "our encryption matches the independently generated frame");
        frame[100] ^= 1;
        assertEquals(
                Kind.CORRUPT,
                assertThrows(DecodeException.class, () -> right.decrypt(frame)).kind());
    }
}
