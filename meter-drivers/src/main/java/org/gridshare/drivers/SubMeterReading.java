package org.gridshare.drivers;

import java.time.OffsetDateTime;

/**
 * A gas, water or heat meter read through the electricity meter (DSMR M-Bus channel 1-4).
 *
 * @param channel the M-Bus channel (the B field of its OBIS codes)
 * @param deviceType the M-Bus device type as sent (003 gas, 007 water, 004 heat), or null
 * @param equipmentId the equipment identifier (decoded from hex when it is printable ASCII), or null
 * @param capturedAt when the sub-meter's value was captured, or null when not sent or not valid
 * @param value the value as sent, or null when the channel carries no value
 */
public record SubMeterReading(
        int channel, String deviceType, String equipmentId, OffsetDateTime capturedAt, ObisValue value) {}
