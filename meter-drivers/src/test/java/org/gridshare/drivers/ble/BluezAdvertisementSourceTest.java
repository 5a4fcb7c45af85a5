package org.gridshare.drivers.ble;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.gridshare.drivers.DecodeException;
import org.gridshare.drivers.StatusFlag;
import org.gridshare.drivers.bthome.BthomeReceiver;
import org.gridshare.drivers.health.MeterHealth;
import org.gridshare.testsupport.Await;
import org.gridshare.testsupport.TestClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The real bluez-dbus / dbus-java client path over a real private dbus-daemon. BlueZ's side is
 * {@link FakeBluezAdapter}: this machine has no Bluetooth controller and no kernel Bluetooth, so no real
 * bluetoothd can run; the signals it sends are those bluetoothd documents for advertisements.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class BluezAdvertisementSourceTest {

    private static final String FCD2 = BthomeReceiver.SERVICE_UUID;
    private static final String METER = "A4:C1:38:8D:18:B2";
    private static final String SHELLY = "54:48:E6:8F:80:A5";
    private static final byte[] SHELLY_KEY = HexFormat.of().parseHex("231d39c1d7cc1ab1aee224cd096db932");

    /** Collects what the receiver hands out. */
    static final class Collected implements BthomeReceiver.Listener {
        final List<BthomeReceiver.Reading> readings = new CopyOnWriteArrayList<>();
        final List<BthomeReceiver.Rejected> rejected = new CopyOnWriteArrayList<>();

        @Override
        public void reading(BthomeReceiver.Reading r) {
            readings.add(r);
        }

        @Override
        public void rejected(BthomeReceiver.Rejected r) {
            rejected.add(r);
        }
    }

    private PrivateDbusDaemon bus;
    private FakeBluezAdapter bluez;
    private final TestClock clock = TestClock.at(1_760_000_000_000L);

    @BeforeEach
    void startBus() throws Exception {
        bus = PrivateDbusDaemon.start();
    }

    @AfterEach
    void stopBus() throws Exception {
        if (bluez != null) {
            bluez.close();
        }
        if (bus != null) {
            bus.close();
        }
    }

    /** BTHome v2, plain: packet id, energy (0x0A, kWh × 1000) and power (0x0B, W × 100). */
    private static byte[] bthome(int packetId, int energyWh, int powerCentiW) {
        return new byte[] {
            0x40,
            0x00,
            (byte) packetId,
            0x0A,
            (byte) energyWh,
            (byte) (energyWh >> 8),
            (byte) (energyWh >> 16),
            0x0B,
            (byte) powerCentiW,
            (byte) (powerCentiW >> 8),
            (byte) (powerCentiW >> 16)
        };
    }

    @Test
    void bthome_advertisements_from_bluez_signals_become_readings_once_per_packet_id() throws Exception {
        bluez = FakeBluezAdapter.export(bus.address, "hci0");
        Collected got = new Collected();
        BthomeReceiver receiver = new BthomeReceiver(
                List.of(new BthomeReceiver.Device(METER, null)), got, clock, 3, Duration.ofMinutes(1));
        try (BluezAdvertisementSource source = BluezAdvertisementSource.atAddress(bus.address, "hci0", clock)) {
            assertEquals(MeterHealth.State.UNKNOWN, receiver.health(METER));
            source.start(Set.of(FCD2), receiver);
            assertEquals(List.of("SetDiscoveryFilter", "StartDiscovery"), bluez.calls);
            assertEquals(
                    List.of(FCD2),
                    bluez.filter.get("UUIDs").getValue(),
                    "the filter BlueZ received: UUIDs as an array of strings");
            assertEquals("le", bluez.filter.get("Transport").getValue());
            assertEquals(Boolean.TRUE, bluez.filter.get("DuplicateData").getValue());

            String dev = bluez.devicePath(METER);
            bluez.deviceAdded(dev, METER, (short) -71, Map.of(FCD2, bthome(1, 1_346_067, 6_914)));
            Await.until("first reading", Duration.ofSeconds(10), () -> got.readings.size() == 1);
            BthomeReceiver.Reading first = got.readings.get(0);
            assertEquals(METER, first.address());
            assertEquals(Short.valueOf((short) -71), first.rssi());
            assertEquals(clock.instant(), first.receivedAt());
            assertEquals(1_346_067_000L, first.reading().importMilliWh());
            assertEquals(69_140L, first.reading().powerMilliW());
            assertEquals(MeterHealth.State.OK, receiver.health(METER));

            // the same measurement again (a repeat on air that BlueZ passed on), then RSSI alone, then a new packet
            bluez.propertiesChanged(dev, (short) -60, Map.of(FCD2, bthome(1, 1_346_067, 6_914)));
            bluez.propertiesChanged(dev, (short) -58, null);
            bluez.propertiesChanged(dev, null, Map.of(FCD2, bthome(2, 1_346_070, 7_000)));
            Await.until("second reading", Duration.ofSeconds(10), () -> got.readings.size() == 2);
            assertEquals(1, receiver.duplicates(METER));
            BthomeReceiver.Reading second = got.readings.get(1);
            assertEquals(1_346_070_000L, second.reading().importMilliWh());
            assertEquals(Short.valueOf((short) -58), second.rssi(), "the latest RSSI BlueZ reported for the device");
            assertTrue(got.rejected.isEmpty());
        }
        assertEquals(List.of("SetDiscoveryFilter", "StartDiscovery", "StopDiscovery"), bluez.calls);
    }

    @Test
    void bad_advertisements_are_kept_with_their_reason_and_make_the_device_degraded_then_silence_failed()
            throws Exception {
        bluez = FakeBluezAdapter.export(bus.address, "hci0");
        Collected got = new Collected();
        BthomeReceiver receiver = new BthomeReceiver(
                List.of(new BthomeReceiver.Device(METER, null)), got, clock, 2, Duration.ofMinutes(1));
        try (BluezAdvertisementSource source = BluezAdvertisementSource.atAddress(bus.address, "hci0", clock)) {
            source.start(Set.of(FCD2), receiver);
            String dev = bluez.devicePath(METER);
            bluez.deviceAdded(dev, METER, (short) -80, Map.of(FCD2, bthome(7, 10, 10)));
            bluez.propertiesChanged(dev, null, Map.of(FCD2, HexFormat.of().parseHex("40ee0102")));
            bluez.propertiesChanged(dev, null, Map.of(FCD2, HexFormat.of().parseHex("400a13")));
            Await.until("two rejections", Duration.ofSeconds(10), () -> got.rejected.size() == 2);
            assertEquals(1, got.readings.size());
            assertEquals(
                    DecodeException.Kind.UNSUPPORTED,
                    got.rejected.get(0).error().kind());
            assertEquals("40EE0102", got.rejected.get(0).serviceDataHex());
            assertEquals(
                    DecodeException.Kind.TRUNCATED, got.rejected.get(1).error().kind());
            assertEquals(MeterHealth.State.DEGRADED, receiver.health(METER));
            clock.advance(Duration.ofMinutes(1));
            assertEquals(MeterHealth.State.FAILED, receiver.health(METER));
            bluez.propertiesChanged(dev, null, Map.of(FCD2, bthome(8, 11, 10)));
            Await.until("recovery", Duration.ofSeconds(10), () -> got.readings.size() == 2);
            assertEquals(MeterHealth.State.OK, receiver.health(METER));
        }
    }

    @Test
    void encrypted_bthome_is_decrypted_with_the_device_bind_key_and_neighbours_are_ignored() throws Exception {
        bluez = FakeBluezAdapter.export(bus.address, "hci0");
        Collected got = new Collected();
        BthomeReceiver receiver = new BthomeReceiver(
                List.of(new BthomeReceiver.Device(SHELLY, SHELLY_KEY)), got, clock, 3, Duration.ofMinutes(1));
        try (BluezAdvertisementSource source = BluezAdvertisementSource.atAddress(bus.address, "hci0", clock)) {
            source.start(Set.of(FCD2), receiver);
            // a neighbour's plain sensor, then the Shelly BLU H&T (bthome-ble test vector), then its replay
            bluez.deviceAdded(bluez.devicePath(METER), METER, (short) -90, Map.of(FCD2, bthome(1, 1, 1)));
            byte[] shelly = HexFormat.of().parseHex("41a47266c95f730011223378237214");
            bluez.deviceAdded(bluez.devicePath(SHELLY), SHELLY, (short) -50, Map.of(FCD2, shelly));
            bluez.propertiesChanged(bluez.devicePath(SHELLY), (short) -51, Map.of(FCD2, shelly));
            Await.until(
                    "shelly reading and its duplicate", Duration.ofSeconds(10), () -> receiver.duplicates(SHELLY) == 1);
            assertEquals(1, got.readings.size());
            assertEquals(
                    "25.06",
                    got.readings
                            .get(0)
                            .reading()
                            .obis()
                            .get("bthome:temperature")
                            .value());
            assertTrue(got.readings.get(0).reading().status().contains(StatusFlag.AUTHENTICATED));
            assertEquals(1, receiver.ignored());

            // a plain advertisement claiming to be the Shelly is refused (it has a key)
            bluez.propertiesChanged(bluez.devicePath(SHELLY), null, Map.of(FCD2, bthome(9, 1, 1)));
            Await.until("spoof rejected", Duration.ofSeconds(10), () -> got.rejected.size() == 1);
            assertEquals(
                    DecodeException.Kind.CORRUPT, got.rejected.get(0).error().kind());
        }
    }

    @Test
    void only_org_bluez_signals_for_devices_of_the_chosen_adapter_with_the_wanted_uuid_count() throws Exception {
        bluez = FakeBluezAdapter.export(bus.address, "hci0");
        List<BleAdvertisement> seen = new CopyOnWriteArrayList<>();
        try (BluezAdvertisementSource source = BluezAdvertisementSource.atAddress(bus.address, "hci0", clock);
                FakeBluezAdapter impostor = FakeBluezAdapter.impostor(bus.address)) {
            source.start(Set.of(FCD2), seen::add);
            String otherUuid = BleAdvertisement.uuid16(0xFE95);
            impostor.propertiesChanged(bluez.devicePath(METER), null, Map.of(FCD2, bthome(1, 1, 1)));
            bluez.propertiesChanged(
                    "/org/bluez/hci1/dev_" + METER.replace(':', '_'), null, Map.of(FCD2, bthome(2, 1, 1)));
            bluez.propertiesChanged(bluez.devicePath(METER), null, Map.of(otherUuid, new byte[] {1, 2}));
            bluez.propertiesChanged(
                    bluez.devicePath(METER), null, Map.of(FCD2, bthome(3, 1, 1), otherUuid, new byte[] {1, 2}));
            Await.until("the one advertisement that counts", Duration.ofSeconds(10), () -> !seen.isEmpty());
            // signals are delivered in order: the three before it were dropped, not still in flight
            assertEquals(1, seen.size());
            assertEquals(Set.of(FCD2), seen.get(0).serviceData().keySet());
            assertArrayEquals(bthome(3, 1, 1), seen.get(0).serviceData().get(FCD2));
            assertNull(seen.get(0).rssi());
        }
    }

    @Test
    void a_sink_that_throws_does_not_stop_the_scan() throws Exception {
        bluez = FakeBluezAdapter.export(bus.address, "hci0");
        List<BleAdvertisement> seen = new CopyOnWriteArrayList<>();
        try (BluezAdvertisementSource source = BluezAdvertisementSource.atAddress(bus.address, "hci0", clock)) {
            source.start(Set.of(FCD2), ad -> {
                seen.add(ad);
                if (seen.size() == 1) {
                    throw new IllegalStateException("listener bug");
                }
            });
            bluez.propertiesChanged(bluez.devicePath(METER), null, Map.of(FCD2, bthome(1, 1, 1)));
            bluez.propertiesChanged(bluez.devicePath(METER), null, Map.of(FCD2, bthome(2, 1, 1)));
            Await.until("both advertisements", Duration.ofSeconds(10), () -> seen.size() == 2);
            assertEquals(1, source.sinkFailures());
        }
    }

    @Test
    void a_restarted_bluetoothd_is_followed_and_discovery_started_again() throws Exception {
        bluez = FakeBluezAdapter.export(bus.address, "hci0");
        List<BleAdvertisement> seen = new CopyOnWriteArrayList<>();
        try (BluezAdvertisementSource source = BluezAdvertisementSource.atAddress(bus.address, "hci0", clock)) {
            source.start(Set.of(FCD2), seen::add);
            bluez.close();
            FakeBluezAdapter restarted = FakeBluezAdapter.export(bus.address, "hci0");
            bluez = restarted;
            Await.until(
                    "discovery on the new bluetoothd",
                    Duration.ofSeconds(10),
                    () -> restarted.calls.contains("StartDiscovery"));
            assertEquals(List.of("SetDiscoveryFilter", "StartDiscovery"), restarted.calls);
            assertEquals(List.of(FCD2), restarted.filter.get("UUIDs").getValue());
            Await.until("re-arm counted", Duration.ofSeconds(10), () -> source.rearms() == 1);
            assertNull(source.lastRearmError());
            restarted.propertiesChanged(restarted.devicePath(METER), null, Map.of(FCD2, bthome(5, 1, 1)));
            Await.until("advertisement from the new bluetoothd", Duration.ofSeconds(10), () -> seen.size() == 1);
        }
    }

    @Test
    void a_client_imitating_the_bus_cannot_take_over_as_bluetoothd() throws Exception {
        bluez = FakeBluezAdapter.export(bus.address, "hci0");
        List<BleAdvertisement> seen = new CopyOnWriteArrayList<>();
        try (BluezAdvertisementSource source = BluezAdvertisementSource.atAddress(bus.address, "hci0", clock);
                FakeBluezAdapter impostor = FakeBluezAdapter.impostor(bus.address)) {
            source.start(Set.of(FCD2), seen::add);
            impostor.send(new org.freedesktop.dbus.interfaces.DBus.NameOwnerChanged(
                    "/org/freedesktop/DBus", "org.bluez", "", impostor.uniqueName()));
            impostor.propertiesChanged(bluez.devicePath(METER), null, Map.of(FCD2, bthome(1, 1, 1)));
            bluez.propertiesChanged(bluez.devicePath(METER), null, Map.of(FCD2, bthome(2, 1, 1)));
            Await.until("the real one", Duration.ofSeconds(10), () -> !seen.isEmpty());
            assertEquals(1, seen.size());
            assertArrayEquals(bthome(2, 1, 1), seen.get(0).serviceData().get(FCD2));
            assertEquals(0, source.rearms());
        }
    }

    @Test
    void no_bluetoothd_on_the_bus_is_a_transport_error_naming_the_adapter() throws Exception {
        try (BluezAdvertisementSource source = BluezAdvertisementSource.atAddress(bus.address, "hci0", clock)) {
            BleTransportException ex =
                    assertThrows(BleTransportException.class, () -> source.start(Set.of(FCD2), ad -> {}));
            assertEquals("hci0", ex.adapter());
            assertEquals("GetNameOwner", ex.operation());
            assertTrue(ex.getMessage().contains("org.bluez"), ex.getMessage());
        }
    }

    @Test
    void an_adapter_that_is_not_ready_refuses_discovery_with_bluez_error() throws Exception {
        bluez = FakeBluezAdapter.export(bus.address, "hci0");
        bluez.notReady = true;
        try (BluezAdvertisementSource source = BluezAdvertisementSource.atAddress(bus.address, "hci0", clock)) {
            BleTransportException ex =
                    assertThrows(BleTransportException.class, () -> source.start(Set.of(FCD2), ad -> {}));
            assertEquals("StartDiscovery", ex.operation());
            assertTrue(ex.getMessage().contains("Resource Not Ready"), ex.getMessage());
        }
    }

    @Test
    void device_addresses_come_from_bluez_object_paths() {
        assertEquals(
                "54:48:E6:8F:80:A5", BluezAdvertisementSource.addressOfPath("/org/bluez/hci0/dev_54_48_e6_8f_80_a5"));
        assertNull(BluezAdvertisementSource.addressOfPath("/org/bluez/hci0"));
        assertNull(BluezAdvertisementSource.addressOfPath("/org/bluez/hci0/dev_54_48_E6_8F_80_A5/service0001"));
        assertEquals("0000fcd2-0000-1000-8000-00805f9b34fb", BleAdvertisement.uuid16(0xFCD2));
    }
}
