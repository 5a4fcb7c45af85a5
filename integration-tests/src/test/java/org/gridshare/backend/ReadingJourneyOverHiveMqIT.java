package org.gridshare.backend;

import java.io.IOException;
import java.nio.file.Path;
import org.gridshare.parts.EmbeddedHiveMq;
import org.gridshare.parts.MqttBroker;

/** The reading journey over the embedded HiveMQ CE broker (the demo's default). */
class ReadingJourneyOverHiveMqIT extends ReadingJourneyContract {
    @Override
    MqttBroker startBroker(Path dir) throws IOException {
        return EmbeddedHiveMq.start(dir);
    }
}
