package org.gridshare.backend;

import java.io.IOException;
import java.nio.file.Path;
import org.gridshare.parts.Mosquitto;
import org.gridshare.parts.MqttBroker;

/**
 * The reading journey over a real Mosquitto. Fails, saying so, when {@code mosquitto} is not on the
 * PATH: {@code .ci/run} installs it (Debian package), and a silent skip would hide a missing broker.
 */
class ReadingJourneyOverMosquittoIT extends ReadingJourneyContract {
    @Override
    MqttBroker startBroker(Path dir) throws IOException {
        if (!Mosquitto.available()) {
            throw new IllegalStateException("mosquitto is not on the PATH: install the Debian package "
                    + "'mosquitto' (.ci/run does) to run the backend tests against it");
        }
        return Mosquitto.start(dir);
    }
}
