package org.gridshare.drivers.ble;

import com.github.hypfvieh.bluetooth.wrapper.BluetoothAdapter;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.bluez.Adapter1;
import org.freedesktop.dbus.connections.impl.DBusConnection;
import org.freedesktop.dbus.connections.impl.DBusConnectionBuilder;
import org.freedesktop.dbus.exceptions.DBusException;
import org.freedesktop.dbus.exceptions.DBusExecutionException;
import org.freedesktop.dbus.interfaces.DBus;
import org.freedesktop.dbus.interfaces.ObjectManager;
import org.freedesktop.dbus.interfaces.Properties;
import org.freedesktop.dbus.messages.DBusSignal;
import org.freedesktop.dbus.types.Variant;

/**
 * BLE advertisements from BlueZ over D-Bus, through bluez-dbus: sets a discovery filter on the adapter
 * (the wanted service UUIDs, LE only, duplicates reported), starts discovery and listens to
 * {@code InterfacesAdded} (a device seen for the first time) and {@code PropertiesChanged} (new service
 * data or RSSI) signals of {@code org.bluez.Device1} objects under the adapter. Every signal that carries
 * service data for a wanted UUID becomes one {@link BleAdvertisement}.
 *
 * <p>BlueZ signals service data only when it changes; BTHome devices change a packet id with every new
 * measurement, so each measurement arrives once (repeats on air are merged by BlueZ or by the receiver's
 * packet-id check).
 */
public final class BluezAdvertisementSource implements BleAdvertisementSource {

    /** BlueZ's well-known bus name. */
    public static final String BLUEZ = "org.bluez";

    static final String DEVICE1 = "org.bluez.Device1";
    private static final String BUS_DRIVER = "org.freedesktop.DBus";
    /** BlueZ's documented device object path: {@code [prefix]/{hci0,...}/dev_XX_XX_XX_XX_XX_XX}. */
    private static final Pattern DEVICE_PATH = Pattern.compile("/dev_([0-9A-Fa-f]{2}(?:_[0-9A-Fa-f]{2}){5})$");

    private final DBusConnection connection;
    private final boolean ownsConnection;
    private final String adapterName;
    private final String adapterPath;
    private final Clock clock;
    /** Last RSSI per device object path (a PropertiesChanged signal may carry the data without it). */
    private final Map<String, Short> rssiByPath = new ConcurrentHashMap<>();

    private final Map<String, String> addressByPath = new ConcurrentHashMap<>();
    private final AtomicLong sinkFailures = new AtomicLong();
    private volatile Set<String> wanted = Set.of();
    private volatile Consumer<BleAdvertisement> sink;
    private Adapter1 adapter;
    private BluetoothAdapter wrapper;
    private Map<String, Variant<?>> filter;
    private final AtomicLong rearms = new AtomicLong();
    private volatile BleTransportException lastRearmError;
    private AutoCloseable addedHandler;
    private AutoCloseable changedHandler;
    private AutoCloseable ownerHandler;
    /** The unique bus name bluetoothd has now: only its signals count (any client could send look-alikes). */
    private volatile String bluezOwner;

    /**
     * Over an existing connection (the caller closes it; it should have one signal thread, dbus-java's
     * default, so that advertisements arrive in order).
     *
     * @param adapterName {@code hci0}
     */
    public BluezAdvertisementSource(DBusConnection connection, String adapterName, Clock clock) {
        this(connection, false, adapterName, clock);
    }

