package org.gridshare.cli.demo;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.gridshare.cli.local.LocalGrid;

/**
 * Work directories under the system's temporary directory that name the process using them: each holds
 * a {@value #PID_FILE} file with the owner's process id, so the next run removes those whose owner is
 * gone (a demo killed with SIGKILL cannot clean up after itself). A directory without the file is removed
 * only once it is older than {@link #UNOWNED_AGE} (written by an older version, or a run that died
 * before it wrote the file).
 */
final class StaleWorkDirs {
    static final String PID_FILE = "owner.pid";
    static final Duration UNOWNED_AGE = Duration.ofMinutes(10);

    private StaleWorkDirs() {}

    /** A new work directory {@code <tmp>/<prefix>…} that names this process as its owner. */
    static Path create(String prefix) throws IOException {
        Path dir = Files.createTempDirectory(prefix);
        Files.writeString(
                dir.resolve(PID_FILE), Long.toString(ProcessHandle.current().pid()) + "\n");
        return dir;
    }

    /** Removes the {@code <tmp>/<prefix>*} directories whose owner process is gone; returns how many. */
    static int removeDead(String prefix) {
        return removeDead(Path.of(System.getProperty("java.io.tmpdir")), prefix);
    }

    static int removeDead(Path tmp, String prefix) {
        int removed = 0;
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(tmp, prefix + "*")) {
            for (Path d : dirs) {
                if (Files.isDirectory(d) && !alive(d)) {
                    try {
                        LocalGrid.deleteTree(d);
                        removed++;
                    } catch (IOException e) {
                        // another user's directory or a file in use: left alone, never fatal for this run
                    }
                }
            }
        } catch (IOException e) {
            return removed;
        }
        return removed;
    }

    private static boolean alive(Path dir) {
        Path pidFile = dir.resolve(PID_FILE);
        try {
            if (!Files.exists(pidFile)) {
                return Files.getLastModifiedTime(dir)
                        .toInstant()
                        .isAfter(Instant.now().minus(UNOWNED_AGE));
            }
            long pid = Long.parseLong(
                    Files.readString(pidFile, StandardCharsets.UTF_8).trim());
            Optional<ProcessHandle> p = ProcessHandle.of(pid);
            return p.isPresent() && p.get().isAlive();
        } catch (IOException | NumberFormatException e) {
            return true; // unreadable: not ours to judge
        }
    }
}
