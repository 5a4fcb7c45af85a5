package org.gridshare.agent.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.gridshare.agent.meter.ModbusMeterSource;
import org.gridshare.drivers.serial.SerialSettings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The meter section read into its typed form: each type's record, with the defaults of its protocol. */
class MeterConfigTest {
    @TempDir
    Path dir;

    private MeterConfig meter(String section) throws Exception {
        Path f = dir.resolve("agent.yaml");
        Files.writeString(f, """
        zone: zone-a
        chain: {chainId: 31337, verifyingContract: "0x5fbdb2315678afecb367f032d93f642f64180aa3"}
        mqtt: {serverUri: "tcp://127.0.0.1:1"}
        meter: %s
        """.formatted(section));
        return AgentConfig.load(f, Map.of()).meter();
    }

    @Test
    void s0_meters_have_no_source_and_carry_their_inputs() throws Exception {
        MeterConfig m = meter("{type: s0-simulated, exportGpio: 27, simulatedExportPulsesPerSecond: 3}");
        assertTrue(m.usesGpio());
        assertNull(m.source());
        assertEquals(new MeterConfig.S0Inputs(true, 17, 27, 1000, Duration.ofMillis(20), 2, 3), m.s0());
        assertEquals(-1, meter("{type: s0}").s0().exportGpio());
    }

    @Test
    void serial_meters_get_their_protocol_line_settings_unless_configured() throws Exception {
        MeterConfig.Dsmr dsmr = assertInstanceOf(
                MeterConfig.Dsmr.class,
                meter("{type: dsmr, port: /dev/ttyUSB0}").source());
        assertEquals(SerialSettings.DSMR5, dsmr.line());
        assertNull(dsmr.smartyKey());
        assertEquals(new MeterConfig.Health(Duration.ofSeconds(30), Duration.ofSeconds(60)), dsmr.health());
        MeterConfig.Dsmr old = assertInstanceOf(
                MeterConfig.Dsmr.class,
                meter("{type: dsmr, port: /dev/ttyUSB0, baud: 9600, dataBits: 7, parity: even}")
                        .source());
        assertEquals(new SerialSettings(9600, 7, SerialSettings.Parity.EVEN, 1), old.line());
        MeterConfig.Iec iec = assertInstanceOf(
                MeterConfig.Iec.class,
                meter("{type: iec62056-21, port: /dev/ttyUSB0, iecMode: readout}")
                        .source());
        assertTrue(iec.readout());
        assertEquals(Duration.ofSeconds(30), iec.readoutTimeout());
        assertEquals(SerialSettings.IEC_MODE_D, iec.line());
    }

    @Test
    void modbus_and_bthome_defaults() throws Exception {
        MeterConfig.ModbusTcp tcp = assertInstanceOf(
                MeterConfig.ModbusTcp.class,
                meter("{type: modbus-tcp, host: 10.0.0.5, model: sunspec}").source());
        assertEquals(502, tcp.tcpPort());
        assertEquals(1, tcp.unitId());
        assertEquals(Duration.ofSeconds(2), tcp.timeout());
        assertEquals(ModbusMeterSource.Model.SUNSPEC, tcp.model());
        MeterConfig.ModbusRtu rtu = assertInstanceOf(
                MeterConfig.ModbusRtu.class,
                meter("{type: modbus-rtu, port: /dev/ttyUSB0, model: sdm120, unitId: 7}")
                        .source());
        assertEquals(new SerialSettings(9600, 8, SerialSettings.Parity.NONE, 1), rtu.line());
        assertEquals(7, rtu.unitId());
        MeterConfig.Bthome ble = assertInstanceOf(
                MeterConfig.Bthome.class,
                meter("{type: bthome, address: \"A4:C1:38:00:00:01\"}").source());
        assertEquals("hci0", ble.adapter());
        assertNull(ble.bindKey());
    }
}
