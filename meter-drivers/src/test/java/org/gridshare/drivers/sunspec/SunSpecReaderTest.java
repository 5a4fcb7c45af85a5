package org.gridshare.drivers.sunspec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.ghgande.j2mod.modbus.facade.ModbusTCPMaster;
import com.ghgande.j2mod.modbus.procimg.SimpleProcessImage;
import com.ghgande.j2mod.modbus.procimg.SimpleRegister;
import com.ghgande.j2mod.modbus.slave.ModbusSlave;
import com.ghgande.j2mod.modbus.slave.ModbusSlaveFactory;
import java.io.IOException;
import java.math.BigDecimal;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.gridshare.drivers.DecodeException;
import org.gridshare.drivers.DecodeException.Kind;
import org.gridshare.drivers.NormalizedReading;
import org.gridshare.drivers.ObisValue;
import org.gridshare.drivers.sunspec.SunSpecDiscovery.ModelHeader;
import org.junit.jupiter.api.Test;

/** SunSpec devices read over real Modbus TCP from j2mod's own slave, and model words decoded purely. */
class SunSpecReaderTest {

    private static final int NA16 = 0xFFFF;
    private static final int NA_INT16 = 0x8000;

    /** A device image: SunS, model 1, inverter 103, meter 203, end marker. */
    private static int[] deviceImage() {
        int[] r = new int[40_240];
        r[40_000] = 0x5375;
        r[40_001] = 0x6E53;
        int a = 40_002;
        r[a] = 1;
        r[a + 1] = 66;
        int c = a + 2;
        putString(r, c, 16, "Fronius");
        putString(r, c + 16, 16, "Symo 8.2-3-M");
        putString(r, c + 48, 16, "31415926");
        r[c + 64] = 1;
        a = c + 66;
        r[a] = 103;
        r[a + 1] = 50;
        int i = a + 2;
        r[i] = 1234; // A
        r[i + 1] = 411; // AphA
        r[i + 2] = NA16; // AphB not implemented
        r[i + 3] = 412; // AphC
        r[i + 4] = (short) -2 & 0xFFFF; // A_SF
        r[i + 8] = 2301; // PhVphA
        r[i + 9] = 2299; // PhVphB
        r[i + 10] = NA16; // PhVphC not implemented
        r[i + 11] = (short) -1 & 0xFFFF; // V_SF
        r[i + 12] = 815; // W
        r[i + 13] = 1; // W_SF: 8150 W
        r[i + 14] = 5001; // Hz
        r[i + 15] = (short) -2 & 0xFFFF;
        r[i + 16] = NA_INT16; // VA not implemented
        r[i + 17] = NA_INT16; // VA_SF not implemented
        r[i + 22] = 123_456_789 >>> 16; // WH acc32
        r[i + 23] = 123_456_789 & 0xFFFF;
        r[i + 24] = 0; // WH_SF
        r[i + 25] = 500; // DCA, but ...
        r[i + 26] = NA_INT16; // ... DCA_SF not implemented: DCA has no meaning
        r[i + 36] = 4; // St: MPPT
        a = i + 50;
        r[a] = 203;
        r[a + 1] = 105;
        int m = a + 2;
        r[m + 6] = 2305; // PhVphA
        r[m + 13] = (short) -1 & 0xFFFF; // V_SF
        r[m + 16] = -1520 & 0xFFFF; // W: exporting 1520 W
        r[m + 17] = -500 & 0xFFFF;
        r[m + 18] = -520 & 0xFFFF;
        r[m + 19] = -500 & 0xFFFF;
        r[m + 20] = 0; // W_SF
        r[m + 36] = 0; // TotWhExp = 0: acc32 "not accumulated"
        r[m + 37] = 0;
        r[m + 44] = 987_654 >>> 16; // TotWhImp
        r[m + 45] = 987_654 & 0xFFFF;
        r[m + 52] = 1; // TotWh_SF: x10
        r[m + 103] = 0xFFFF; // Evt not implemented
        r[m + 104] = 0xFFFF;
        r[m + 105] = 0xFFFF; // end marker
        r[m + 106] = 0;
        return r;
    }

