package org.gridshare.agent.meter;

/**
 * One decoded meter value set, before signing: cumulative registers in milliwatt-hours, power in
 * milliwatts (import positive, export negative) and {@link org.gridshare.protocol.MeterStatus} bits.
 */
public record Measurement(long importMilliWh, long exportMilliWh, long powerMilliW, long status) {}
