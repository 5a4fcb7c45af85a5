package org.gridshare.parts;

import static org.junit.jupiter.api.Assertions.fail;

import org.junit.jupiter.api.Assumptions;

/** What tests do when a part that is installed separately (apt) is missing. */
public final class InstalledParts {
    private InstalledParts() {}

    /** Fails under CI (which installs mosquitto), otherwise skips the test saying why. */
    public static void requireMosquitto() {
        if (Mosquitto.available()) {
            return;
        }
        String message = "mosquitto is not installed (no executable on PATH or at /usr/sbin/mosquitto);"
                + " install it with: apt-get install mosquitto";
        if ("true".equalsIgnoreCase(System.getenv("CI"))) {
            fail(message + " -- CI installs it, so its absence here is an error");
        }
        Assumptions.abort(message + " -- skipping the mosquitto case");
    }
}
