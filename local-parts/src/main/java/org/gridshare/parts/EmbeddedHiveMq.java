package org.gridshare.parts;

import com.hivemq.embedded.EmbeddedHiveMQ;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * HiveMQ Community Edition running inside this JVM: in-memory persistence, anonymous usage statistics
 * off, one TCP listener on 127.0.0.1 at a port we choose. HiveMQ's own logging bootstrap is skipped so
 * it does not reconfigure the application's logback.
 */
public final class EmbeddedHiveMq {
    public static final String NAME = "hivemq-ce-embedded";
    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);
    private static final int BIND_ATTEMPTS = 3;

    private EmbeddedHiveMq() {}

    /** Starts a broker whose configuration and data live under {@code workDir} (created if needed). */
    public static MqttBroker start(Path workDir) throws IOException {
        QuietLoggers.warnOnly("com.hivemq", "io.netty", "oshi", "jetbrains.exodus", "org.jboss", "migrations");
        PartStartException last = null;
        for (int attempt = 1; attempt <= BIND_ATTEMPTS; attempt++) {
            int port = FreePorts.pick();
            try {
                return startOn(workDir.resolve("hivemq-" + port), port);
            } catch (PartStartException e) {
                last = e; // most likely someone took the port between pick and bind: try another
            }
        }
        throw last;
    }

    private static MqttBroker startOn(Path dir, int port) throws IOException {
        Path conf = Files.createDirectories(dir.resolve("conf"));
        Path data = Files.createDirectories(dir.resolve("data"));
        Path extensions = Files.createDirectories(dir.resolve("extensions"));
        Files.writeString(conf.resolve("config.xml"), config(port));
        EmbeddedHiveMQ hivemq = EmbeddedHiveMQ.builder()
                .withConfigurationFolder(conf)
                .withDataFolder(data)
                .withExtensionsFolder(extensions)
                .withoutLoggingBootstrap()
                .build();
        try {
            hivemq.start().get(START_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException e) {
            stopQuietly(hivemq);
            Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
            throw new PartStartException(NAME, "start on 127.0.0.1:" + port + " failed: " + cause, List.of(), cause);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            stopQuietly(hivemq);
            throw new PartStartException(NAME, "interrupted while starting", List.of(), e);
        }
        if (!Deadline.await(Duration.ofSeconds(10), () -> FreePorts.accepts(port))) {
            stopQuietly(hivemq);
            throw new PartStartException(
                    NAME, "started but does not accept connections on 127.0.0.1:" + port, List.of());
        }
        return new LoopbackBroker(NAME, port, STOP_TIMEOUT, () -> stopQuietly(hivemq));
    }

    private static String config(int port) {
        return """
        <?xml version="1.0"?>
        <hivemq>
          <listeners>
            <tcp-listener>
              <port>%d</port>
              <bind-address>127.0.0.1</bind-address>
            </tcp-listener>
          </listeners>
          <persistence>
            <mode>in-memory</mode>
          </persistence>
          <anonymous-usage-statistics>
            <enabled>false</enabled>
          </anonymous-usage-statistics>
        </hivemq>
        """.formatted(port);
    }

    private static void stopQuietly(EmbeddedHiveMQ hivemq) {
        try {
            hivemq.stop().get(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException | RuntimeException e) {
            // best effort on a broker that never came up
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
