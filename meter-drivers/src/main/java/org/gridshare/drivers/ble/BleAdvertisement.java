package org.gridshare.drivers.ble;

import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * One BLE advertisement as a scanner saw it: the advertiser's address, its signal strength, the service
 * data it carried and when it arrived.
 *
 * @param address the advertiser's address, upper case with colons ({@code 54:48:E6:8F:80:A5})
 * @param rssi received signal strength in dBm, or null when the scanner did not report one
 * @param serviceData service data by 128-bit service UUID, lower case
 *     ({@code 0000fcd2-0000-1000-8000-00805f9b34fb}); the bytes after the UUID, as on air
 * @param receivedAt when the advertisement was received, from the transport's clock
 */
public record BleAdvertisement(String address, Short rssi, Map<String, byte[]> serviceData, Instant receivedAt) {

    /** The Bluetooth base UUID that 16-bit service UUIDs are short forms of. */
    private static final String BASE_UUID_TAIL = "-0000-1000-8000-00805f9b34fb";

    public BleAdvertisement {
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(receivedAt, "receivedAt");
        address = address.toUpperCase(Locale.ROOT);
        Map<String, byte[]> copy = new LinkedHashMap<>();
        serviceData.forEach((uuid, bytes) -> copy.put(uuid.toLowerCase(Locale.ROOT), bytes.clone()));
        serviceData = Collections.unmodifiableMap(copy);
    }

    /** The 128-bit form of a 16-bit service UUID: {@code 0xFCD2} is {@code 0000fcd2-0000-1000-8000-00805f9b34fb}. */
    public static String uuid16(int shortUuid) {
        if (shortUuid < 0 || shortUuid > 0xFFFF) {
            throw new IllegalArgumentException("not a 16-bit UUID: " + shortUuid);
        }
        return String.format("0000%04x", shortUuid) + BASE_UUID_TAIL;
    }
}
