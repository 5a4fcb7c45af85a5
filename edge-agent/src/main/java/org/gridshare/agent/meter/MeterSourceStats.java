package org.gridshare.agent.meter;

import java.util.Map;
import org.gridshare.drivers.DecodeException;
import org.gridshare.drivers.health.MeterHealth;

/**
 * What a decoding meter source has seen since it started.
 *
 * @param health the debounced meter health (FAILED after the staleness limit without a good frame)
 * @param bytesReceived bytes read from a serial port (0 for Modbus and BLE)
 * @param frames frames decoded (a Modbus poll or BLE advertisement counts as one)
 * @param decodeErrors frames that did not decode, by kind (CORRUPT is line noise, MALFORMED a wrong protocol or key)
 * @param incomplete frames that decoded but were not signed: a register missing, or a frame without checksum
 *     that the frame before it does not confirm
 * @param skippedBytes bytes outside any frame
 * @param reopens times the port, connection or adapter was opened again after a failure
 * @param lastError the most recent decode or transport error, or null
 */
public record MeterSourceStats(
        MeterHealth.State health,
        long bytesReceived,
        long frames,
        Map<DecodeException.Kind, Long> decodeErrors,
        long incomplete,
        long skippedBytes,
        long reopens,
        String lastError) {

    /** All decode errors, whatever their kind. */
    public long decodeErrorCount() {
        return decodeErrors.values().stream().mapToLong(Long::longValue).sum();
    }
}