    private static void putString(int[] r, int at, int words, String s) {
        byte[] b = s.getBytes(StandardCharsets.US_ASCII);
        for (int i = 0; i < words; i++) {
            int hi = 2 * i < b.length ? b[2 * i] & 0xFF : 0;
            int lo = 2 * i + 1 < b.length ? b[2 * i + 1] & 0xFF : 0;
            r[at + i] = hi << 8 | lo;
        }
    }

    @Test
    void discovers_the_model_chain_and_reads_an_inverter_and_a_meter_over_modbus_tcp() throws Exception {
        int[] image = deviceImage();
        SimpleProcessImage spi = new SimpleProcessImage(3);
        for (int w : image) {
            spi.addRegister(new SimpleRegister(w));
        }
        int port;
        try (ServerSocket probe = new ServerSocket(0)) {
            port = probe.getLocalPort();
        }
        ModbusSlave slave = ModbusSlaveFactory.createTCPSlave(InetAddress.getLoopbackAddress(), port, 2, false);
        slave.addProcessImage(3, spi);
        slave.open();
        ModbusTCPMaster master = new ModbusTCPMaster("127.0.0.1", port, 2_000, false);
        try {
            master.connect();
            SunSpecReader reader = new SunSpecReader(master, 3);
            List<ModelHeader> chain = reader.discover();
            assertEquals(
                    List.of(
                            new ModelHeader(1, 40_004, 66),
                            new ModelHeader(103, 40_072, 50),
                            new ModelHeader(203, 40_124, 105)),
                    chain);

            SunSpecBlock common = reader.read(chain.get(0)).orElseThrow();
            assertEquals("Fronius", common.get("Mn").text());
            assertEquals("31415926", common.get("SN").text());
            assertTrue(common.notImplemented().containsAll(List.of("Opt", "Vr")), "all-NUL strings are absent");

            SunSpecBlock inverter = reader.read(chain.get(1)).orElseThrow();
            assertEquals(new BigDecimal("12.34"), inverter.get("A").number());
            assertEquals("4.11", inverter.get("AphA").asText());
            assertNull(inverter.get("AphB"), "0xFFFF is not implemented, never 655.35 A");
            assertEquals("230.1", inverter.get("PhVphA").asText());
            assertEquals("8150", inverter.get("W").asText(), "815 x 10^1");
            assertEquals("50.01", inverter.get("Hz").asText());
            assertNull(inverter.get("VA"), "0x8000 is not implemented");
            assertNull(inverter.get("DCA"), "a value whose scale factor is not implemented has no meaning");
            assertEquals("4", inverter.get("St").asText());
            assertTrue(inverter.notImplemented().containsAll(List.of("AphB", "PhVphC", "VA", "DCA")));

            List<NormalizedReading> readings = reader.readAll();
            assertEquals(2, readings.size());
            NormalizedReading inv = readings.get(0);
            assertEquals("sunspec", inv.protocol());
            assertEquals("model 103", inv.protocolVersion());
            assertEquals("31415926", inv.meterId());
            assertEquals(123_456_789_000L, inv.exportMilliWh(), "lifetime energy produced, Wh exactly");
            assertNull(inv.importMilliWh());
            assertEquals(-8_150_000L, inv.powerMilliW(), "production is export power");
            assertEquals(new ObisValue("230.1", "V"), inv.obis().get("1-0:32.7.0"));
            assertEquals(230_100L, inv.phases().get(0).voltageMilliV());

            NormalizedReading meter = readings.get(1);
            assertEquals("model 203", meter.protocolVersion());
            assertEquals(9_876_540_000L, meter.importMilliWh());
            assertNull(meter.exportMilliWh(), "acc32 0 means not accumulated");
            assertEquals(-1_520_000L, meter.powerMilliW());
            assertEquals(520_000L, meter.phases().get(1).exportPowerMilliW());
            assertEquals(new ObisValue("-1520", "W"), meter.obis().get("1-0:16.7.0"));
        } finally {
            master.disconnect();
            ModbusSlaveFactory.close(slave);
        }
    }

