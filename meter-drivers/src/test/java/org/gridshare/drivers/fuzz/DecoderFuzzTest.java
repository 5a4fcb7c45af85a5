package org.gridshare.drivers.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.gridshare.drivers.DecodeException;
import org.gridshare.drivers.ble.BleAdvertisement;
import org.gridshare.drivers.bthome.BthomeDecoder;
import org.gridshare.drivers.bthome.BthomeReceiver;
import org.gridshare.drivers.dsmr.DsmrDecoder;
import org.gridshare.drivers.dsmr.DsmrStreamDecoder;
import org.gridshare.drivers.dsmr.SmartyDecryptor;
import org.gridshare.drivers.iec62056.IecDecoder;
import org.gridshare.drivers.iec62056.IecStreamDecoder;
import org.gridshare.drivers.sml.SmlDecoder;
import org.gridshare.drivers.sml.SmlStreamDecoder;

/**
 * Jazzer harnesses, one per decoder: any exception other than {@link DecodeException} is a finding.
 * In the normal test run each harness replays its seed corpus (src/test/resources/.../DecoderFuzzTestInputs
 * and findings kept there); {@code JAZZER_FUZZ=1 ./mvnw -pl meter-drivers test -Dtest=DecoderFuzzTest}
 * fuzzes for real.
 */
class DecoderFuzzTest {

    private static final SmartyDecryptor SMARTY = new SmartyDecryptor(
            HexFormat.of().parseHex("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"), SmartyDecryptor.DEFAULT_AUTHENTICATION_KEY);
    private static final byte[] MAC = HexFormat.of().parseHex("5448E68F80A5");
    private static final byte[] BIND_KEY = HexFormat.of().parseHex("231d39c1d7cc1ab1aee224cd096db932");
    private static final Clock RECEIVER_CLOCK = Clock.fixed(Instant.parse("2026-11-25T12:00:00Z"), ZoneOffset.UTC);

    @FuzzTest(maxDuration = "30s")
    void dsmr(byte[] data) {
        try {
            DsmrDecoder.decode(data);
        } catch (DecodeException expected) {
            // bad input is reported, never anything else
        }
        DsmrStreamDecoder stream = DsmrStreamDecoder.plain();
        stream.feed(data, 0, data.length);
        stream.finish();
    }

    @FuzzTest(maxDuration = "30s")
    void smarty(byte[] data) {
        try {
            SMARTY.decrypt(data);
        } catch (DecodeException expected) {
            // bad input is reported, never anything else
        }
    }

    @FuzzTest(maxDuration = "30s")
    void sml(byte[] data) {
        try {
            SmlDecoder.decode(data);
        } catch (DecodeException expected) {
            // bad input is reported, never anything else
        }
        SmlStreamDecoder stream = new SmlStreamDecoder();
        stream.feed(data, 0, data.length);
        stream.finish();
    }

    @FuzzTest(maxDuration = "30s")
    void iec62056(byte[] data) {
        try {
            IecDecoder.decode(data);
        } catch (DecodeException expected) {
            // bad input is reported, never anything else
        }
        IecStreamDecoder stream = new IecStreamDecoder();
        stream.feed(data, 0, data.length);
        stream.finish();
    }

    @FuzzTest(maxDuration = "30s")
    void bthome(byte[] data) {
        try {
            BthomeDecoder.decode(data, MAC, data.length > 0 && (data[0] & 1) != 0 ? BIND_KEY : null);
        } catch (DecodeException expected) {
            // bad input is reported, never anything else
        }
    }

    @FuzzTest(maxDuration = "30s")
    void smartyHeader(byte[] data) {
        try {
            SmartyDecryptor.header(data);
        } catch (DecodeException expected) {
            // meter detection without the key: bad input is reported, never anything else
        }
    }

    @FuzzTest(maxDuration = "30s")
    void bthomeReceiver(byte[] data) {
        // the receiver must never throw on the transport's thread: every advertisement is a reading, a duplicate or a
        // rejection
        List<Object> out = new ArrayList<>();
        BthomeReceiver receiver = new BthomeReceiver(
                List.of(
                        new BthomeReceiver.Device("54:48:E6:8F:80:A5", BIND_KEY),
                        new BthomeReceiver.Device("A4:C1:38:8D:18:B2", null)),
                new BthomeReceiver.Listener() {
                    @Override
                    public void reading(BthomeReceiver.Reading r) {
                        out.add(r);
                    }

                    @Override
                    public void rejected(BthomeReceiver.Rejected r) {
                        out.add(r);
                    }
                },
                RECEIVER_CLOCK,
                3,
                Duration.ofMinutes(1));
        String address = data.length > 0 && (data[0] & 1) != 0 ? "54:48:E6:8F:80:A5" : "A4:C1:38:8D:18:B2";
        BleAdvertisement ad = new BleAdvertisement(
                address, (short) -60, Map.of(BthomeReceiver.SERVICE_UUID, data), RECEIVER_CLOCK.instant());
        receiver.accept(ad);
        receiver.accept(ad);
        if (out.size() + receiver.duplicates(address) != 2) {
            throw new IllegalStateException(
                    "an advertisement was lost: " + out + ", duplicates " + receiver.duplicates(address));
        }
    }
}
