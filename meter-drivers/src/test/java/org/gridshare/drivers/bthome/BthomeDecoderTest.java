package org.gridshare.drivers.bthome;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HexFormat;
import java.util.Random;
import org.gridshare.drivers.DecodeException;
import org.gridshare.drivers.DecodeException.Kind;
import org.gridshare.drivers.NormalizedReading;
import org.gridshare.drivers.ObisValue;
import org.gridshare.drivers.StatusFlag;
import org.junit.jupiter.api.Test;

/** Vectors from the bthome-ble test suite (MIT), values checked against what that parser reports. */
class BthomeDecoderTest {

    private static final byte[] MAC = BthomeDecoder.parseMac("A4:C1:38:8D:18:B2");
    private static final byte[] SHELLY_MAC = BthomeDecoder.parseMac("54:48:E6:8F:80:A5");
    private static final byte[] SHELLY_KEY = HexFormat.of().parseHex("231d39c1d7cc1ab1aee224cd096db932");

    private static NormalizedReading plain(String hex) throws DecodeException {
        return BthomeDecoder.decode(HexFormat.of().parseHex(hex), MAC, null);
    }

    @Test
    void energy_counter_becomes_exact_import_milli_watt_hours() throws Exception {
        assertEquals(1_346_067_000L, plain("400a138a14").importMilliWh());
        assertEquals(344_593_170_000L, plain("404d12138a14").importMilliWh());
        assertEquals(
                new ObisValue("1346.067", "kWh"), plain("400a138a14").obis().get("1-0:1.8.0"));
    }

    @Test
    void unsigned_and_signed_power() throws Exception {
        assertEquals(69_140L, plain("400b021b00").powerMilliW());
        assertEquals(-12_780L, plain("405c02fbffff").powerMilliW());
        assertEquals(new ObisValue("3.074", "V"), plain("400c020c").obis().get("bthome:voltage"));
    }

    @Test
    void encrypted_shelly_advertisement_decrypts_with_its_bind_key() throws Exception {
        NormalizedReading r =
                BthomeDecoder.decode(HexFormat.of().parseHex("41a47266c95f730011223378237214"), SHELLY_MAC, SHELLY_KEY);
        assertEquals(new ObisValue("25.06", "°C"), r.obis().get("bthome:temperature"));
        assertEquals(new ObisValue("50.55", "%"), r.obis().get("bthome:humidity"));
        assertEquals("54:48:E6:8F:80:A5", r.meterId());
        assertTrue(r.status().contains(StatusFlag.AUTHENTICATED));
    }

    @Test
    void wrong_bind_key_or_tampered_data_is_corrupt() {
        byte[] data = HexFormat.of().parseHex("41a47266c95f730011223378237214");
        byte[] wrongKey = SHELLY_KEY.clone();
        wrongKey[0] ^= 1;
        assertEquals(
                Kind.CORRUPT,
                assertThrows(DecodeException.class, () -> BthomeDecoder.decode(data, SHELLY_MAC, wrongKey))
                        .kind());
        data[3] ^= 1;
        assertEquals(
                Kind.CORRUPT,
                assertThrows(DecodeException.class, () -> BthomeDecoder.decode(data, SHELLY_MAC, SHELLY_KEY))
                        .kind());
    }

    @Test
    void plain_advertisement_is_rejected_when_a_bind_key_is_configured() {
        assertEquals(
                Kind.CORRUPT,
                assertThrows(
                                DecodeException.class,
                                () -> BthomeDecoder.decode(HexFormat.of().parseHex("400a138a14"), MAC, SHELLY_KEY))
                        .kind());
    }

    @Test
    void truncated_object_and_unknown_object_id_are_reported_not_guessed() {
        assertEquals(
                Kind.TRUNCATED,
                assertThrows(DecodeException.class, () -> plain("400a138a")).kind());
        DecodeException unknown = assertThrows(DecodeException.class, () -> plain("40ee01"));
        assertEquals(Kind.UNSUPPORTED, unknown.kind());
        assertEquals(0, unknown.offset());
        assertEquals(
                Kind.UNSUPPORTED,
                assertThrows(DecodeException.class, () -> plain("200a138a14")).kind(),
                "BTHome v1 header");
    }

    @Test
    void random_bytes_only_raise_decode_exception() {
        Random random = new Random(11);
        for (int i = 0; i < 20_000; i++) {
            byte[] data = new byte[random.nextInt(31)];
            random.nextBytes(data);
            if (data.length > 0 && random.nextBoolean()) {
                data[0] = (byte) (0x40 | (data[0] & 0x05));
            }
            try {
                BthomeDecoder.decode(data, SHELLY_MAC, random.nextBoolean() ? SHELLY_KEY : null);
            } catch (DecodeException expected) {
                assertTrue(expected.kind() != null);
            }
        }
    }
}
