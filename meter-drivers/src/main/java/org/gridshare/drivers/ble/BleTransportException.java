package org.gridshare.drivers.ble;

import java.io.IOException;

/** The BLE transport failed: which adapter, during which operation, and the underlying cause. */
public final class BleTransportException extends IOException {

    private final String adapter;
    private final String operation;

    public BleTransportException(String adapter, String operation, String message, Throwable cause) {
        super("BLE adapter " + adapter + ", " + operation + ": " + message, cause);
        this.adapter = adapter;
        this.operation = operation;
    }

    /** The adapter's name ({@code hci0}). */
    public String adapter() {
        return adapter;
    }

    /** What was being done ({@code StartDiscovery}, {@code SetDiscoveryFilter}, {@code connect}). */
    public String operation() {
        return operation;
    }
}
