package org.gridshare.drivers.ble;

import java.util.Set;
import java.util.function.Consumer;

/**
 * Where BLE advertisements come from: a thin transport that scans and hands each advertisement carrying
 * one of the wanted service UUIDs to a sink. Decoding is the sink's business (e.g. the BTHome receiver).
 * {@link BluezAdvertisementSource} is the real one (BlueZ over D-Bus).
 */
public interface BleAdvertisementSource extends AutoCloseable {

    /**
     * Starts scanning for advertisements with service data for any of {@code serviceUuids} (128-bit, see
     * {@link BleAdvertisement#uuid16(int)}). The sink is called on the transport's thread, one advertisement
     * at a time; an exception from the sink is kept ({@link #sinkFailures()}) and never stops the scan.
     *
     * @throws BleTransportException when the adapter is missing, off or refuses to scan
     */
    void start(Set<String> serviceUuids, Consumer<BleAdvertisement> sink) throws BleTransportException;

    /** How many advertisements the sink threw on. */
    long sinkFailures();

    /** Stops scanning and releases the transport. */
    @Override
    void close() throws BleTransportException;
}
