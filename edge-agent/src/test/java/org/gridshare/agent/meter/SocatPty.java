package org.gridshare.agent.meter;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * Two connected pseudo-terminals made by {@code socat}, each reachable through a fixed symlink (so a
 * test can kill the pair, as a USB unplug does, and make it again under the same names). Fails under
 * {@code CI=true} when socat is missing (CI installs it), skips elsewhere.
 */
final class SocatPty implements AutoCloseable {
    final Path meterEnd;
    final Path agentEnd;
    private final Process socat;

    private SocatPty(Process socat, Path meterEnd, Path agentEnd) {
        this.socat = socat;
        this.meterEnd = meterEnd;
        this.agentEnd = agentEnd;
    }

    static String requireSocat() {
        for (String dir : (System.getenv().getOrDefault("PATH", "") + File.pathSeparator + "/usr/bin")
                .split(File.pathSeparator)) {
            File f = new File(dir, "socat");
            if (f.canExecute()) {
                return f.getPath();
            }
        }
        String message = "socat is not installed; install it with: apt-get install socat";
        if ("true".equalsIgnoreCase(System.getenv("CI"))) {
            fail(message + " -- CI installs it, so its absence here is an error");
        }
        Assumptions.abort(message + " -- skipping the pseudo-terminal case");
        return null;
    }

    /** Starts socat with the two ends linked at {@code meterEnd} and {@code agentEnd}; waits (bounded) until it is ready. */
    static SocatPty start(Path meterEnd, Path agentEnd) throws IOException {
        Files.deleteIfExists(meterEnd);
        Files.deleteIfExists(agentEnd);
        Process p = new ProcessBuilder(
                        requireSocat(),
                        "-d",
                        "-d",
                        "pty,raw,echo=0,link=" + meterEnd,
                        "pty,raw,echo=0,link=" + agentEnd)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start();
        BufferedReader err = new BufferedReader(new InputStreamReader(p.getErrorStream(), StandardCharsets.UTF_8));
        List<String> seen = Collections.synchronizedList(new ArrayList<>());
        CompletableFuture<Boolean> ready = CompletableFuture.supplyAsync(
                () -> {
                    try {
                        String line;
                        while ((line = err.readLine()) != null) {
                            seen.add(line);
                            if (line.contains("starting data transfer loop")) {
                                return true;
                            }
                        }
                        return false;
                    } catch (IOException e) {
                        return false;
                    }
                },
                r -> Thread.ofVirtual().start(r));
        boolean ok;
        try {
            ok = ready.get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            ok = false;
        }
        if (!ok || !Files.exists(meterEnd) || !Files.exists(agentEnd)) {
            p.destroyForcibly();
            throw new IOException("socat did not link both ptys and start its transfer loop: " + seen);
        }
        Thread.ofVirtual()
                .start(
                        () -> { // keep draining the log so socat never blocks on a full pipe
                            try {
                                while (err.readLine() != null) {
                                    // discard
                                }
                            } catch (IOException ignored) {
                                // socat ended
                            }
                        });
        return new SocatPty(p, meterEnd, agentEnd);
    }

    /** Kills socat hard, as an unplugged USB adapter vanishes: both ptys are gone. */
    void kill() throws InterruptedException {
        socat.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
    }

    @Override
    public void close() {
        socat.destroy();
        try {
            if (!socat.waitFor(5, TimeUnit.SECONDS)) {
                socat.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
