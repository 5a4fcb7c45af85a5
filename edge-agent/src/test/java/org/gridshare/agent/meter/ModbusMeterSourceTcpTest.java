package org.gridshare.agent.meter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.ghgande.j2mod.modbus.procimg.SimpleInputRegister;
import com.ghgande.j2mod.modbus.procimg.SimpleProcessImage;
import com.ghgande.j2mod.modbus.procimg.SimpleRegister;
import com.ghgande.j2mod.modbus.slave.ModbusSlave;
import com.ghgande.j2mod.modbus.slave.ModbusSlaveFactory;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import org.gridshare.drivers.DecodeException;
import org.gridshare.drivers.health.MeterHealth;
import org.gridshare.drivers.serial.JSerialCommPorts;
import org.gridshare.protocol.MeterStatus;
import org.junit.jupiter.api.Test;

/**
 * Modbus meters polled over real Modbus TCP from j2mod's own slave (a real server in the test JVM):
 * an Eastron SDM630's input registers and a SunSpec meter's holding registers become exactly their
 * registers in mWh; a slave that goes away is a failed read (nothing signed) and is reconnected when it
 * is back; an impossible register value is a decode error, not a reading.
 */
class ModbusMeterSourceTcpTest {

    private static void putFloat(SimpleProcessImage image, int address, float value) {
        int bits = Float.floatToIntBits(value);
        image.setInputRegister(address, new SimpleInputRegister(bits >>> 16));
        image.setInputRegister(address + 1, new SimpleInputRegister(bits & 0xFFFF));
    }

    private static SimpleProcessImage sdm630() {
        SimpleProcessImage image = new SimpleProcessImage(1);
        for (int a = 0; a <= 0x0160; a++) {
            image.addInputRegister(new SimpleInputRegister(0));
        }
        putFloat(image, 0x0000, 230.1f);
        putFloat(image, 0x000C, -1234.5f);
        putFloat(image, 0x0034, -1234.5f); // total system power: exporting 1234.5 W
        putFloat(image, 0x0048, 12345.678f); // import kWh, as the meter displays it
        putFloat(image, 0x004A, 0.5f);
        return image;
    }

    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private static ModbusSlave serve(int port, SimpleProcessImage image) throws Exception {
        ModbusSlave slave = ModbusSlaveFactory.createTCPSlave(InetAddress.getLoopbackAddress(), port, 2, false);
        slave.addProcessImage(1, image);
        slave.open();
        return slave;
    }

    private static Map<String, Object> config(int port, String model) {
        Map<String, Object> m = new HashMap<>();
        m.put("type", "modbus-tcp");
        m.put("host", "127.0.0.1");
        m.put("tcpPort", (long) port);
        m.put("model", model);
        m.put("timeoutMs", 1_000L);
        return m;
    }

    @Test
    void polls_an_sdm630_and_reconnects_after_the_slave_was_gone() throws Exception {
        int port = freePort();
        SimpleProcessImage image = sdm630();
        ModbusSlave slave = serve(port, image);
        try (ModbusMeterSource source = (ModbusMeterSource) MeterSources.open(
                MeterSections.of(config(port, "sdm630")), new JSerialCommPorts(), Clock.systemUTC())) {
            assertEquals(new Measurement(12_345_678_000L, 500_000L, -1_234_500L, MeterStatus.OK), source.read());
            putFloat(image, 0x0048, 12345.679f);
            assertEquals(12_345_679_000L, source.read().importMilliWh(), "every read polls the meter anew");

            ModbusSlaveFactory.close(slave);
            MeterReadException gone = assertThrows(MeterReadException.class, source::read);
            assertEquals(MeterReadException.Reason.TRANSPORT, gone.reason());

            slave = serve(port, image);
            assertEquals(12_345_679_000L, source.read().importMilliWh(), "connected again on the next read");
            assertTrue(source.stats().reopens() >= 1, source.stats().toString());
            assertEquals(MeterHealth.State.OK, source.stats().health());

            putFloat(image, 0x004A, Float.NaN);
            MeterReadException nan = assertThrows(MeterReadException.class, source::read);
            assertEquals(MeterReadException.Reason.DECODE, nan.reason());
            assertEquals(1L, source.stats().decodeErrors().get(DecodeException.Kind.IMPOSSIBLE_VALUE));
        } finally {
            ModbusSlaveFactory.close(slave);
        }
    }

    @Test
    void reads_the_meter_model_of_a_sunspec_device() throws Exception {
        int[] r = new int[40_200];
        r[40_000] = 0x5375; // "SunS"
        r[40_001] = 0x6E53;
        r[40_002] = 1; // common model, 66 words, left empty
        r[40_003] = 66;
        int a = 40_004 + 66;
        r[a] = 201; // single-phase meter, 105 words
        r[a + 1] = 105;
        int m = a + 2;
        r[m + 16] = 1520; // W: importing 1520 W
        r[m + 20] = 0; // W_SF
        r[m + 36] = 0; // TotWhExp 12345 (acc32) ...
        r[m + 37] = 12_345;
        r[m + 44] = 987_654 >>> 16; // TotWhImp
        r[m + 45] = 987_654 & 0xFFFF;
        r[m + 52] = 1; // ... both x10 Wh
        r[m + 103] = 0xFFFF; // Evt not implemented
        r[m + 104] = 0xFFFF;
        r[m + 105] = 0xFFFF; // end of the chain
        SimpleProcessImage image = new SimpleProcessImage(1);
        for (int w : r) {
            image.addRegister(new SimpleRegister(w));
        }
        int port = freePort();
        ModbusSlave slave = serve(port, image);
        try (MeterSource source = MeterSources.open(
                MeterSections.of(config(port, "sunspec")), new JSerialCommPorts(), Clock.systemUTC())) {
            assertEquals(new Measurement(9_876_540_000L, 123_450_000L, 1_520_000L, MeterStatus.OK), source.read());
        } finally {
            ModbusSlaveFactory.close(slave);
        }
    }
}
