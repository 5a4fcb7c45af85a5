package org.gridshare.agent;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * The agent in a JVM of its own ({@code AgentTestMain} on the test class path, the device's JVM flags),
 * with every line of its standard output and standard error kept for the test to inspect.
 */
public final class AgentProcess implements AutoCloseable {
    private final Process process;
    private final List<String> stdout = new ArrayList<>();
    private final List<String> stderr = new ArrayList<>();
    private final Thread[] pumps;

    private AgentProcess(Process process) {
        this.process = process;
        this.pumps = new Thread[] {
            pump(process.getInputStream(), stdout, "agent-stdout"),
            pump(process.getErrorStream(), stderr, "agent-stderr")
        };
    }

    /** Starts {@code agent run --config config} with extra JVM flags and environment variables. */
    public static AgentProcess start(Path config, List<String> jvmFlags, Map<String, String> env) throws IOException {
        return start(config, jvmFlags, env, System.getProperty("java.class.path"));
    }

    /** As {@link #start(Path, List, Map)}, on {@code classpath} instead of the test's class path. */
    public static AgentProcess start(Path config, List<String> jvmFlags, Map<String, String> env, String classpath)
            throws IOException {
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> cmd = new ArrayList<>(
                List.of(java, "-Xmx64m", "-XX:TieredStopAtLevel=1", "-Xss256k", "--enable-native-access=ALL-UNNAMED"));
        cmd.addAll(jvmFlags);
        cmd.addAll(List.of("-cp", classpath, AgentTestMain.NAME, "run", "--config", config.toString()));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().remove("GRIDSHARE_DATA_DIR");
        pb.environment().remove("GRIDSHARE_LOG_FORMAT");
        pb.environment().remove("GRIDSHARE_LOG_LEVEL");
        pb.environment().putAll(env);
        return new AgentProcess(pb.start());
    }

    private static Thread pump(InputStream in, List<String> into, String name) {
        Thread t = new Thread(
                () -> {
                    try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                        String line;
                        while ((line = r.readLine()) != null) {
                            synchronized (into) {
                                into.add(line);
                            }
                        }
                    } catch (IOException ignored) {
                        // the process was killed
                    }
                },
                name);
        t.setDaemon(true);
        t.start();
        return t;
    }

    /** Waits until a line of standard output matches; fails with the output so far otherwise. */
    public String awaitLine(Predicate<String> matches, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        int seen = 0;
        while (System.nanoTime() < deadline) {
            List<String> lines = stdout();
            for (int i = seen; i < lines.size(); i++) {
                if (matches.test(lines.get(i))) {
                    return lines.get(i);
                }
            }
            seen = lines.size();
            if (!process.isAlive() && seen == stdout().size()) {
                throw new AssertionError("agent exited with " + process.exitValue() + ":\n" + output());
            }
            process.waitFor(20, TimeUnit.MILLISECONDS); // polling the output with a deadline
        }
        throw new AssertionError("no matching line within " + timeout + ":\n" + output());
    }

    public List<String> stdout() {
        synchronized (stdout) {
            return List.copyOf(stdout);
        }
    }

    public List<String> stderr() {
        synchronized (stderr) {
            return List.copyOf(stderr);
        }
    }

    /** Both streams, for failure messages (truncated). */
    public String output() {
        String all = String.join("\n", stdout()) + "\n--- stderr ---\n" + String.join("\n", stderr());
        return all.length() > 20_000 ? all.substring(all.length() - 20_000) : all;
    }

    /** SIGTERM (the orderly stop); returns the exit code. */
    public int stop() throws InterruptedException {
        // through the handle: Process.destroy() also closes our ends of the pipes, losing the last lines
        process.toHandle().destroy();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("agent did not stop on SIGTERM within 30 s:\n" + output());
        }
        drainPumps();
        return process.exitValue();
    }

    /** Waits for the process to end by itself; returns its exit code, or fails with the output. */
    public int awaitExit(Duration timeout) throws InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError("agent still running after " + timeout + ":\n" + output());
        }
        drainPumps();
        return process.exitValue();
    }

    /** SIGKILL. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
        drainPumps();
    }

    private void drainPumps() throws InterruptedException {
        for (Thread t : pumps) {
            t.join(5_000); // they end at the end of the streams, right after the exit
        }
    }

    public long pid() {
        return process.pid();
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            try {
                kill();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt(); // the caller's interrupt stays visible; the process is killed
            }
        }
    }
}
