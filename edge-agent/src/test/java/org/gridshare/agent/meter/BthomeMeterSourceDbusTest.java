package org.gridshare.agent.meter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.gridshare.drivers.ble.BluezAdvertisementSource;
import org.gridshare.drivers.ble.FakeBluezAdapter;
import org.gridshare.drivers.ble.PrivateDbusDaemon;
import org.gridshare.drivers.bthome.BthomeReceiver;
import org.gridshare.protocol.MeterStatus;
import org.gridshare.testsupport.Await;
import org.junit.jupiter.api.Test;

/**
 * The BTHome source over the real BlueZ client path: bluez-dbus / dbus-java on a real private
 * {@code dbus-daemon}, with BlueZ's adapter exported on it by meter-drivers' test support (no radio
 * here). The scan is retried until bluetoothd appears, each new advertisement is signed once, and a
 * device silent for the staleness limit gets a new scan.
 */
class BthomeMeterSourceDbusTest {
    private static final String METER = "54:48:E6:8F:80:A5";

    /** BTHome v2, plain: packet id, energy 1346.067 kWh, power 69.14 W. */
    private static byte[] bthome(int packetId) {
        return new byte[] {
            0x40, 0x00, (byte) packetId, 0x0A, (byte) 0x13, (byte) 0x8A, (byte) 0x14, 0x0B, 0x02, 0x1B, 0x00
        };
    }

    @Test
    void signs_bthome_advertisements_from_bluez_and_restarts_a_silent_scan() throws Exception {
        try (PrivateDbusDaemon bus = PrivateDbusDaemon.start()) {
            Clock clock = Clock.systemUTC();
            // bluetoothd is not on the bus yet: the source keeps trying
            try (BthomeMeterSource source = BthomeMeterSource.start(
                    () -> BluezAdvertisementSource.atAddress(bus.address, "hci0", clock),
                    METER,
                    null,
                    clock,
                    Duration.ofSeconds(2),
                    new SerialPushMeterSource.Backoff(Duration.ofMillis(50), Duration.ofMillis(200)))) {
                Await.until(
                        "a failed scan start",
                        Duration.ofSeconds(15),
                        () -> source.stats().reopens() >= 1);
                try (FakeBluezAdapter bluez = FakeBluezAdapter.export(bus.address, "hci0")) {
                    Await.until(
                            "discovery started", Duration.ofSeconds(15), () -> bluez.calls.contains("StartDiscovery"));
                    CompletableFuture<Measurement> read = CompletableFuture.supplyAsync(source::read);
                    String dev = bluez.devicePath(METER);
                    int packet = 0;
                    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
                    while (!read.isDone() && System.nanoTime() < deadline) {
                        packet++;
                        if (packet == 1) {
                            bluez.deviceAdded(
                                    dev, METER, (short) -70, Map.of(BthomeReceiver.SERVICE_UUID, bthome(packet)));
                        } else {
                            bluez.propertiesChanged(
                                    dev, (short) -71, Map.of(BthomeReceiver.SERVICE_UUID, bthome(packet & 0xFF)));
                        }
                        LockSupport.parkNanos(30_000_000L); // the device's advertising interval
                    }
                    assertEquals(
                            new Measurement(1_346_067_000L, 0, 69_140L, MeterStatus.OK), read.get(1, TimeUnit.SECONDS));
                    // now the device falls silent: after the staleness limit the scan is stopped and started again
                    long starts = bluez.calls.stream()
                            .filter("StartDiscovery"::equals)
                            .count();
                    Await.until(
                            "a new scan after silence",
                            Duration.ofSeconds(15),
                            () -> bluez.calls.stream()
                                            .filter("StartDiscovery"::equals)
                                            .count()
                                    > starts);
                    assertTrue(bluez.calls.contains("StopDiscovery"), bluez.calls.toString());
                }
            }
        }
    }
}
