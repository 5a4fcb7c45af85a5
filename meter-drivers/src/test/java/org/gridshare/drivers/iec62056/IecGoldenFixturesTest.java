package org.gridshare.drivers.iec62056;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.gridshare.drivers.NormalizedReading;
import org.gridshare.drivers.fixtures.Fixtures;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** IEC 62056-21 readouts decode to their golden readings whatever the chunking, with noise between them. */
class IecGoldenFixturesTest {

    static Stream<Path> captures() {
        return Fixtures.captures("iec62056-21");
    }

    @ParameterizedTest
    @MethodSource("captures")
    void readout_decodes_to_its_golden_reading(Path capture) {
        byte[] data = Fixtures.bytes(capture);
        List<NormalizedReading> readings =
                Fixtures.readings(Fixtures.feedInChunks(new IecStreamDecoder(), data, null, data.length));
        assertEquals(1, readings.size());
        Fixtures.assertGolden(capture, readings);
        assertEquals(readings, Fixtures.readings(Fixtures.feedInChunks(new IecStreamDecoder(), data, null, 1)));
    }

    @ParameterizedTest
    @MethodSource("captures")
    void random_chunks_with_request_echoes_and_noise_between_readouts_give_every_reading(Path capture) {
        byte[] readout = Fixtures.bytes(capture);
        Random random = new Random(capture.getFileName().toString().hashCode());
        ByteArrayOutputStream stream = new ByteArrayOutputStream();
        for (int i = 0; i < 4; i++) {
            stream.writeBytes("/?!\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            stream.writeBytes(new byte[] {0x06, '0', '5', '0', '\r', '\n', 'x', ' '});
            stream.writeBytes(readout);
        }
        List<NormalizedReading> readings =
                Fixtures.readings(Fixtures.feedInChunks(new IecStreamDecoder(), stream.toByteArray(), random, 37));
        assertEquals(4, readings.size());
        readings.forEach(r -> assertEquals(readings.get(0), r));
    }
}
