package org.gridshare.backend;

import java.io.IOException;
import java.nio.file.Path;
import org.gridshare.localgrid.EmbeddedHiveMq;
import org.gridshare.localgrid.MqttBroker;

/** The reading journey over the embedded HiveMQ CE broker (the demo's default). */
class ReadingJourneyOverHiveMqTest extends ReadingJourneyContract {
    @Override
    MqttBroker startBroker(Path dir) throws IOException {
        return EmbeddedHiveMq.start(dir);
    }
}
