package org.gridshare.testsupport;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;

/**
 * Two connected pseudo-terminals made by {@code socat}: bytes written to one end come out of the other. Either
 * at the paths socat picks ({@link #start()}) or behind fixed symlinks ({@link #linked}), so a test can kill the
 * pair, as a USB unplug does, and make it again under the same names. Fails under {@code CI=true} when socat is
 * missing (CI installs it), skips elsewhere.
 */
public final class PtyPair implements AutoCloseable {

    private static final Pattern PTY = Pattern.compile("PTY is (/dev/\\S+)");

    public final String a;
    public final String b;
    private final Process socat;

    private PtyPair(Process socat, String a, String b) {
        this.socat = socat;
        this.a = a;
        this.b = b;
    }

    /** The socat executable; fails under CI (which installs it), skips elsewhere. */
    static String requireSocat() {
        for (String dir : (System.getenv().getOrDefault("PATH", "") + File.pathSeparator + "/usr/bin")
                .split(File.pathSeparator, -1)) { // an empty entry names no directory: skipped below
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

    /** Starts socat and waits (bounded) until it reports both pty paths and its transfer loop. */
    public static PtyPair start() throws IOException {
        Process p = new ProcessBuilder(requireSocat(), "-d", "-d", "pty,raw,echo=0", "pty,raw,echo=0")
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start();
        List<String> paths = awaitTransferLoop(p);
        if (paths.size() != 2) {
            p.destroyForcibly();
            throw new IOException("socat did not report two ptys: " + paths);
        }
        return new PtyPair(p, paths.get(0), paths.get(1));
    }

    /**
     * Starts socat with the two ends linked at {@code a} and {@code b} (replacing what is there); waits (bounded)
     * until it is ready. {@link #a} and {@link #b} are then those link paths.
     */
    public static PtyPair linked(Path a, Path b) throws IOException {
        Files.deleteIfExists(a);
        Files.deleteIfExists(b);
        Process p = new ProcessBuilder(
                        requireSocat(), "-d", "-d", "pty,raw,echo=0,link=" + a, "pty,raw,echo=0,link=" + b)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start();
        awaitTransferLoop(p);
        if (!Files.exists(a) || !Files.exists(b)) {
            p.destroyForcibly();
            throw new IOException("socat did not link both ptys: " + a + ", " + b);
        }
        return new PtyPair(p, a.toString(), b.toString());
    }

    /**
     * Reads socat's log until "starting data transfer loop" (off-thread and bounded, so a silent socat cannot hang
     * the test) and returns the pty paths it reported; then keeps draining the log so socat never blocks on a full
     * pipe.
     */
    private static List<String> awaitTransferLoop(Process p) throws IOException {
        List<String> paths = new ArrayList<>();
        List<String> seen = java.util.Collections.synchronizedList(new ArrayList<>());
        BufferedReader err = new BufferedReader(new InputStreamReader(p.getErrorStream(), StandardCharsets.UTF_8));
        java.util.concurrent.CompletableFuture<Boolean> ready = java.util.concurrent.CompletableFuture.supplyAsync(
                () -> {
                    try {
                        String line;
                        while ((line = err.readLine()) != null) {
                            seen.add(line);
                            Matcher m = PTY.matcher(line);
                            if (m.find()) {
                                synchronized (paths) {
                                    paths.add(m.group(1));
                                }
                            }
                            if (line.contains("starting data transfer loop")) {
                                return true;
                            }
                        }
                        return false;
                    } catch (IOException ex) {
                        return false;
                    }
                },
                runnable -> Thread.ofVirtual().start(runnable));
        boolean loop;
        try {
            loop = ready.get(10, TimeUnit.SECONDS);
        } catch (Exception ex) {
            loop = false;
        }
        if (!loop) {
            p.destroyForcibly();
            throw new IOException("socat did not start its transfer loop: " + seen);
        }
        Thread.ofVirtual().start(() -> {
            try {
                while (err.readLine() != null) {
                    // discard
                }
            } catch (IOException ignored) {
                // socat ended
            }
        });
        synchronized (paths) {
            return List.copyOf(paths);
        }
    }

    /** Kills socat hard, as an unplugged USB adapter vanishes: both ptys are gone. */
    public void kill() throws InterruptedException {
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
