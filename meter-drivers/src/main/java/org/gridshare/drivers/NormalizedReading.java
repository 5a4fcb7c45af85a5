package org.gridshare.drivers;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * One decoded meter frame, the same shape for every protocol.
 *
 * @param protocol "dsmr", "sml", "iec62056-21" or "bthome"
 * @param protocolVersion the version the frame announces ("5.0", "e-MUCS 1.7.1", "2.2/3"), or null
 * @param meterId the meter's identifier, or null when the frame has none
 * @param timestamp the meter's own clock with its offset, or null when the frame has none or no zone
 * @param importMilliWh cumulative import: the sum of the import tariff registers 1.8.1..1.8.9, or 1.8.0
 *     when no tariff register is sent; null when neither is present
 * @param exportMilliWh cumulative export, from 2.8.x in the same way; null when absent
 * @param powerMilliW instantaneous import power 1.7.0 minus export power 2.7.0; null when absent
 * @param phases per-phase values where present (empty when none)
 * @param obis every value as sent, keyed by {@code A-B:C.D.E} in frame order
 * @param status flags about the meter and the frame
 * @param subMeters gas, water and heat meters on the M-Bus channels
 * @param powerFailures the long power failure log
 * @param textMessage the meter's text message, decoded, or null
 * @param authenticity the meter's public key and signatures as sent (SML), or null when the frame has none
 */
public record NormalizedReading(
        String protocol,
        String protocolVersion,
        String meterId,
        OffsetDateTime timestamp,
        Long importMilliWh,
        Long exportMilliWh,
        Long powerMilliW,
        List<PhaseReading> phases,
        Map<String, ObisValue> obis,
        Set<StatusFlag> status,
        List<SubMeterReading> subMeters,
        List<PowerFailure> powerFailures,
        String textMessage,
        MeterAuthenticity authenticity) {

    /** A reading without public key or signatures (every protocol but SML). */
    public NormalizedReading(
            String protocol,
            String protocolVersion,
            String meterId,
            OffsetDateTime timestamp,
            Long importMilliWh,
            Long exportMilliWh,
            Long powerMilliW,
            List<PhaseReading> phases,
            Map<String, ObisValue> obis,
            Set<StatusFlag> status,
            List<SubMeterReading> subMeters,
            List<PowerFailure> powerFailures,
            String textMessage) {
        this(
                protocol,
                protocolVersion,
                meterId,
                timestamp,
                importMilliWh,
                exportMilliWh,
                powerMilliW,
                phases,
                obis,
                status,
                subMeters,
                powerFailures,
                textMessage,
                null);
    }

    public NormalizedReading {
        Objects.requireNonNull(protocol, "protocol");
        phases = List.copyOf(phases);
        obis = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(obis));
        status = status.isEmpty() ? Set.of() : java.util.Collections.unmodifiableSet(java.util.EnumSet.copyOf(status));
        subMeters = List.copyOf(subMeters);
        powerFailures = List.copyOf(powerFailures);
    }
}
