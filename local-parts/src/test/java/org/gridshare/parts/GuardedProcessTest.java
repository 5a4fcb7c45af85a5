package org.gridshare.parts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GuardedProcessTest {
    @TempDir
    Path dir;

    @Test
    void a_child_that_exits_early_is_reported_with_its_last_lines() throws Exception {
        try (GuardedProcess p = GuardedProcess.start(
                "crasher",
                List.of("/bin/sh", "-c", "echo starting; echo 'config line 3: bad listener' >&2; exit 3"),
                dir,
                null)) {
            PartStartException e = assertThrows(
                    PartStartException.class,
                    () -> p.awaitLine(l -> l.startsWith("Listening"), "a \"Listening\" line", Duration.ofSeconds(10)));
            assertEquals("crasher", e.part());
            assertEquals(List.of("starting", "config line 3: bad listener"), e.lastOutput());
            assertTrue(e.getMessage().contains("exited before printing a \"Listening\" line"), e.getMessage());
        }
    }

    @Test
    void a_child_that_stays_silent_fails_at_the_deadline() throws Exception {
        try (GuardedProcess p =
                GuardedProcess.start("sleeper", List.of("/bin/sh", "-c", "echo hello; exec sleep 60"), dir, null)) {
            long t0 = System.nanoTime();
            PartStartException e = assertThrows(
                    PartStartException.class,
                    () -> p.awaitLine(l -> l.contains("ready"), "a ready line", Duration.ofMillis(300)));
            assertTrue(System.nanoTime() - t0 < Duration.ofSeconds(5).toNanos(), "deadline not kept");
            assertTrue(e.getMessage().contains("no a ready line within 300 ms"), e.getMessage());
            assertEquals(List.of("hello"), e.lastOutput());
        }
    }

    @Test
    void close_stops_the_child_and_keeps_its_output_in_the_log_file() throws Exception {
        Path log = dir.resolve("child.log");
        GuardedProcess p =
                GuardedProcess.start("sleeper", List.of("/bin/sh", "-c", "echo up; exec sleep 60"), dir, log);
        p.awaitLine("up"::equals, "up", Duration.ofSeconds(10));
        long pid = p.childPid();
        assertTrue(ChildProcessGuardIT.running(pid));
        p.close();
        assertFalse(ChildProcessGuardIT.running(pid), "child " + pid + " survived close");
        assertFalse(p.isAlive());
        p.close();
        assertEquals(List.of("up"), Files.readAllLines(log));
    }
}
