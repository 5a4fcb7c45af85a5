package org.gridshare.drivers.sml;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.gridshare.drivers.DecodeException;
import org.gridshare.drivers.DecodeException.Kind;
import org.gridshare.drivers.NormalizedReading;
import org.gridshare.drivers.ObisValue;
import org.gridshare.drivers.StreamDecoder;
import org.gridshare.drivers.fixtures.Fixtures;
import org.gridshare.drivers.transport.Framed;
import org.junit.jupiter.api.Test;

class SmlDecoderTest {

    /** The first whole transport frame of a dump. */
    static byte[] firstFrame(String dump) {
        byte[] data = Fixtures.bytes(Fixtures.ROOT.resolve(dump));
        SmlFramer framer = new SmlFramer();
        return framer.feed(data, 0, data.length).stream()
                .filter(e -> e instanceof Framed.Frame)
                .findFirst()
                .orElseThrow()
                .bytes();
    }

    @Test
    void dzg_values_scaled_exactly_and_meter_number_as_printed() throws Exception {
        NormalizedReading r = SmlDecoder.decode(firstFrame("sml/DZG_DVS-7420.2V.G2_mtr2_neg.bin"));
        assertEquals("1DZG0060694611", r.meterId());
        assertEquals(new ObisValue("1500321.3", "Wh"), r.obis().get("1-0:2.8.0"));
        assertEquals(1_500_321_300L, r.exportMilliWh());
        assertEquals(13_232_900L, r.importMilliWh());
        assertEquals(-105_500L, r.powerMilliW(), "signed 16.7.0, two-byte negative integer");
        assertNull(r.timestamp(), "eHZ meters send a seconds index, not a time");
    }

    @Test
    void positive_scaler_multiplies() throws Exception {
        NormalizedReading r = SmlDecoder.decode(firstFrame("sml/HOLLEY_DTZ541-BDBA_without_PIN.bin"));
        assertEquals(new ObisValue("2324000", "Wh"), r.obis().get("1-0:1.8.0"));
        assertEquals(2_324_000_000L, r.importMilliWh());
    }

    @Test
    void rejects_a_flipped_bit_as_corrupt() {
        byte[] frame = firstFrame("sml/ISKRA_MT175_eHZ.bin");
        frame[60] ^= 0x04;
        DecodeException e = assertThrows(DecodeException.class, () -> SmlDecoder.decode(frame));
        assertEquals(Kind.CORRUPT, e.kind());
        assertEquals(frame.length - 2, e.offset());
    }

    @Test
    void rejects_cut_frames_as_truncated() {
        byte[] frame = firstFrame("sml/ISKRA_MT175_eHZ.bin");
        for (int cut : new int[] {8, 20, frame.length - 3}) {
            assertEquals(
                    Kind.TRUNCATED,
                    assertThrows(DecodeException.class, () -> SmlDecoder.decode(Arrays.copyOf(frame, cut)))
                            .kind());
        }
    }

    @Test
    void easymeter_q3a_dump_decodes_whole_frames_and_reports_broken_ones() {
        byte[] data = Fixtures.bytes(Fixtures.ROOT.resolve("sml-crc-mismatch/EasyMeter_Q3A_A1064V1009.bin"));
        List<StreamDecoder.Event> events = Fixtures.feedInChunks(new SmlStreamDecoder(), data, null, data.length);
        long corrupt = events.stream()
                .filter(e -> e instanceof StreamDecoder.Failed f && f.error().kind() == Kind.CORRUPT)
                .count();
        long decoded =
                events.stream().filter(e -> e instanceof StreamDecoder.Decoded).count();
        assertEquals(1, corrupt, events.toString());
        assertTrue(decoded >= 4, "frames after an unaligned one are found again: " + decoded);
        events.stream()
                .filter(e -> e instanceof StreamDecoder.Decoded)
                .map(e -> ((StreamDecoder.Decoded) e).reading())
                .forEach(r -> assertEquals("1ESY1762232997", r.meterId()));
    }

    /** Wraps a payload in a valid transport frame (escapes, padding, CRC), so that the bytes reach jSML. */
    static byte[] wrap(byte[] payload) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(SmlTransport.START);
        int padding = (4 - payload.length % 4) % 4;
        byte[] padded = Arrays.copyOf(payload, payload.length + padding);
        for (int i = 0; i < padded.length; i += 4) {
            out.write(padded, i, 4);
            if (SmlTransport.isEscape(padded, i)) {
                out.write(padded, i, 4);
            }
        }
        out.writeBytes(new byte[] {0x1B, 0x1B, 0x1B, 0x1B, 0x1A, (byte) padding});
        byte[] body = out.toByteArray();
        int crc = Crc16X25.of(body, 0, body.length);
        out.write(crc & 0xFF);
        out.write(crc >>> 8);
        return out.toByteArray();
    }

    @Test
    void wrapping_a_real_payload_again_reproduces_the_frame() throws Exception {
        byte[] frame = firstFrame("sml/ITRON_OpenWay-3.HZ_without_PIN.bin");
        byte[] payload = SmlTransport.unwrap(frame);
        NormalizedReading r = SmlDecoder.decode(wrap(payload));
        assertEquals(SmlDecoder.decode(frame), r);
    }

    @Test
    void random_and_mutated_payloads_behind_a_valid_crc_only_raise_decode_exception() {
        Random random = new Random(9);
        List<byte[]> seeds = Fixtures.captures("sml")
                .map(Fixtures::bytes)
                .map(d -> {
                    try {
                        return SmlTransport.unwrap(new SmlFramer()
                                .feed(d, 0, d.length).stream()
                                        .filter(e -> e instanceof Framed.Frame)
                                        .findFirst()
                                        .orElseThrow()
                                        .bytes());
                    } catch (DecodeException ex) {
                        throw new AssertionError(ex);
                    }
                })
                .toList();
        for (int i = 0; i < 5_000; i++) {
            byte[] payload;
            if (random.nextInt(3) == 0) {
                payload = new byte[random.nextInt(300)];
                random.nextBytes(payload);
            } else {
                payload = seeds.get(random.nextInt(seeds.size())).clone();
                for (int e = 0; e < 1 + random.nextInt(6); e++) {
                    payload[random.nextInt(payload.length)] = (byte) random.nextInt(256);
                }
            }
            try {
                SmlDecoder.decode(wrap(payload));
            } catch (DecodeException expected) {
                assertTrue(expected.kind() != null);
            }
        }
    }

    @Test
    void random_bytes_only_raise_decode_exception_and_stream_never_throws() {
        Random random = new Random(10);
        for (int i = 0; i < 5_000; i++) {
            byte[] data = new byte[random.nextInt(400)];
            random.nextBytes(data);
            if (data.length > 20 && random.nextBoolean()) {
                System.arraycopy(SmlTransport.START, 0, data, random.nextInt(data.length - 8), 8);
            }
            try {
                SmlDecoder.decode(data);
            } catch (DecodeException expected) {
                assertTrue(expected.kind() != null);
            }
            Fixtures.feedInChunks(new SmlStreamDecoder(), data, random, 40);
        }
    }
}
