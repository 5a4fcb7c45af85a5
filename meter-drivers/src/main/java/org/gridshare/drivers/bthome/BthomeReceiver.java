package org.gridshare.drivers.bthome;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;
import org.gridshare.drivers.DecodeException;
import org.gridshare.drivers.NormalizedReading;
import org.gridshare.drivers.ObisValue;
import org.gridshare.drivers.StreamDecoder;
import org.gridshare.drivers.ble.BleAdvertisement;
import org.gridshare.drivers.health.MeterHealth;

/**
 * Turns BLE advertisements (from any {@code BleAdvertisementSource}) into BTHome readings: picks the
 * service data for UUID 0xFCD2, decodes it with {@link BthomeDecoder} (with the device's bind key when it
 * has one), drops repeats of the same measurement (same BTHome packet id, or for encrypted data without
 * one the same encryption counter) and keeps a debounced {@link MeterHealth} per device. Bad advertisements
 * are handed to the listener with their reason, never dropped silently and never thrown.
 *
 * <p>With a device list, only those devices are decoded (neighbours' sensors are ignored, and counted);
 * with an empty list every BTHome advertiser is (discovery). Thread-safe.
 */
public final class BthomeReceiver implements Consumer<BleAdvertisement> {

    /** BTHome's service UUID, 0xFCD2, in 128-bit form. */
    public static final String SERVICE_UUID = BleAdvertisement.uuid16(0xFCD2);

    /** A device to listen to: its address and its 16-byte bind key, or null for plain advertisements. */
    // configuration of one listener: never compared or hashed
    @SuppressWarnings("ArrayRecordComponent")
    public record Device(String address, byte[] bindKey) {

        public Device {
            address = address.toUpperCase(Locale.ROOT);
            BthomeDecoder.parseMac(address);
            if (bindKey != null && bindKey.length != 16) {
                throw new IllegalArgumentException(
                        "bind key of " + address + " must be 16 bytes, is " + bindKey.length);
            }
            bindKey = bindKey == null ? null : bindKey.clone();
        }
    }

    /** One new measurement. */
    public record Reading(String address, Short rssi, Instant receivedAt, NormalizedReading reading) {}

    /** An advertisement that did not decode, kept with its reason. */
    public record Rejected(String address, Instant receivedAt, String serviceDataHex, DecodeException error) {}

    /** Where readings and rejections go. Called on the transport's thread. */
    public interface Listener {
        void reading(Reading reading);

        void rejected(Rejected rejected);
    }

    private static final class State {
        final MeterHealth health;
        String lastMeasurementId;
        long readings;
        long duplicates;
        long rejected;

        State(MeterHealth health) {
            this.health = health;
        }
    }

    private final Map<String, byte[]> keys = new LinkedHashMap<>();
    private final boolean onlyListed;
    private final Listener listener;
    private final Clock clock;
    private final int failuresToDegrade;
    private final Duration silenceToFail;
    private final Map<String, State> devices = new LinkedHashMap<>();
    private long ignored;
    private long sequence;

    /**
     * @param devices the devices to decode; empty for every BTHome advertiser
     * @param failuresToDegrade bad advertisements in a row before a device is DEGRADED
     * @param silenceToFail time without a good advertisement before a device is FAILED
     */
    public BthomeReceiver(
            List<Device> devices, Listener listener, Clock clock, int failuresToDegrade, Duration silenceToFail) {
        this.listener = Objects.requireNonNull(listener, "listener");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.failuresToDegrade = failuresToDegrade;
        this.silenceToFail = silenceToFail;
        this.onlyListed = !devices.isEmpty();
        for (Device d : devices) {
            keys.put(d.address(), d.bindKey());
            this.devices.put(d.address(), new State(new MeterHealth(clock, failuresToDegrade, silenceToFail)));
        }
    }

    @Override
    public void accept(BleAdvertisement ad) {
        byte[] data = ad.serviceData().get(SERVICE_UUID);
        if (data == null) {
            return;
        }
        Reading reading = null;
        Rejected rejected = null;
        synchronized (this) {
            State state = devices.get(ad.address());
            if (state == null) {
                if (onlyListed) {
                    ignored++;
                    return;
                }
                state = new State(new MeterHealth(clock, failuresToDegrade, silenceToFail));
                devices.put(ad.address(), state);
            }
            long at = sequence++;
            try {
                NormalizedReading r =
                        BthomeDecoder.decode(data, BthomeDecoder.parseMac(ad.address()), keys.get(ad.address()));
                state.health.record(new StreamDecoder.Decoded(at, r));
                String id = measurementId(r);
                if (id != null && id.equals(state.lastMeasurementId)) {
                    state.duplicates++;
                } else {
                    state.lastMeasurementId = id;
                    state.readings++;
                    reading = new Reading(ad.address(), ad.rssi(), ad.receivedAt(), r);
                }
            } catch (DecodeException ex) {
                state.health.record(new StreamDecoder.Failed(at, ex));
                state.rejected++;
                rejected = new Rejected(
                        ad.address(),
                        ad.receivedAt(),
                        HexFormat.of().withUpperCase().formatHex(data),
                        ex);
            }
        }
        // outside the lock: a slow listener must not block health queries
        if (reading != null) {
            listener.reading(reading);
        } else if (rejected != null) {
            listener.rejected(rejected);
        }
    }

    /** The packet id (BTHome's de-duplication field), else the encryption counter, else null (every one is new). */
    static String measurementId(NormalizedReading r) {
        ObisValue packet = r.obis().get("bthome:packet_id");
        if (packet != null) {
            return "packet " + packet.value();
        }
        ObisValue counter = r.obis().get("bthome:encryption_counter");
        return counter == null ? null : "counter " + counter.value();
    }

    /** The device's health; UNKNOWN for a device never heard of. */
    public synchronized MeterHealth.State health(String address) {
        State s = devices.get(address.toUpperCase(Locale.ROOT));
        return s == null ? MeterHealth.State.UNKNOWN : s.health.state();
    }

    /** The device's health record (failure counts, last error, last success), or null. */
    public synchronized MeterHealth healthRecord(String address) {
        State s = devices.get(address.toUpperCase(Locale.ROOT));
        return s == null ? null : s.health;
    }

    /** New measurements delivered for the device. */
    public synchronized long readings(String address) {
        State s = devices.get(address.toUpperCase(Locale.ROOT));
        return s == null ? 0 : s.readings;
    }

    /** Repeats of an already delivered measurement (same packet id or counter), dropped. */
    public synchronized long duplicates(String address) {
        State s = devices.get(address.toUpperCase(Locale.ROOT));
        return s == null ? 0 : s.duplicates;
    }

    /** Advertisements of the device that did not decode. */
    public synchronized long rejected(String address) {
        State s = devices.get(address.toUpperCase(Locale.ROOT));
        return s == null ? 0 : s.rejected;
    }

    /** BTHome advertisements from devices not on the list. */
    public synchronized long ignored() {
        return ignored;
    }
}