    private BluezAdvertisementSource(DBusConnection connection, boolean owns, String adapterName, Clock clock) {
        this.connection = Objects.requireNonNull(connection, "connection");
        this.ownsConnection = owns;
        if (!adapterName.matches("[A-Za-z0-9_]+")) {
            throw new IllegalArgumentException("adapter name like hci0 expected: '" + adapterName + "'");
        }
        this.adapterName = adapterName;
        this.adapterPath = "/org/bluez/" + adapterName;
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** On the system bus, where bluetoothd lives. */
    public static BluezAdvertisementSource onSystemBus(String adapterName, Clock clock) throws BleTransportException {
        return atAddress(null, adapterName, clock);
    }

    /** On the bus at {@code busAddress} ({@code unix:path=/run/dbus/system_bus_socket}); null for the system bus. */
    public static BluezAdvertisementSource atAddress(String busAddress, String adapterName, Clock clock)
            throws BleTransportException {
        try {
            DBusConnectionBuilder b = busAddress == null
                    ? DBusConnectionBuilder.forSystemBus()
                    : DBusConnectionBuilder.forAddress(busAddress);
            // one signal thread (dbus-java's default, made explicit): advertisements reach the sink in bus order,
            // which the receiver's packet-id de-duplication relies on
            return new BluezAdvertisementSource(
                    b.withShared(false)
                            .receivingThreadConfig()
                            .withSignalThreadCount(1)
                            .connectionConfig()
                            .build(),
                    true,
                    adapterName,
                    clock);
        } catch (DBusException | RuntimeException ex) {
            throw new BleTransportException(
                    adapterName,
                    "connect",
                    "cannot connect to D-Bus " + (busAddress == null ? "system bus" : busAddress) + ": "
                            + ex.getMessage(),
                    ex);
        }
    }

    @Override
    public synchronized void start(Set<String> serviceUuids, Consumer<BleAdvertisement> sink)
            throws BleTransportException {
        if (this.sink != null) {
            throw new IllegalStateException("already started");
        }
        this.wanted = serviceUuids.stream()
                .map(u -> u.toLowerCase(Locale.ROOT))
                .collect(java.util.stream.Collectors.toUnmodifiableSet());
        this.sink = Objects.requireNonNull(sink, "sink");
        String step = "getRemoteObject";
        try {
            adapter = connection.getRemoteObject(BLUEZ, adapterPath, Adapter1.class);
            wrapper = new BluetoothAdapter(adapter, adapterPath, connection);
            step = "addSigHandler";
            // handlers first, so nothing seen right after StartDiscovery is missed; D-Bus match rules take
            // unique names only, so the sender is checked against bluetoothd's current unique name
            ownerHandler = connection.addSigHandler(DBus.NameOwnerChanged.class, this::onNameOwnerChanged);
            addedHandler = connection.addSigHandler(ObjectManager.InterfacesAdded.class, this::onInterfacesAdded);
            changedHandler = connection.addSigHandler(Properties.PropertiesChanged.class, this::onPropertiesChanged);
            step = "GetNameOwner";
            bluezOwner = connection
                    .getRemoteObject(BUS_DRIVER, "/org/freedesktop/DBus", DBus.class)
                    .GetNameOwner(BLUEZ);
            filter = new LinkedHashMap<>();
            filter.put("UUIDs", new Variant<>(wanted.toArray(String[]::new)));
            filter.put("Transport", new Variant<>("le"));
            filter.put("DuplicateData", new Variant<>(Boolean.TRUE));
            step = "SetDiscoveryFilter";
            wrapper.setDiscoveryFilter(filter);
            step = "StartDiscovery";
            adapter.StartDiscovery();
        } catch (DBusException | DBusExecutionException ex) {
            removeHandlers();
            this.sink = null;
            throw new BleTransportException(adapterName, step, describe(ex), ex);
        }
    }

    @Override
    public long sinkFailures() {
        return sinkFailures.get();
    }

    @Override
    public synchronized void close() throws BleTransportException {
        BleTransportException failure = null;
        if (adapter != null && sink != null) {
            try {
                adapter.StopDiscovery();
            } catch (DBusException | DBusExecutionException ex) {
                failure = new BleTransportException(adapterName, "StopDiscovery", describe(ex), ex);
            }
        }
        removeHandlers();
        sink = null;
        if (ownsConnection) {
            connection.disconnect();
        }
        if (failure != null) {
            throw failure;
        }
    }

    private void removeHandlers() {
        for (AutoCloseable h : new AutoCloseable[] {addedHandler, changedHandler, ownerHandler}) {
            if (h != null) {
                try {
                    h.close();
                } catch (Exception ignored) {
                    // the connection may already be gone; nothing is left to undo then
                }
            }
        }
        addedHandler = null;
        changedHandler = null;
        ownerHandler = null;
    }

    private void onNameOwnerChanged(DBus.NameOwnerChanged s) {
        // only the bus itself announces owners: a look-alike from a client must not redirect us
        if (!BLUEZ.equals(s.name) || !BUS_DRIVER.equals(s.getSource())) {
            return;
        }
        String owner = s.newOwner == null || s.newOwner.isEmpty() ? null : s.newOwner;
        bluezOwner = owner;
        if (owner != null && sink != null) {
            // bluetoothd restarted: its discovery session died with the old instance; arm the new one, off the
            // signal thread (a method call from here would wait on the thread that delivers signals)
            Thread.ofVirtual().name("bluez-rearm").start(this::rearm);
        }
    }

    private synchronized void rearm() {
        if (sink == null) {
            return;
        }
        String step = "SetDiscoveryFilter";
        try {
            wrapper.setDiscoveryFilter(filter);
            step = "StartDiscovery";
            adapter.StartDiscovery();
            rearms.incrementAndGet();
            lastRearmError = null;
        } catch (DBusException | DBusExecutionException ex) {
            // e.g. the new bluetoothd has not powered the adapter yet: the devices' health goes FAILED by silence
            lastRearmError =
                    new BleTransportException(adapterName, step + " after bluetoothd restarted", describe(ex), ex);
        }
    }

    /** How often discovery was started again on a restarted bluetoothd. */
    public long rearms() {
        return rearms.get();
    }

    /** Why the last re-arm after a bluetoothd restart failed, or null. */
    public BleTransportException lastRearmError() {
        return lastRearmError;
    }

    private void onInterfacesAdded(ObjectManager.InterfacesAdded s) {
        String path = s.getSignalSource() == null ? null : s.getSignalSource().getPath();
        Map<String, Variant<?>> device =
                s.getInterfaces() == null ? null : s.getInterfaces().get(DEVICE1);
        if (!fromBluez(s) || path == null || device == null || !path.startsWith(adapterPath + "/")) {
            return;
        }
        if (device.get("Address") != null && device.get("Address").getValue() instanceof String a) {
            addressByPath.put(path, a);
        }
        deviceProperties(path, device);
    }

    private void onPropertiesChanged(Properties.PropertiesChanged s) {
        String path = s.getPath();
        if (!fromBluez(s)
                || !DEVICE1.equals(s.getInterfaceName())
                || path == null
                || !path.startsWith(adapterPath + "/")) {
            return;
        }
        deviceProperties(path, s.getPropertiesChanged());
    }

    private void deviceProperties(String path, Map<String, Variant<?>> props) {
        Variant<?> rssi = props.get("RSSI");
        if (rssi != null && rssi.getValue() instanceof Number n) {
            rssiByPath.put(path, n.shortValue());
        }
        Variant<?> data = props.get("ServiceData");
        if (data == null) {
            return;
        }
        Map<String, byte[]> wantedData = serviceData(data.getValue(), wanted);
        String address = addressByPath.computeIfAbsent(path, BluezAdvertisementSource::addressOfPath);
        if (wantedData.isEmpty() || address == null) {
            return;
        }
        BleAdvertisement ad = new BleAdvertisement(address, rssiByPath.get(path), wantedData, clock.instant());
        Consumer<BleAdvertisement> target = sink;
        if (target == null) {
            return;
        }
        try {
            target.accept(ad);
        } catch (RuntimeException ex) {
            // a bad sink must not end the scan: D-Bus would drop this handler's later signals with it
            sinkFailures.incrementAndGet();
        }
    }

    private boolean fromBluez(DBusSignal s) {
        String owner = bluezOwner;
        return owner != null && owner.equals(s.getSource());
    }

    /** The service data entries for wanted UUIDs out of BlueZ's {@code a{sv}} (each value an {@code ay}). */
    static Map<String, byte[]> serviceData(Object value, Set<String> wanted) {
        Map<String, byte[]> out = new LinkedHashMap<>();
        if (!(value instanceof Map<?, ?> map)) {
            return out;
        }
        for (Map.Entry<?, ?> e : map.entrySet()) {
            if (!(e.getKey() instanceof String uuid) || !wanted.contains(uuid.toLowerCase(Locale.ROOT))) {
                continue;
            }
            Object v = e.getValue() instanceof Variant<?> var ? var.getValue() : e.getValue();
            byte[] bytes = bytes(v);
            if (bytes != null) {
                out.put(uuid.toLowerCase(Locale.ROOT), bytes);
            }
        }
        return out;
    }

    private static byte[] bytes(Object v) {
        if (v instanceof byte[] b) {
            return b.clone();
        }
        if (v instanceof List<?> list) {
            byte[] b = new byte[list.size()];
            for (int i = 0; i < b.length; i++) {
                if (!(list.get(i) instanceof Byte x)) {
                    return null;
                }
                b[i] = x;
            }
            return b;
        }
        return null;
    }

    /** {@code /org/bluez/hci0/dev_54_48_E6_8F_80_A5} is {@code 54:48:E6:8F:80:A5}; null for other paths. */
    static String addressOfPath(String path) {
        Matcher m = DEVICE_PATH.matcher(path);
        return m.find() ? m.group(1).replace('_', ':').toUpperCase(Locale.ROOT) : null;
    }

    private static String describe(Exception ex) {
        return ex.getClass().getSimpleName() + ": " + ex.getMessage();
    }
}
