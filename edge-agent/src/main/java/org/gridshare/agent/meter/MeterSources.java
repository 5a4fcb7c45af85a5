package org.gridshare.agent.meter;

import com.ghgande.j2mod.modbus.Modbus;
import com.ghgande.j2mod.modbus.facade.AbstractModbusMaster;
import com.ghgande.j2mod.modbus.facade.ModbusSerialMaster;
import com.ghgande.j2mod.modbus.facade.ModbusTCPMaster;
import com.ghgande.j2mod.modbus.util.SerialParameters;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;
import org.gridshare.agent.config.AgentConfig;
import org.gridshare.drivers.StreamDecoder;
import org.gridshare.drivers.ble.BluezAdvertisementSource;
import org.gridshare.drivers.dsmr.DsmrStreamDecoder;
import org.gridshare.drivers.dsmr.SmartyDecryptor;
import org.gridshare.drivers.iec62056.IecStreamDecoder;
import org.gridshare.drivers.serial.JSerialCommPorts;
import org.gridshare.drivers.serial.SerialPorts;
import org.gridshare.drivers.serial.SerialSettings;
import org.gridshare.drivers.sml.SmlStreamDecoder;

/**
 * Opens the meter source the configuration's {@code meter.type} names, for every type but the S0
 * ones (which {@code AgentCommand} builds on Pi4J). Type-specific defaults live here, next to the
 * protocol they belong to; the schema in firmware-config has already checked every field's form.
 */
public final class MeterSources {
    private MeterSources() {}

    /** True for the S0 types, read through GPIO by Pi4J; false for every type {@link #open} serves. */
    public static boolean usesGpio(String type) {
        return type.equals("s0") || type.equals("s0-simulated");
    }

    /** Opens the configured non-S0 meter on the real transports (jSerialComm, j2mod, BlueZ). */
    public static MeterSource open(AgentConfig config, Clock clock) {
        return open(config.meter(), new JSerialCommPorts(), clock);
    }

    /** Opens the meter described by a validated {@code meter} section over {@code ports}. */
    public static MeterSource open(Map<String, Object> m, SerialPorts ports, Clock clock) {
        String type = (String) m.get("type");
        return switch (type) {
            case "dsmr" -> serialPush(m, ports, SerialSettings.DSMR5, dsmrDecoders(m), clock);
            case "sml" -> serialPush(m, ports, SerialSettings.SML, SmlStreamDecoder::new, clock);
            case "iec62056-21" ->
                "readout".equals(m.get("iecMode"))
                        ? new IecReadoutMeterSource(
                                ports,
                                port(m),
                                clock,
                                Duration.ofMillis(num(m, "timeoutMs", 30_000)),
                                staleAfter(m),
                                maxClockSkew(m))
                        : serialPush(m, ports, SerialSettings.IEC_MODE_D, IecStreamDecoder::new, clock);
            case "modbus-tcp" -> modbusTcp(m, clock);
            case "modbus-rtu" -> modbusRtu(m, clock);
            case "bthome" -> bthome(m, clock);
            default ->
                throw new IllegalArgumentException(
                        "meter type '" + type + "' is not opened here (S0 is read through Pi4J)");
        };
    }

    private static Duration staleAfter(Map<String, Object> m) {
        return Duration.ofMillis(num(m, "staleAfterMs", 30_000));
    }

    private static Duration maxClockSkew(Map<String, Object> m) {
        return Duration.ofMillis(num(m, "maxClockSkewMs", 60_000));
    }

    /** A meter that pushes frames on its serial line (DSMR/P1, SML, IEC 62056-21 mode D). */
    private static MeterSource serialPush(
            Map<String, Object> m,
            SerialPorts ports,
            SerialSettings defaults,
            Supplier<StreamDecoder> decoders,
            Clock clock) {
        return SerialPushMeterSource.start(
                ports,
                port(m),
                serial(m, defaults),
                decoders,
                clock,
                staleAfter(m),
                maxClockSkew(m),
                SerialPushMeterSource.Backoff.DEFAULT);
    }