    @Test
    void float_inverter_model_113_nan_is_absent_and_negative_power_is_import() throws Exception {
        SunSpecModel model = SunSpecModel.forId(113).orElseThrow();
        int[] w = new int[60];
        java.util.Arrays.fill(w, 0);
        putFloat(w, 14, 229.7f);
        putFloat(w, 20, -12.5f);
        putFloat(w, 30, Float.NaN);
        putFloat(w, 22, 49.98f);
        SunSpecBlock b = SunSpecDecoder.decode(model, 113, 40_100, w);
        assertEquals("229.7", b.get("PhVphA").asText(), "shortest decimal of the float");
        assertNull(b.get("WH"));
        NormalizedReading r = SunSpecDecoder.toReading(null, b);
        assertEquals(new ObisValue("12.5", "W"), r.obis().get("1-0:1.7.0"));
        assertEquals(12_500L, r.powerMilliW());
        assertNull(r.exportMilliWh());
        assertNull(r.meterId());
    }

    @Test
    void scale_factors_are_exact_and_out_of_range_ones_are_impossible() throws Exception {
        SunSpecModel model = SunSpecModel.forId(101).orElseThrow();
        int[] w = new int[50];
        w[22] = 0xFFFF;
        w[23] = 0xFFFE; // WH = 4294967294
        w[24] = (short) -3 & 0xFFFF;
        assertEquals(
                "4294967.294", SunSpecDecoder.decode(model, 101, 0, w).get("WH").asText());
        w[24] = 11;
        DecodeException ex = assertThrows(DecodeException.class, () -> SunSpecDecoder.decode(model, 101, 40_002, w));
        assertEquals(Kind.IMPOSSIBLE_VALUE, ex.kind());
        assertEquals("WH_SF", ex.field());
    }

    @Test
    void not_implemented_values_per_type() {
        assertTrue(SunSpecDecoder.notImplemented(SunSpecModel.Type.INT16, 0x8000));
        assertTrue(SunSpecDecoder.notImplemented(SunSpecModel.Type.UINT16, 0xFFFF));
        assertTrue(SunSpecDecoder.notImplemented(SunSpecModel.Type.ACC32, 0));
        assertTrue(SunSpecDecoder.notImplemented(SunSpecModel.Type.INT32, 0x8000_0000L));
        assertTrue(SunSpecDecoder.notImplemented(SunSpecModel.Type.UINT32, 0xFFFF_FFFFL));
        assertTrue(SunSpecDecoder.notImplemented(SunSpecModel.Type.FLOAT32, 0x7FC0_0000L));
        assertTrue(SunSpecDecoder.notImplemented(SunSpecModel.Type.SUNSSF, 0x8000));
        assertTrue(!SunSpecDecoder.notImplemented(SunSpecModel.Type.INT16, 0x7FFF), "32767 is a value");
        assertTrue(!SunSpecDecoder.notImplemented(SunSpecModel.Type.UINT16, 0));
    }

    @Test
    void discovery_falls_back_to_base_0_and_rejects_a_device_without_the_marker() throws Exception {
        int[] at0 = {0x5375, 0x6E53, 1, 2, 0, 0, 0xFFFF, 0};
        RegisterSource base0 = (address, count) -> {
            if (address >= at0.length) {
                throw new IOException("illegal data address " + address);
            }
            return java.util.Arrays.copyOfRange(at0, address, address + count);
        };
        assertEquals(List.of(new ModelHeader(1, 4, 2)), SunSpecDiscovery.discover(base0));
        RegisterSource none = (address, count) -> new int[count];
        DecodeException ex = assertThrows(DecodeException.class, () -> SunSpecDiscovery.discover(none));
        assertEquals(Kind.MALFORMED, ex.kind());
        assertTrue(ex.getMessage().contains("SunS"));
        RegisterSource loop = (address, count) -> address == 40_000 ? new int[] {0x5375, 0x6E53} : new int[] {1, 0};
        assertEquals(
                Kind.MALFORMED,
                assertThrows(DecodeException.class, () -> SunSpecDiscovery.discover(loop))
                        .kind(),
                "no end marker");
    }

    private static void putFloat(int[] w, int at, float f) {
        int bits = Float.floatToIntBits(f);
        w[at] = bits >>> 16;
        w[at + 1] = bits & 0xFFFF;
    }
}
