package org.gridshare.agent.config;

import java.time.Duration;
import org.gridshare.agent.meter.ModbusMeterSource;
import org.gridshare.drivers.serial.SerialSettings;

/**
 * The {@code meter} section, typed, every default filled in. The S0 inputs are there for every type:
 * the agent claims them on Pi4J's mock platform when the meter is read another way. The other types
 * carry the settings of the source {@code MeterSources} opens.
 */
public record MeterConfig(String type, S0Inputs s0, Source source) {

    /** True for the S0 types, read through GPIO. */
    public boolean usesGpio() {
        return source == null;
    }

    /** The S0 pulse inputs; {@code exportGpio} is -1 for an import-only meter. */
    public record S0Inputs(
            boolean simulated,
            int importGpio,
            int exportGpio,
            long impulsesPerKWh,
            Duration debounce,
            long simulatedPulsesPerSecond,
            long simulatedExportPulsesPerSecond) {}

    /** How long without a decodable frame the meter is failed, and how far its clock may be off. */
    public record Health(Duration staleAfter, Duration maxClockSkew) {}

    /** A meter read over serial, Modbus or BLE. */
    public sealed interface Source permits Dsmr, Sml, Iec, ModbusTcp, ModbusRtu, Bthome {
        Health health();
    }

    /** DSMR P1 (plain, or Luxembourg Smarty with its key: 32 hex digits). */
    public record Dsmr(String port, SerialSettings line, String smartyKey, Health health) implements Source {}

    /** SML push. */
    public record Sml(String port, SerialSettings line, Health health) implements Source {}

    /** IEC 62056-21: mode D push, or readout (mode C) with a timeout for the whole request. */
    public record Iec(String port, SerialSettings line, boolean readout, Duration readoutTimeout, Health health)
            implements Source {}

    public record ModbusTcp(
            String host, int tcpPort, Duration timeout, int unitId, ModbusMeterSource.Model model, Health health)
            implements Source {}

    public record ModbusRtu(
            String port,
            SerialSettings line,
            Duration timeout,
            int unitId,
            ModbusMeterSource.Model model,
            Health health)
            implements Source {}

    /** A BTHome BLE device ({@code bindKey} null when it does not encrypt). */
    public record Bthome(String adapter, String address, String bindKey, Health health) implements Source {}
}
