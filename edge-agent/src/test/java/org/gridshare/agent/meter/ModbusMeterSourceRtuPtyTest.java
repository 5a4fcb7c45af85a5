package org.gridshare.agent.meter;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.ghgande.j2mod.modbus.Modbus;
import com.ghgande.j2mod.modbus.procimg.SimpleInputRegister;
import com.ghgande.j2mod.modbus.procimg.SimpleProcessImage;
import com.ghgande.j2mod.modbus.slave.ModbusSlave;
import com.ghgande.j2mod.modbus.slave.ModbusSlaveFactory;
import com.ghgande.j2mod.modbus.util.SerialParameters;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import org.gridshare.drivers.serial.JSerialCommPorts;
import org.gridshare.protocol.MeterStatus;
import org.gridshare.testsupport.PtyPair;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Modbus RTU over a real pseudo-terminal pair (socat): j2mod's own RTU slave serves an Eastron SDM120's
 * input registers on one end (unit 7, 9600 8N1), the agent's source polls the other through j2mod's
 * RTU master and jSerialComm.
 */
class ModbusMeterSourceRtuPtyTest {
    @TempDir
    Path dir;

    @Test
    void polls_an_sdm120_over_modbus_rtu_on_a_pty() throws Exception {
        SimpleProcessImage image = new SimpleProcessImage(7);
        for (int a = 0; a <= 0x0160; a++) {
            image.addInputRegister(new SimpleInputRegister(0));
        }
        putFloat(image, 0x000C, 812.25f); // active power W
        putFloat(image, 0x0048, 3021.116f); // import kWh
        putFloat(image, 0x004A, 17.5f); // export kWh
        try (PtyPair pty = PtyPair.linked(dir.resolve("meter"), dir.resolve("rs485"))) {
            SerialParameters sp =
                    new SerialParameters(SerialPushMeterSource.devicePath(pty.a), 9600, 0, 0, 8, 1, 0, false);
            sp.setEncoding(Modbus.SERIAL_ENCODING_RTU);
            ModbusSlave slave = ModbusSlaveFactory.createSerialSlave(sp);
            slave.addProcessImage(7, image);
            slave.open();
            Map<String, Object> m = new HashMap<>();
            m.put("type", "modbus-rtu");
            m.put("port", pty.b);
            m.put("model", "sdm120");
            m.put("unitId", 7L);
            m.put("timeoutMs", 2_000L);
            try (MeterSource source =
                    MeterSources.open(MeterSections.of(m), new JSerialCommPorts(), Clock.systemUTC())) {
                assertEquals(new Measurement(3_021_116_000L, 17_500_000L, 812_250L, MeterStatus.OK), source.read());
            } finally {
                ModbusSlaveFactory.close(slave);
            }
        }
    }

    private static void putFloat(SimpleProcessImage image, int address, float value) {
        int bits = Float.floatToIntBits(value);
        image.setInputRegister(address, new SimpleInputRegister(bits >>> 16));
        image.setInputRegister(address + 1, new SimpleInputRegister(bits & 0xFFFF));
    }
}
