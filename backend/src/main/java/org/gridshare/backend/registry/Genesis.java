package org.gridshare.backend.registry;

/**
 * Where a meter's reading chain starts, as its registration records it (MeterRegistry v2
 * {@code genesisOf(meter)}, from the {@code MeterBinding} both the meter key and the household signed):
 * the first reading the backend accepts from the meter must have {@code seq == seq} and registers at or
 * above these. uint64 values held in longs, compared unsigned.
 *
 * @param seq the first seq the registration covers
 * @param importMilliWh the import register at commissioning
 * @param exportMilliWh the export register at commissioning
 */
public record Genesis(long seq, long importMilliWh, long exportMilliWh) {}
