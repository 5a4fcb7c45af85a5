package org.gridshare.agent.meter;

import com.ghgande.j2mod.modbus.Modbus;
import com.ghgande.j2mod.modbus.facade.AbstractModbusMaster;
import com.ghgande.j2mod.modbus.facade.ModbusSerialMaster;
import com.ghgande.j2mod.modbus.facade.ModbusTCPMaster;
import com.ghgande.j2mod.modbus.util.SerialParameters;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.function.Supplier;
import org.gridshare.agent.config.AgentConfig;
import org.gridshare.agent.config.MeterConfig;
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
 * ones (which {@code AgentRun} builds on Pi4J), from the typed {@link MeterConfig} (whose reader fills in
 * each protocol's defaults after the schema in firmware-config checked every field's form).
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

    /** Opens the meter the configuration's {@code meter} section describes over {@code ports}. */
    public static MeterSource open(MeterConfig m, SerialPorts ports, Clock clock) {
        SerialPushMeterSource.Backoff backoff = SerialPushMeterSource.Backoff.DEFAULT;
        if (m.source() == null) {
            throw new IllegalArgumentException(
                    "meter type '" + m.type() + "' is not opened here (S0 is read through Pi4J)");
        }
        Duration staleAfter = m.source().health().staleAfter();
        Duration skew = m.source().health().maxClockSkew();
        return switch (m.source()) {
            case MeterConfig.Dsmr d -> {
                String key = d.smartyKey();
                Supplier<StreamDecoder> decoders = key == null
                        ? DsmrStreamDecoder::plain
                        : () -> DsmrStreamDecoder.encrypted(new SmartyDecryptor(
                                HexFormat.of().parseHex(key), SmartyDecryptor.DEFAULT_AUTHENTICATION_KEY));
                yield SerialPushMeterSource.start(
                        ports, d.port(), d.line(), decoders, clock, staleAfter, skew, backoff);
            }
            case MeterConfig.Sml sml ->
                SerialPushMeterSource.start(
                        ports, sml.port(), sml.line(), SmlStreamDecoder::new, clock, staleAfter, skew, backoff);
            case MeterConfig.Iec iec ->
                iec.readout()
                        ? new IecReadoutMeterSource(ports, iec.port(), clock, iec.readoutTimeout(), staleAfter, skew)
                        : SerialPushMeterSource.start(
                                ports, iec.port(), iec.line(), IecStreamDecoder::new, clock, staleAfter, skew, backoff);
            case MeterConfig.ModbusTcp tcp -> {
                String host = tcp.host();
                int tcpPort = tcp.tcpPort();
                int timeout = (int) tcp.timeout().toMillis();
                yield new ModbusMeterSource(
                        () -> new ModbusTCPMaster(host, tcpPort, timeout, false),
                        host + ":" + tcpPort + " unit " + tcp.unitId(),
                        tcp.unitId(),
                        tcp.model(),
                        clock,
                        staleAfter);
            }
            case MeterConfig.ModbusRtu rtu -> {
                SerialSettings s = rtu.line();
                int timeout = (int) rtu.timeout().toMillis();
                String port = rtu.port();
                yield new ModbusMeterSource(
                        () -> rtuMaster(port, s, timeout),
                        port + " unit " + rtu.unitId(),
                        rtu.unitId(),
                        rtu.model(),
                        clock,
                        staleAfter);
            }
            case MeterConfig.Bthome b -> {
                String adapter = b.adapter();
                String key = b.bindKey();
                yield BthomeMeterSource.start(
                        () -> BluezAdvertisementSource.onSystemBus(adapter, clock),
                        b.address(),
                        key == null ? null : HexFormat.of().parseHex(key),
                        clock,
                        staleAfter,
                        backoff);
            }
        };
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
}
