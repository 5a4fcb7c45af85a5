package org.gridshare.parts;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Child processes must not outlive a JVM that is killed with SIGKILL, when no shutdown hook runs. */
class ChildProcessGuardIT {
    @TempDir
    Path workDir;

    @ParameterizedTest(name = "{0} after SIGKILL={1}")
    @CsvSource({"anvil,true", "mosquitto,true", "anvil,false", "mosquitto,false"})
    void child_dies_when_its_jvm_is_killed_hard_or_terminated(String part, boolean hard) throws Exception {
        if (part.equals(Mosquitto.NAME)) {
            InstalledParts.requireMosquitto();
        }
        String java = ProcessHandle.current().info().command().orElseThrow();
        Process jvm = new ProcessBuilder(
                        java,
                        "-cp",
                        System.getProperty("java.class.path"),
                        PartHolder.class.getName(),
                        part,
                        workDir.toString())
                .redirectErrorStream(true)
                .start();
        List<Long> pids;
        List<String> output = new ArrayList<>();
        try {
            pids = descendants(jvm, output);
            assertFalse(pids.isEmpty(), "the holder JVM started no child process: " + output);
            assertTrue(pids.stream().allMatch(ChildProcessGuardIT::running), "children not running: " + pids);
        } finally {
            if (hard) {
                jvm.destroyForcibly(); // SIGKILL: no shutdown hook in the holder runs, only the guard helps
            } else {
                jvm.destroy(); // SIGTERM, like Ctrl-C: the shutdown hooks close the part
            }
        }
        assertTrue(jvm.waitFor(10, TimeUnit.SECONDS), "holder JVM did not die");
        boolean gone =
                Deadline.await(Duration.ofSeconds(8), () -> pids.stream().noneMatch(ChildProcessGuardIT::running));
        assertTrue(
                gone,
                part + " processes still running 8 s after their JVM was " + (hard ? "killed: " : "terminated: ")
                        + pids.stream().filter(ChildProcessGuardIT::running).toList());
    }

    private static List<Long> descendants(Process jvm, List<String> output) throws Exception {
        BufferedReader in = new BufferedReader(new InputStreamReader(jvm.getInputStream(), StandardCharsets.UTF_8));
        CompletableFuture<List<Long>> found = CompletableFuture.supplyAsync(() -> {
            try {
                String line;
                while ((line = in.readLine()) != null) {
                    synchronized (output) {
                        output.add(line);
                    }
                    if (line.startsWith("DESCENDANTS")) {
                        return Arrays.stream(line.substring("DESCENDANTS".length())
                                        .trim()
                                        .split("\\s+"))
                                .filter(s -> !s.isEmpty())
                                .map(Long::parseLong)
                                .toList();
                    }
                }
                return List.<Long>of();
            } catch (IOException e) {
                return List.<Long>of();
            }
        });
        try {
            return found.get(60, TimeUnit.SECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            synchronized (output) {
                fail("holder JVM printed no DESCENDANTS line within 60 s: " + output);
            }
            throw e;
        }
    }

    /** Alive and not a zombie: a zombie holds no port and no memory, it only waits for a reaper. */
    static boolean running(long pid) {
        if (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
            try {
                String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
                return stat.charAt(stat.lastIndexOf(')') + 2) != 'Z';
            } catch (IOException | RuntimeException e) {
                return false;
            }
        }
        return false;
    }
}
