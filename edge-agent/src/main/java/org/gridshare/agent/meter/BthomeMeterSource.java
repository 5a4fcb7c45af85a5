package org.gridshare.agent.meter;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.gridshare.drivers.ble.BleAdvertisementSource;
import org.gridshare.drivers.ble.BleTransportException;
import org.gridshare.drivers.bthome.BthomeReceiver;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A BTHome BLE meter (e.g. Shelly BLU) heard through a {@link BleAdvertisementSource} (BlueZ over
 * D-Bus on the box): meter-drivers' {@link BthomeReceiver} decodes the advertisements of the one
 * configured device (bind key when encrypted), drops repeats of the same packet id, and hands rejects
 * with their reason; each new measurement is signed right after it arrived. A scan that cannot start
 * (no bluetoothd, adapter off) is retried with backoff, and so is a scan whose device stayed silent for
 * the staleness limit (bluetoothd may have restarted without the re-arm succeeding).
 */
public final class BthomeMeterSource implements MeterSource, MeterDiagnostics {
    private static final Logger LOG = LoggerFactory.getLogger(BthomeMeterSource.class);

    /** Opens a scanning transport (a new one per attempt). */
    @FunctionalInterface
    public interface Transports {
        BleAdvertisementSource open() throws BleTransportException;
    }

    private final Transports transports;
    private final String address;
    private final Clock clock;
    private final Duration staleAfter;
    private final SerialPushMeterSource.Backoff backoff;
    private final BthomeReceiver receiver;
    private final FrameMeasurements measurements;
    private final FreshMeasurements fresh;
    private final SourceCounters counters;
    private final Thread supervisor;
    private volatile boolean closed;
    private volatile Instant lastHeard;
    private volatile String transportState = "starting the scan";
    private volatile BleAdvertisementSource scan;

    private BthomeMeterSource(
            Transports transports,
            String address,
            byte[] bindKey,
            Clock clock,
            Duration staleAfter,
            SerialPushMeterSource.Backoff backoff) {
        this.transports = transports;
        this.address = address;
        this.clock = clock;
        this.staleAfter = staleAfter;
        this.backoff = backoff;
        this.measurements = new FrameMeasurements(address, Duration.ofDays(36500)); // BTHome carries no time
        this.fresh = new FreshMeasurements(address, staleAfter);
        this.counters = new SourceCounters(address, clock, staleAfter);
        this.receiver = new BthomeReceiver(
                List.of(new BthomeReceiver.Device(address, bindKey)),
                new BthomeReceiver.Listener() {
                    @Override
                    public void reading(BthomeReceiver.Reading r) {
                        lastHeard = r.receivedAt();
                        counters.decoded();
                        try {
                            fresh.offer(measurements.measure(
                                    r.reading(), r.receivedAt().toEpochMilli()));
                        } catch (MeterReadException e) {
                            counters.incomplete(e); // e.g. a power-only advertisement: no register to sign
                        }
                    }

                    @Override
                    public void rejected(BthomeReceiver.Rejected r) {
                        counters.decodeError(r.error());
                    }
                },
                clock,
                3,
                staleAfter);
        this.supervisor = new Thread(this::superviseForever, "gridshare-meter-ble-" + address);
        supervisor.setDaemon(true);
    }

    /**
     * Starts scanning for {@code address} (in the background; a failing adapter is retried).
     *
     * @param bindKey the device's 16-byte AES key, or null for plain advertisements
     */
    public static BthomeMeterSource start(
            Transports transports,
            String address,
            byte[] bindKey,
            Clock clock,
            Duration staleAfter,
            SerialPushMeterSource.Backoff backoff) {
        BthomeMeterSource s = new BthomeMeterSource(transports, address, bindKey, clock, staleAfter, backoff);
        s.supervisor.start();
        return s;
    }

    @Override
    public Measurement read() {
        return fresh.next(() -> transportState);
    }

    /** Advertisements, rejects and restarts of the scan so far. */
    @Override
    public MeterSourceStats stats() {
        return counters.snapshot();
    }

    /** The receiver (duplicates, ignored neighbours, per-device health). */
    public BthomeReceiver receiver() {
        return receiver;
    }

    private void superviseForever() {
        long wait = backoff.first().toMillis();
        while (!closed) {
            if (scan == null) {
                BleAdvertisementSource s = null;
                try {
                    s = transports.open();
                    s.start(Set.of(BthomeReceiver.SERVICE_UUID), receiver);
                    synchronized (this) {
                        scan = s;
                    }
                    lastHeard = clock.instant();
                    transportState = "scanning";
                    wait = backoff.first().toMillis();
                } catch (BleTransportException | RuntimeException e) {
                    closeQuietly(s); // a transport that connected but could not scan keeps no bus connection open
                    counters.transportFailed(e.getMessage(), true);
                    transportState = "scan failed, retrying in " + wait + " ms: " + e.getMessage();
                    LOG.warn("BLE scan for {} failed ({}); retrying in {} ms", address, e.getMessage(), wait);
                    pause(wait);
                    wait = Math.min(wait * 2, backoff.longest().toMillis());
                    continue;
                }
            }
            if (Duration.between(lastHeard, clock.instant()).compareTo(staleAfter) >= 0) {
                LOG.warn("BTHome device {} silent for {} ms: restarting the scan", address, staleAfter.toMillis());
                counters.transportFailed("silent for " + staleAfter.toMillis() + " ms; scan restarted", false);
                stopScan();
                continue;
            }
            pause(Math.min(1000, staleAfter.toMillis()));
        }
    }

    private synchronized void stopScan() {
        closeQuietly(scan);
        scan = null;
    }

    private void closeQuietly(BleAdvertisementSource s) {
        if (s != null) {
            try {
                s.close();
            } catch (BleTransportException | RuntimeException e) {
                LOG.debug("stopping the scan for {}: {}", address, e.getMessage());
            }
        }
    }

    private synchronized void pause(long ms) {
        long deadline = System.nanoTime() + ms * 1_000_000L;
        long left;
        while (!closed && (left = deadline - System.nanoTime()) > 0) {
            try {
                wait(Math.max(1, left / 1_000_000L));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        synchronized (this) {
            notifyAll();
        }
        try {
            supervisor.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        stopScan();
    }
}
