package org.gridshare.drivers.iec62056;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.gridshare.drivers.DecodeException;
import org.gridshare.drivers.DecodeException.Kind;
import org.gridshare.drivers.NormalizedReading;
import org.gridshare.drivers.ObisValue;
import org.gridshare.drivers.StatusFlag;
import org.gridshare.drivers.fixtures.Fixtures;
import org.junit.jupiter.api.Test;

class IecDecoderTest {

    /** A mode C readout in the style of Landis+Gyr and ABB meters: short codes, stored values, several sets per line. */
    private static byte[] readout(String block) {
        byte[] data = (block + "!\r\n").getBytes(StandardCharsets.US_ASCII);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes("/LGZ5\\2ZMD3104107.B40\r\n".getBytes(StandardCharsets.US_ASCII));
        out.write(IecDecoder.STX);
        out.writeBytes(data);
        out.write(IecDecoder.ETX);
        byte[] withEtx = new byte[data.length + 1];
        System.arraycopy(data, 0, withEtx, 0, data.length);
        withEtx[data.length] = IecDecoder.ETX;
        out.write(IecDecoder.bcc(withEtx));
        return out.toByteArray();
    }

    private static final String BLOCK =
            "F.F(00000000)\r\n0.0.0(56859504)\r\n1.8.1(0000094.5*kWh)1.8.2(0000010.0*kWh)\r\n"
                    + "1.8.1*01(0000090.1)\r\n2.8.0(0000293.9*kWh)\r\n1.6.0(10.102*kW)(2104070015)\r\n16.7.0( 000.03*kW)\r\n"
                    + "32.7.0(235.2*V)\r\n31.7.0(003.54*A)\r\nC.1.0(53965555)\r\n";

    @Test
    void mode_c_readout_with_short_codes_and_stored_values() throws Exception {
        NormalizedReading r = IecDecoder.decode(readout(BLOCK));
        assertEquals("LGZ5\\2ZMD3104107.B40", r.protocolVersion());
        assertEquals("53965555", r.meterId(), "C.1.0 (serial) before 0.0.0 (property number)");
        assertEquals(94_500_000L + 10_000_000L, r.importMilliWh(), "1.8.1 + 1.8.2; the stored 1.8.1*01 is not current");
        assertEquals(293_900_000L, r.exportMilliWh());
        assertEquals(30_000L, r.powerMilliW(), "signed 16.7.0 when 1.7.0/2.7.0 are absent");
        assertEquals(new ObisValue("0000090.1", null), r.obis().get("1-0:1.8.1*1"));
        assertEquals(new ObisValue("10.102", "kW"), r.obis().get("1-0:1.6.0"));
        assertEquals(235_200L, r.phases().get(0).voltageMilliV());
        assertEquals(3_540L, r.phases().get(0).currentMilliA());
        assertNull(r.timestamp());
        assertTrue(!r.status().contains(StatusFlag.METER_ERROR) && !r.status().contains(StatusFlag.NO_CHECKSUM));
    }

    @Test
    void error_register_sets_meter_error() throws Exception {
        NormalizedReading r = IecDecoder.decode(readout(BLOCK.replace("F.F(00000000)", "F.F(00000010)")));
        assertTrue(r.status().contains(StatusFlag.METER_ERROR));
    }

    @Test
    void rejects_wrong_bcc_as_corrupt_at_the_bcc_byte() {
        byte[] r = readout(BLOCK);
        r[40] ^= 0x01;
        DecodeException e = assertThrows(DecodeException.class, () -> IecDecoder.decode(r));
        assertEquals(Kind.CORRUPT, e.kind());
        assertEquals(r.length - 1, e.offset());
    }

    @Test
    void rejects_cut_off_readouts_as_truncated() {
        byte[] r = readout(BLOCK);
        for (int cut : new int[] {5, 30, r.length - 1}) {
            DecodeException e =
                    assertThrows(DecodeException.class, () -> IecDecoder.decode(java.util.Arrays.copyOf(r, cut)));
            assertEquals(Kind.TRUNCATED, e.kind(), "cut at " + cut);
        }
    }

    @Test
    void rejects_value_that_is_not_a_number_with_unit() {
        DecodeException e =
                assertThrows(DecodeException.class, () -> IecDecoder.decode(readout("1.8.0(12a.5*kWh)\r\n")));
        assertEquals(Kind.MALFORMED, e.kind());
        assertEquals("1-0:1.8.0", e.field());
    }

    @Test
    void random_garbage_and_mutations_only_raise_decode_exception() {
        Random random = new Random(5);
        byte[] good = readout(BLOCK);
        byte[] modeD = Fixtures.bytes(Fixtures.ROOT.resolve("iec62056-21/easymeter-q3da1004-mode-d.txt"));
        String alphabet = "/!()*.-:0123456789CFkWhVA\r\n\u0002\u0003";
        for (int i = 0; i < 5_000; i++) {
            byte[] data = (random.nextBoolean() ? good : modeD).clone();
            if (random.nextInt(4) == 0) {
                data = new byte[random.nextInt(200)];
                random.nextBytes(data);
            } else {
                for (int e = 0; e < 1 + random.nextInt(4); e++) {
                    data[random.nextInt(data.length)] = (byte) alphabet.charAt(random.nextInt(alphabet.length()));
                }
            }
            try {
                IecDecoder.decode(data);
            } catch (DecodeException expected) {
                assertTrue(expected.kind() != null);
            }
            Fixtures.feedInChunks(new IecStreamDecoder(), data, random, 16);
        }
    }
}
