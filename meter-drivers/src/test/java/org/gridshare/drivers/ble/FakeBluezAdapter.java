package org.gridshare.drivers.ble;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.bluez.Adapter1;
import org.bluez.exceptions.BluezFailedException;
import org.bluez.exceptions.BluezInProgressException;
import org.bluez.exceptions.BluezNotReadyException;
import org.freedesktop.dbus.DBusPath;
import org.freedesktop.dbus.connections.impl.DBusConnection;
import org.freedesktop.dbus.connections.impl.DBusConnectionBuilder;
import org.freedesktop.dbus.exceptions.DBusException;
import org.freedesktop.dbus.interfaces.ObjectManager;
import org.freedesktop.dbus.interfaces.Properties;
import org.freedesktop.dbus.types.Variant;

/**
 * BlueZ's side of the bus, for tests on a machine without a Bluetooth controller (no kernel Bluetooth,
 * so no bluetoothd): owns {@code org.bluez} on a real dbus-daemon, exports {@code org.bluez.Adapter1} at
 * {@code /org/bluez/<adapter>} (bluez-dbus's own interface definition), records the calls made to it and
 * emits the signals bluetoothd emits for advertisements: {@code InterfacesAdded} from {@code /} for a new
 * {@code Device1} and {@code PropertiesChanged} on the device for new service data or RSSI.
 */
public final class FakeBluezAdapter implements Adapter1, AutoCloseable {

    public final List<String> calls = new CopyOnWriteArrayList<>();
    public volatile Map<String, Variant<?>> filter;
    public volatile boolean notReady;
    private final DBusConnection connection;
    private final String path;

    private FakeBluezAdapter(DBusConnection connection, String path) {
        this.connection = connection;
        this.path = path;
    }

    /** Connects to the bus, exports the adapter and then takes the name {@code org.bluez}, as bluetoothd does. */
    public static FakeBluezAdapter export(String busAddress, String adapterName) throws DBusException {
        DBusConnection c =
                DBusConnectionBuilder.forAddress(busAddress).withShared(false).build();
        FakeBluezAdapter a = new FakeBluezAdapter(c, "/org/bluez/" + adapterName);
        c.exportObject(a.path, a);
        c.requestBusName(BluezAdvertisementSource.BLUEZ);
        return a;
    }

    /** Another client on the bus that does not own {@code org.bluez} but sends the same signals (must be ignored). */
    public static FakeBluezAdapter impostor(String busAddress) throws DBusException {
        return new FakeBluezAdapter(
                DBusConnectionBuilder.forAddress(busAddress).withShared(false).build(), "/org/bluez/hci0");
    }

    /** A device path under this adapter for {@code address}. */
    public String devicePath(String address) {
        return path + "/dev_" + address.replace(':', '_');
    }

    /** bluetoothd's signal for a device seen for the first time. */
    public void deviceAdded(String devicePath, String address, Short rssi, Map<String, byte[]> serviceData)
            throws DBusException {
        Map<String, Variant<?>> device = new java.util.LinkedHashMap<>();
        device.put("Address", new Variant<>(address));
        device.put("AddressType", new Variant<>("public"));
        if (rssi != null) {
            device.put("RSSI", new Variant<>(rssi));
        }
        if (serviceData != null) {
            device.put("ServiceData", serviceDataVariant(serviceData));
        }
        connection.sendMessage(
                new ObjectManager.InterfacesAdded("/", new DBusPath(devicePath), Map.of("org.bluez.Device1", device)));
    }

    /** bluetoothd's signal for changed properties of a known device. */
    public void propertiesChanged(String devicePath, Short rssi, Map<String, byte[]> serviceData) throws DBusException {
        Map<String, Variant<?>> changed = new java.util.LinkedHashMap<>();
        if (rssi != null) {
            changed.put("RSSI", new Variant<>(rssi));
        }
        if (serviceData != null) {
            changed.put("ServiceData", serviceDataVariant(serviceData));
        }
        connection.sendMessage(new Properties.PropertiesChanged(devicePath, "org.bluez.Device1", changed, List.of()));
    }

    /** Any signal, from this connection (to play a client that imitates the bus or bluetoothd). */
    public void send(org.freedesktop.dbus.messages.DBusSignal signal) {
        connection.sendMessage(signal);
    }

    /** This connection's unique bus name ({@code :1.42}). */
    public String uniqueName() {
        return connection.getUniqueName();
    }

    private static Variant<?> serviceDataVariant(Map<String, byte[]> serviceData) {
        Map<String, Variant<?>> m = new java.util.LinkedHashMap<>();
        serviceData.forEach((uuid, bytes) -> m.put(uuid, new Variant<>(bytes)));
        return new Variant<>(m, "a{sv}");
    }

    @Override
    public void StartDiscovery() throws BluezNotReadyException, BluezFailedException, BluezInProgressException {
        calls.add("StartDiscovery");
        if (notReady) {
            throw new BluezNotReadyException("Resource Not Ready");
        }
    }

    @Override
    public void StopDiscovery() {
        calls.add("StopDiscovery");
    }

    @Override
    public void RemoveDevice(DBusPath device) {
        calls.add("RemoveDevice");
    }

    @Override
    public void SetDiscoveryFilter(Map<String, Variant<?>> newFilter) {
        calls.add("SetDiscoveryFilter");
        filter = newFilter;
    }

    @Override
    public String[] GetDiscoveryFilters() {
        return new String[] {"UUIDs", "RSSI", "Pathloss", "Transport", "DuplicateData"};
    }

    @Override
    public DBusPath ConnectDevice(Map<String, Variant<?>> properties) {
        throw new UnsupportedOperationException("not needed for advertisements");
    }

    @Override
    public String getObjectPath() {
        return path;
    }

    @Override
    public void close() {
        connection.disconnect();
    }
}
