package org.gridshare.drivers.dsmr;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.gridshare.drivers.NormalizedReading;
import org.gridshare.drivers.StreamDecoder;
import org.gridshare.drivers.fixtures.Fixtures;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every DSMR capture decodes to its golden JSON, whole, one byte at a time and in random chunks. */
class DsmrGoldenFixturesTest {

    static final byte[] SMARTY_TEST_KEY = HexFormat.of().parseHex("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA");

    static Stream<Path> captures() {
        return Fixtures.captures("dsmr");
    }

    private static StreamDecoder decoderFor(Path capture) {
        return capture.toString().endsWith(".bin")
                ? DsmrStreamDecoder.encrypted(
                        new SmartyDecryptor(SMARTY_TEST_KEY, SmartyDecryptor.DEFAULT_AUTHENTICATION_KEY))
                : DsmrStreamDecoder.plain();
    }

    @ParameterizedTest
    @MethodSource("captures")
    void capture_decodes_to_its_golden_reading(Path capture) {
        byte[] data = Fixtures.bytes(capture);
        List<NormalizedReading> readings =
                Fixtures.readings(Fixtures.feedInChunks(decoderFor(capture), data, null, data.length));
        assertEquals(1, readings.size());
        Fixtures.assertGolden(capture, readings);
    }

    @ParameterizedTest
    @MethodSource("captures")
    void one_byte_at_a_time_gives_the_same_reading(Path capture) {
        byte[] data = Fixtures.bytes(capture);
        List<NormalizedReading> readings = Fixtures.readings(Fixtures.feedInChunks(decoderFor(capture), data, null, 1));
        Fixtures.assertGolden(capture, readings);
    }

    @ParameterizedTest
    @MethodSource("captures")
    void random_chunks_with_garbage_between_frames_give_every_reading(Path capture) {
        byte[] frame = Fixtures.bytes(capture);
        Random random = new Random(capture.getFileName().toString().hashCode());
        ByteArrayOutputStream stream = new ByteArrayOutputStream();
        int copies = 5;
        for (int i = 0; i < copies; i++) {
            byte[] garbage = new byte[random.nextInt(40)];
            random.nextBytes(garbage);
            for (int g = 0; g < garbage.length; g++) {
                // no frame start inside the garbage, so each copy is found exactly once
                if (garbage[g] == '/' || (garbage[g] & 0xFF) == 0xDB) {
                    garbage[g] = 'x';
                }
            }
            stream.writeBytes(garbage);
            stream.writeBytes(frame);
        }
        List<NormalizedReading> readings =
                Fixtures.readings(Fixtures.feedInChunks(decoderFor(capture), stream.toByteArray(), random, 97));
        assertEquals(copies, readings.size());
        for (NormalizedReading r : readings) {
            assertEquals(readings.get(0), r);
        }
        Fixtures.assertGolden(capture, readings.subList(0, 1));
    }
}
