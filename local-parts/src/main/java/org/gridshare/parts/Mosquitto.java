package org.gridshare.parts;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Eclipse Mosquitto (the Debian package {@code mosquitto}) as a guarded child process with a generated
 * configuration: one listener on 127.0.0.1, anonymous clients allowed, no persistence.
 */
public final class Mosquitto {
    public static final String NAME = "mosquitto";
    private static final Duration START_TIMEOUT = Duration.ofSeconds(20);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(15);
    private static final int BIND_ATTEMPTS = 3;

    private Mosquitto() {}

    /** True when a {@code mosquitto} executable is on the PATH or at /usr/sbin/mosquitto. */
    public static boolean available() {
        return executable().isPresent();
    }

    /** Starts mosquitto with its config and log under {@code workDir}; returns once it accepts connections. */
    public static MqttBroker start(Path workDir) throws IOException {
        return start(workDir, "");
    }

    /**
     * As {@link #start(Path)}, with {@code extraConfig} appended to the generated configuration, e.g. a
     * second {@code listener} with {@code cafile}/{@code certfile}/{@code keyfile} for TLS on a port the
     * caller chose; {@link MqttBroker#serverUri()} stays the plain listener.
     */
    public static MqttBroker start(Path workDir, String extraConfig) throws IOException {
        Path bin = executable()
                .orElseThrow(() -> new PartStartException(
                        NAME,
                        "no mosquitto executable on the PATH or at /usr/sbin/mosquitto"
                                + " (Debian/Ubuntu: apt-get install mosquitto)",
                        List.of()));
        Files.createDirectories(workDir);
        PartStartException last = null;
        for (int attempt = 1; attempt <= BIND_ATTEMPTS; attempt++) {
            int port = FreePorts.pick();
            try {
                return startOn(bin, workDir, port, extraConfig);
            } catch (PartStartException e) {
                last = e; // typically "Address already in use" after a bind race: try another port
            }
        }
        throw last;
    }

    private static MqttBroker startOn(Path bin, Path workDir, int port, String extraConfig) throws IOException {
        Path conf = workDir.resolve("mosquitto-" + port + ".conf");
        Files.writeString(conf, """
        listener %d 127.0.0.1
        allow_anonymous true
        persistence false
        log_dest stderr
        log_type error
        log_type warning
        log_type notice
        """.formatted(port) + extraConfig);
        GuardedProcess process = GuardedProcess.start(
                NAME,
                List.of(bin.toString(), "-c", conf.toString()),
                workDir,
                workDir.resolve("mosquitto-" + port + ".log"));
        boolean up = Deadline.await(START_TIMEOUT, () -> !process.isAlive() || FreePorts.accepts(port));
        if (!up || !process.isAlive()) {
            List<String> output = process.lastLines();
            process.close();
            throw new PartStartException(
                    NAME,
                    up
                            ? "it exited before accepting connections on 127.0.0.1:" + port
                            : "no connection accepted on 127.0.0.1:" + port + " within " + START_TIMEOUT.toSeconds()
                                    + " s",
                    output);
        }
        return new LoopbackBroker(NAME, port, STOP_TIMEOUT, process::close);
    }

    static Optional<Path> executable() {
        String path = System.getenv("PATH");
        if (path != null) {
            for (String dir : path.split(java.io.File.pathSeparator, -1)) {
                if (!dir.isEmpty()) {
                    Path candidate = Path.of(dir, "mosquitto");
                    if (Files.isExecutable(candidate) && !Files.isDirectory(candidate)) {
                        return Optional.of(candidate);
                    }
                }
            }
        }
        Path sbin = Path.of("/usr/sbin/mosquitto");
        return Files.isExecutable(sbin) ? Optional.of(sbin) : Optional.empty();
    }
}
