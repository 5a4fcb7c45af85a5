package org.gridshare.agent.meter;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import org.gridshare.protocol.MeterStatus;
import org.gridshare.testsupport.ClasspathFixtures;

/**
 * meter-drivers' recorded golden captures (read from its test-jar on the classpath, not copied) and the
 * measurement each frame must become: the registers of its expected JSON, export 0 where the meter
 * sends none, and the status bits the agent signs.
 */
final class GoldenFrames {
    /** Where meter-drivers keeps its captures on the classpath. */
    static final String ROOT = "fixtures/";

    private GoldenFrames() {}

    static byte[] bytes(String fixture) {
        return ClasspathFixtures.bytes(ROOT + fixture);
    }

    /**
     * The measurements of every frame in the fixture, as the agent must sign them with its clock far from
     * the capture's (so a zoned meter time sets CLOCK_UNSYNCHRONISED).
     */
    static List<Measurement> expected(String fixture) {
        try {
            JsonNode root = new ObjectMapper().readTree(ClasspathFixtures.bytes(ROOT + fixture + ".json"));
            List<Measurement> out = new ArrayList<>();
            for (JsonNode f : root.isArray() ? root : List.of(root)) {
                long status = f.get("timestamp").isNull() ? 0 : MeterStatus.CLOCK_UNSYNCHRONISED;
                for (JsonNode s : f.get("status")) {
                    if (s.asText().equals("METER_ERROR")) {
                        status |= MeterStatus.METER_ERROR;
                    }
                }
                out.add(new Measurement(
                        f.get("importMilliWh").asLong(),
                        f.get("exportMilliWh").isNull()
                                ? 0
                                : f.get("exportMilliWh").asLong(),
                        f.get("powerMilliW").asLong(),
                        status));
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
