package org.gridshare.agent.meter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.gridshare.drivers.DecodeException;
import org.gridshare.drivers.ble.BleAdvertisement;
import org.gridshare.drivers.ble.BleAdvertisementSource;
import org.gridshare.drivers.ble.BleTransportException;
import org.gridshare.drivers.bthome.BthomeReceiver;
import org.gridshare.protocol.MeterStatus;
import org.junit.jupiter.api.Test;

/**
 * The BTHome source over meter-drivers' real receiver and decoder, driven directly: the test's own
 * {@link BleAdvertisementSource} hands advertisements to the receiver (repeats and a cut-off one
 * included) and refuses the first scan as an adapter that is not ready. The D-Bus path is
 * {@link BthomeMeterSourceDbusTest}.
 */
class BthomeMeterSourceTest {
    private static final String DEVICE = "54:48:E6:8F:80:A5";

    /** A scan the test drives: the first opening fails as with bluetoothd not up yet. */
    private static final class TestScan implements BleAdvertisementSource {
        volatile Consumer<BleAdvertisement> sink;

        @Override
        public void start(Set<String> serviceUuids, Consumer<BleAdvertisement> sink) {
            assertEquals(Set.of(BthomeReceiver.SERVICE_UUID), serviceUuids);
            this.sink = sink;
        }

        @Override
        public long sinkFailures() {
            return 0;
        }

        @Override
        public void close() {
            sink = null;
        }
    }

    /** BTHome v2, plain: packet id, energy 1346.067 kWh (uint24, 0.001 kWh), power 69.14 W (uint24, 0.01 W). */
    private static BleAdvertisement energy(int packetId) {
        byte[] data = HexFormat.of().parseHex("4000" + String.format("%02x", packetId) + "0a138a14" + "0b021b00");
        return new BleAdvertisement(
                DEVICE, (short) -60, Map.of(BthomeReceiver.SERVICE_UUID, data), java.time.Instant.now());
    }

    @Test
    void signs_each_new_bthome_measurement_once_and_counts_bad_advertisements() throws Exception {
        AtomicInteger opens = new AtomicInteger();
        TestScan scan = new TestScan();
        BthomeMeterSource.Transports transports = () -> {
            if (opens.incrementAndGet() == 1) {
                throw new BleTransportException("hci0", "StartDiscovery", "org.bluez.Error.NotReady", null);
            }
            return scan;
        };
        try (BthomeMeterSource source = BthomeMeterSource.start(
                transports,
                DEVICE,
                null,
                Clock.systemUTC(),
                Duration.ofSeconds(10),
                new SerialPushMeterSource.Backoff(Duration.ofMillis(20), Duration.ofMillis(100)))) {
            CompletableFuture<Measurement> read = CompletableFuture.supplyAsync(source::read);
            AtomicInteger packet = new AtomicInteger();
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (!read.isDone() && System.nanoTime() < deadline) {
                Consumer<BleAdvertisement> sink = scan.sink;
                if (sink != null) {
                    BleAdvertisement ad = energy(packet.incrementAndGet() & 0xFF);
                    sink.accept(ad);
                    sink.accept(ad); // BLE repeats each advertisement: the same packet id is one measurement
                    sink.accept(new BleAdvertisement(
                            DEVICE,
                            null,
                            Map.of(BthomeReceiver.SERVICE_UUID, HexFormat.of().parseHex("400a13")),
                            java.time.Instant.now())); // energy cut short
                }
                TimeUnit.MILLISECONDS.sleep(20); // the device's advertising interval, not a wait for a condition
            }
            assertEquals(new Measurement(1_346_067_000L, 0, 69_140L, MeterStatus.OK), read.get(1, TimeUnit.SECONDS));
            assertTrue(opens.get() >= 2, "the scan was started again after the adapter refused");
            assertTrue(source.receiver().duplicates(DEVICE) >= 1);
            MeterSourceStats stats = source.stats();
            assertTrue(stats.decodeErrorCount() >= 1, stats.toString());
            assertTrue(
                    stats.decodeErrors().containsKey(DecodeException.Kind.TRUNCATED)
                            || stats.decodeErrors().containsKey(DecodeException.Kind.MALFORMED),
                    stats.toString());
            assertEquals(1, stats.reopens(), stats.toString());
        }
    }
}
