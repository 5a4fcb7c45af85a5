package org.gridshare.parts;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A child process that cannot outlive this JVM. It runs under a small {@code sh} guard that holds our
 * stdin pipe: when the pipe closes (our {@link #close}, normal exit, or this JVM killed with SIGKILL,
 * where no shutdown hook runs) the guard sends the child SIGTERM, then SIGKILL after 5 s. The binary
 * is started directly, never through a Node wrapper that would orphan it.
 */
final class GuardedProcess implements AutoCloseable {
    private static final String GUARD_SCRIPT = """
      bin="$1"; shift
      exec 3<&0
      "$bin" "$@" 3<&- </dev/null &
      child=$!
      echo "gridshare-guard child-pid $child"
      ( read _ignored <&3
        kill -TERM $child 2>/dev/null
        n=0
        while kill -0 $child 2>/dev/null && [ $n -lt 50 ]; do sleep 0.1; n=$((n+1)); done
        kill -KILL $child 2>/dev/null ) &
      watcher=$!
      exec 3<&-
      trap 'kill -TERM $child 2>/dev/null' TERM INT HUP
      wait $child 2>/dev/null; rc=$?
      while kill -0 $child 2>/dev/null; do wait $child 2>/dev/null; rc=$?; done
      kill $watcher 2>/dev/null
      exit $rc
      """;
    private static final String PID_MARKER = "gridshare-guard child-pid ";
    private static final int HEAD_LINES = 1000;
    private static final int TAIL_LINES = 40;

    private final String part;
    private final Process guard;
    private final List<String> head = new ArrayList<>();
    private final ArrayDeque<String> tail = new ArrayDeque<>();
    private long childPid = -1;
    private boolean outputEnded;
    private boolean closed;

    private GuardedProcess(String part, Process guard, Path logFile) throws IOException {
        this.part = part;
        this.guard = guard;
        Thread reader = new Thread(() -> pump(logFile), "gridshare-output-" + part);
        reader.setDaemon(true);
        reader.start();
    }

    /** Starts {@code command} (binary first) under the guard; output and errors go to one stream. */
    static GuardedProcess start(String part, List<String> command, Path workDir, Path logFile) throws IOException {
        List<String> full = new ArrayList<>(List.of("sh", "-c", GUARD_SCRIPT, "gridshare-guard"));
        full.addAll(command);
        ProcessBuilder pb = new ProcessBuilder(full).redirectErrorStream(true);
        if (workDir != null) {
            pb.directory(workDir.toFile());
        }
        GuardedProcess p = new GuardedProcess(part, pb.start(), logFile);
        if (!Deadline.await(Duration.ofSeconds(10), () -> p.childPid() > 0 || !p.guard.isAlive())) {
            p.close();
            throw new PartStartException(part, "its guard shell did not report the child's pid", p.lastLines());
        }
        return p;
    }

    private void pump(Path logFile) {
        try (BufferedReader in =
                        new BufferedReader(new InputStreamReader(guard.getInputStream(), StandardCharsets.UTF_8));
                BufferedWriter log = logFile == null ? null : Files.newBufferedWriter(logFile)) {
            String line;
            while ((line = in.readLine()) != null) {
                if (log != null && !line.startsWith(PID_MARKER)) {
                    log.write(line);
                    log.newLine();
                    log.flush();
                }
                synchronized (this) {
                    if (childPid < 0 && line.startsWith(PID_MARKER)) {
                        childPid = Long.parseLong(
                                line.substring(PID_MARKER.length()).trim());
                        notifyAll();
                        continue;
                    }
                    if (head.size() < HEAD_LINES) {
                        head.add(line);
                    }
                    tail.addLast(line);
                    if (tail.size() > TAIL_LINES) {
                        tail.removeFirst();
                    }
                    notifyAll();
                }
            }
        } catch (IOException | RuntimeException e) {
            // the stream closes when the process ends; either way there is no more output to keep
        } finally {
            synchronized (this) {
                outputEnded = true;
                notifyAll();
            }
        }
    }

    /** Pid of the real binary (not of the guard shell), or -1 before the guard reported it. */
    synchronized long childPid() {
        return childPid;
    }

    /** The first lines the process printed (up to 1000), for parsing start-up banners. */
    synchronized List<String> headLines() {
        return List.copyOf(head);
    }

    /** The last lines the process printed, for error messages. */
    synchronized List<String> lastLines() {
        return List.copyOf(tail);
    }

    boolean isAlive() {
        return guard.isAlive();
    }

    /**
     * Waits for the first printed line matching {@code match}. Throws when the process ends first or the
     * deadline passes, naming what it was waiting for.
     */
    String awaitLine(Predicate<String> match, String what, Duration timeout) throws PartStartException {
        long end = System.nanoTime() + timeout.toNanos();
        int seen = 0;
        synchronized (this) {
            while (true) {
                for (; seen < head.size(); seen++) {
                    if (match.test(head.get(seen))) {
                        return head.get(seen);
                    }
                }
                if (outputEnded) {
                    throw new PartStartException(part, "it exited before printing " + what, lastLines());
                }
                long left = end - System.nanoTime();
                if (left <= 0) {
                    throw new PartStartException(
                            part, "no " + what + " within " + timeout.toMillis() + " ms", lastLines());
                }
                try {
                    TimeUnit.NANOSECONDS.timedWait(this, left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new PartStartException(part, "interrupted while waiting for " + what, lastLines());
                }
            }
        }
    }

    /** Closes our end of the pipe (the guard then stops the child) and waits for both to be gone. */
    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        try {
            guard.getOutputStream().close(); // closing is the signal
        } catch (IOException alreadyClosed) {
            // the guard is gone already
        }
        boolean exited = waitFor(guard.toHandle(), Duration.ofSeconds(10));
        Optional<ProcessHandle> child = childPid > 0 ? ProcessHandle.of(childPid) : Optional.empty();
        if (!exited) {
            child.ifPresent(ProcessHandle::destroyForcibly);
            guard.destroyForcibly();
            waitFor(guard.toHandle(), Duration.ofSeconds(5));
        }
        child.ifPresent(c -> waitFor(c, Duration.ofSeconds(5)));
    }

    private static boolean waitFor(ProcessHandle handle, Duration timeout) {
        return Deadline.await(timeout, () -> !handle.isAlive());
    }
}
