package org.gridshare.drivers.modbus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.ghgande.j2mod.modbus.facade.ModbusTCPMaster;
import com.ghgande.j2mod.modbus.procimg.SimpleInputRegister;
import com.ghgande.j2mod.modbus.procimg.SimpleProcessImage;
import com.ghgande.j2mod.modbus.slave.ModbusSlave;
import com.ghgande.j2mod.modbus.slave.ModbusSlaveFactory;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.HashMap;
import java.util.Map;
import org.gridshare.drivers.DecodeException;
import org.gridshare.drivers.DecodeException.Kind;
import org.gridshare.drivers.NormalizedReading;
import org.gridshare.drivers.ObisValue;
import org.junit.jupiter.api.Test;

/** Reads register maps over real Modbus TCP from j2mod's own slave, and decodes register words purely. */
class ModbusMeterReaderTest {

    private static void putFloat(Map<Integer, Integer> words, int address, float value) {
        int bits = Float.floatToIntBits(value);
        words.put(address, bits >>> 16);
        words.put(address + 1, bits & 0xFFFF);
    }

    private static Map<Integer, Integer> sdm630Words() {
        Map<Integer, Integer> w = new HashMap<>();
        for (RegisterMap.Entry e : RegisterMap.sdm630().entries()) {
            putFloat(w, e.address(), 0f);
        }
        putFloat(w, 0x0000, 230.1f);
        putFloat(w, 0x0002, 229.8f);
        putFloat(w, 0x0004, 231.0f);
        putFloat(w, 0x0006, 5.25f);
        putFloat(w, 0x000C, -1234.5f);
        putFloat(w, 0x0034, -1234.5f);
        putFloat(w, 0x0048, 12345.678f);
        putFloat(w, 0x004A, 0.5f);
        return w;
    }

    @Test
    void sdm630_words_decode_to_the_values_the_meter_displays() throws Exception {
        NormalizedReading r = RegisterDecoder.decode(RegisterMap.sdm630(), sdm630Words(), "SDM630-1");
        assertEquals(
                new ObisValue("12345.678", "kWh"),
                r.obis().get("1-0:1.8.0"),
                "shortest decimal of the float, not 12345.677734375");
        assertEquals(12_345_678_000L, r.importMilliWh());
        assertEquals(500_000L, r.exportMilliWh());
        assertEquals(-1_234_500L, r.powerMilliW());
        assertEquals(230_100L, r.phases().get(0).voltageMilliV());
        assertEquals(5_250L, r.phases().get(0).currentMilliA());
        assertEquals(1_234_500L, r.phases().get(0).exportPowerMilliW());
        assertEquals("sdm630", r.protocolVersion());
    }

    @Test
    void nan_register_is_an_impossible_value_and_a_missing_one_is_truncated() {
        Map<Integer, Integer> w = sdm630Words();
        putFloat(w, 0x0048, Float.NaN);
        DecodeException nan =
                assertThrows(DecodeException.class, () -> RegisterDecoder.decode(RegisterMap.sdm630(), w, null));
        assertEquals(Kind.IMPOSSIBLE_VALUE, nan.kind());
        assertEquals("1-0:1.8.0", nan.field());
        Map<Integer, Integer> missing = sdm630Words();
        missing.remove(0x004B);
        assertEquals(
                Kind.TRUNCATED,
                assertThrows(DecodeException.class, () -> RegisterDecoder.decode(RegisterMap.sdm630(), missing, null))
                        .kind());
    }

    @Test
    void reads_an_sdm120_over_modbus_tcp_from_a_j2mod_slave() throws Exception {
        Map<Integer, Integer> words = new HashMap<>();
        for (RegisterMap.Entry e : RegisterMap.sdm120().entries()) {
            putFloat(words, e.address(), 0f);
        }
        putFloat(words, 0x0000, 231.4f);
        putFloat(words, 0x000C, 812.25f);
        putFloat(words, 0x0048, 3021.116f);
        putFloat(words, 0x004A, 17.5f);
        SimpleProcessImage image = new SimpleProcessImage(1);
        for (int a = 0; a <= 0x0160; a++) {
            image.addInputRegister(new SimpleInputRegister(words.getOrDefault(a, 0)));
        }
        int port;
        try (ServerSocket probe = new ServerSocket(0)) {
            port = probe.getLocalPort();
        }
        ModbusSlave slave = ModbusSlaveFactory.createTCPSlave(InetAddress.getLoopbackAddress(), port, 2, false);
        slave.addProcessImage(1, image);
        slave.open();
        ModbusTCPMaster master = new ModbusTCPMaster("127.0.0.1", port, 2_000, false);
        try {
            master.connect();
            NormalizedReading r = new ModbusMeterReader(master, 1, RegisterMap.sdm120(), "SDM120-7").read();
            assertEquals(3_021_116_000L, r.importMilliWh());
            assertEquals(17_500_000L, r.exportMilliWh());
            assertEquals(812_250L, r.powerMilliW());
            assertEquals(231_400L, r.phases().get(0).voltageMilliV());
            assertEquals("SDM120-7", r.meterId());
        } finally {
            master.disconnect();
            ModbusSlaveFactory.close(slave);
        }
    }
}
