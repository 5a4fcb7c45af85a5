package org.gridshare.drivers.sml;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.gridshare.drivers.DecodeException;
import org.gridshare.drivers.NormalizedReading;
import org.gridshare.drivers.StreamDecoder;
import org.gridshare.drivers.fixtures.Fixtures;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Real eHZ dumps (cut anywhere by {@code dd}: they start mid-frame and usually end mid-frame) decode to
 * their golden readings, whole, byte by byte and in random chunks. Only the frame cut off by the end of
 * the dump may fail, and only as TRUNCATED.
 */
class SmlGoldenFixturesTest {

    static Stream<Path> captures() {
        return Fixtures.captures("sml");
    }

    static List<NormalizedReading> decode(byte[] data, Random random, int maxChunk) {
        List<StreamDecoder.Event> events = Fixtures.feedInChunks(new SmlStreamDecoder(), data, random, maxChunk);
        List<NormalizedReading> readings = new ArrayList<>();
        for (int i = 0; i < events.size(); i++) {
            StreamDecoder.Event e = events.get(i);
            if (e instanceof StreamDecoder.Decoded d) {
                readings.add(d.reading());
            } else if (e instanceof StreamDecoder.Failed f) {
                boolean last = events.subList(i + 1, events.size()).stream()
                        .noneMatch(x -> x instanceof StreamDecoder.Decoded);
                if (!(last && f.error().kind() == DecodeException.Kind.TRUNCATED)) {
                    throw new AssertionError(
                            "frame at " + f.offset() + ": " + f.error().getMessage(), f.error());
                }
            }
        }
        return readings;
    }

    @ParameterizedTest
    @MethodSource("captures")
    void dump_decodes_to_its_golden_readings(Path capture) {
        List<NormalizedReading> readings = decode(Fixtures.bytes(capture), null, Integer.MAX_VALUE);
        assertFalse(readings.isEmpty());
        Fixtures.assertGolden(capture, readings);
    }

    @ParameterizedTest
    @MethodSource("captures")
    void one_byte_at_a_time_and_random_chunks_give_the_same_readings(Path capture) {
        byte[] data = Fixtures.bytes(capture);
        List<NormalizedReading> whole = decode(data, null, Integer.MAX_VALUE);
        assertEquals(whole, decode(data, null, 1));
        assertEquals(
                whole, decode(data, new Random(capture.getFileName().toString().hashCode()), 50));
    }
}