    /** Plain P1 telegrams, or Smarty's encrypted ones when the section carries a {@code smartyKey}. */
    private static Supplier<StreamDecoder> dsmrDecoders(Map<String, Object> m) {
        String key = (String) m.get("smartyKey");
        return key == null
                ? DsmrStreamDecoder::plain
                : () -> DsmrStreamDecoder.encrypted(
                        new SmartyDecryptor(HexFormat.of().parseHex(key), SmartyDecryptor.DEFAULT_AUTHENTICATION_KEY));
    }

    private static MeterSource modbusTcp(Map<String, Object> m, Clock clock) {
        String host = (String) m.get("host");
        int tcpPort = (int) num(m, "tcpPort", Modbus.DEFAULT_PORT);
        int timeout = (int) num(m, "timeoutMs", 2_000);
        int unit = (int) num(m, "unitId", 1);
        return new ModbusMeterSource(
                () -> new ModbusTCPMaster(host, tcpPort, timeout, false),
                host + ":" + tcpPort + " unit " + unit,
                unit,
                model(m),
                clock,
                staleAfter(m));
    }

    private static MeterSource modbusRtu(Map<String, Object> m, Clock clock) {
        SerialSettings s = serial(m, new SerialSettings(9_600, 8, SerialSettings.Parity.NONE, 1));
        int timeout = (int) num(m, "timeoutMs", 2_000);
        int unit = (int) num(m, "unitId", 1);
        String port = port(m);
        return new ModbusMeterSource(
                () -> rtuMaster(port, s, timeout), port + " unit " + unit, unit, model(m), clock, staleAfter(m));
    }

    private static MeterSource bthome(Map<String, Object> m, Clock clock) {
        String adapter = (String) m.getOrDefault("adapter", "hci0");
        String key = (String) m.get("bindKey");
        return BthomeMeterSource.start(
                () -> BluezAdvertisementSource.onSystemBus(adapter, clock),
                (String) m.get("address"),
                key == null ? null : HexFormat.of().parseHex(key),
                clock,
                staleAfter(m),
                SerialPushMeterSource.Backoff.DEFAULT);
    }

    /** The configured line settings, each missing field taken from the protocol's {@code defaults}. */
    static SerialSettings serial(Map<String, Object> m, SerialSettings defaults) {
        SerialSettings.Parity parity = m.get("parity") == null
                ? defaults.parity()
                : SerialSettings.Parity.valueOf(((String) m.get("parity")).toUpperCase(Locale.ROOT));
        return new SerialSettings(
                (int) num(m, "baud", defaults.baud()), (int) num(m, "dataBits", defaults.dataBits()), parity, (int)
                        num(m, "stopBits", defaults.stopBits()));
    }

    private static AbstractModbusMaster rtuMaster(String port, SerialSettings s, int timeout) {
        String device;
        try {
            device = SerialPushMeterSource.devicePath(port);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        int parity = switch (s.parity()) {
            case NONE -> 0;
            case ODD -> 1;
            case EVEN -> 2;
        }; // jSerialComm's NO_PARITY, ODD_PARITY, EVEN_PARITY, as j2mod expects them
        SerialParameters p = new SerialParameters(device, s.baud(), 0, 0, s.dataBits(), s.stopBits(), parity, false);
        p.setEncoding(Modbus.SERIAL_ENCODING_RTU);
        return new ModbusSerialMaster(p, timeout);
    }

    private static ModbusMeterSource.Model model(Map<String, Object> m) {
        return ModbusMeterSource.Model.valueOf(((String) m.get("model")).toUpperCase(Locale.ROOT));
    }

    private static String port(Map<String, Object> m) {
        return (String) m.get("port");
    }

    private static long num(Map<String, Object> m, String key, long dflt) {
        Object v = m.get(key);
        return v == null ? dflt : ((Number) v).longValue();
    }
}
