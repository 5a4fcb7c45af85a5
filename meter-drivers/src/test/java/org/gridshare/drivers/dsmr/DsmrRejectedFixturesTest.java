package org.gridshare.drivers.dsmr;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.gridshare.drivers.DecodeException;
import org.gridshare.drivers.StreamDecoder;
import org.gridshare.drivers.fixtures.Fixtures;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Telegrams as damaged lines deliver them are rejected with the precise reason kept beside each capture
 * ({@code <capture>.reason}: the kind, the field and the detail), whole and through the stream decoder.
 */
class DsmrRejectedFixturesTest {

    static Stream<Path> captures() {
        return Fixtures.captures("dsmr-rejected").filter(p -> !p.toString().endsWith(".reason"));
    }

    private static List<String> reason(Path capture) {
        String text = new String(
                Fixtures.bytes(capture.resolveSibling(capture.getFileName() + ".reason")), StandardCharsets.UTF_8);
        return List.of(text.strip().split("\n", 3));
    }

    @ParameterizedTest
    @MethodSource("captures")
    void capture_is_rejected_with_its_reason(Path capture) {
        List<String> expected = reason(capture);
        DecodeException e = assertThrows(DecodeException.class, () -> DsmrDecoder.decode(Fixtures.bytes(capture)));
        assertEquals(expected, List.of(e.kind().name(), String.valueOf(e.field()), e.detail()));
    }

    @ParameterizedTest
    @MethodSource("captures")
    void stream_decoder_reports_the_same_reason_and_no_reading(Path capture) {
        byte[] data = Fixtures.bytes(capture);
        List<StreamDecoder.Event> events = Fixtures.feedInChunks(DsmrStreamDecoder.plain(), data, null, 7);
        assertEquals(1, events.size(), events.toString());
        StreamDecoder.Failed failed = assertInstanceOf(StreamDecoder.Failed.class, events.get(0));
        assertEquals(reason(capture).get(2), failed.error().detail());
    }
}
