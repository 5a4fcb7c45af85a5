package org.gridshare.drivers.serial;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;

/** Two connected pseudo-terminals made by {@code socat}: bytes written to one end come out of the other. */
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

    /** Starts socat and waits (bounded) until it reports both pty paths and its transfer loop. */
    public static PtyPair start() throws IOException {
        Process p = new ProcessBuilder(requireSocat(), "-d", "-d", "pty,raw,echo=0", "pty,raw,echo=0")
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start();
        List<String> paths = new ArrayList<>();
        List<String> seen = java.util.Collections.synchronizedList(new ArrayList<>());
        BufferedReader err = new BufferedReader(new InputStreamReader(p.getErrorStream(), StandardCharsets.UTF_8));
        // socat logs both pty paths and then "starting data transfer loop"; read that log off-thread so a
        // silent socat cannot hang the test
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
        if (paths.size() != 2 || !loop) {
            p.destroyForcibly();
            throw new IOException("socat did not report two ptys and its transfer loop: " + seen);
        }
        // keep draining socat's log so it never blocks on a full pipe
        Thread.ofVirtual().start(() -> {
            try {
                while (err.readLine() != null) {
                    // discard
                }
            } catch (IOException ignored) {
                // socat ended
            }
        });
        return new PtyPair(p, paths.get(0), paths.get(1));
    }

    @Override
    public void close() throws InterruptedException {
        socat.destroy();
        if (!socat.waitFor(5, TimeUnit.SECONDS)) {
            socat.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        }
    }
}
