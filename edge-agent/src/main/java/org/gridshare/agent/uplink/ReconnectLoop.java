package org.gridshare.agent.uplink;

import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One background reconnect loop per uplink: attempts with {@link Backoff} (1 s doubling to 60 s, with
 * jitter) until connected or closed; starting it again while it runs does nothing.
 */
public final class ReconnectLoop {
    private static final Logger LOG = LoggerFactory.getLogger(ReconnectLoop.class);

    /** One connect attempt. */
    @FunctionalInterface
    public interface Attempt {
        void run() throws Exception;
    }

    private final String name;
    private final BooleanSupplier done;
    private final Attempt attempt;
    private final AtomicBoolean running = new AtomicBoolean();
    private final java.util.function.LongSupplier maxDelayMs;

    /**
     * @param name thread name and log prefix
     * @param done true when connected or closed: the loop stops
     * @param attempt one connect attempt; its exception is logged and the next attempt waits longer
     */
    public ReconnectLoop(String name, BooleanSupplier done, Attempt attempt) {
        this(name, done, attempt, () -> 60_000);
    }

    /** As above, the longest pause between attempts read from {@code maxDelayMs} when a loop starts. */
    public ReconnectLoop(
            String name, BooleanSupplier done, Attempt attempt, java.util.function.LongSupplier maxDelayMs) {
        this.name = name;
        this.done = done;
        this.attempt = attempt;
        this.maxDelayMs = maxDelayMs;
    }

    public void start() {
        if (done.getAsBoolean() || !running.compareAndSet(false, true)) {
            return;
        }
        Thread t = new Thread(
                () -> {
                    Backoff backoff =
                            new Backoff(1000, Math.max(1000, maxDelayMs.getAsLong()), ThreadLocalRandom.current());
                    try {
                        while (!done.getAsBoolean()) {
                            try {
                                Thread.sleep(
                                        backoff.nextDelayMs()); // backoff between attempts, not a wait for a condition
                                attempt.run();
                            } catch (InterruptedException e) {
                                return;
                            } catch (Exception e) {
                                LOG.debug("{}: reconnect failed: {}", name, e.getMessage());
                            }
                        }
                    } finally {
                        running.set(false);
                    }
                    if (!done.getAsBoolean()) {
                        start(); // lost again right after the loop ended
                    }
                },
                name);
        t.setDaemon(true);
        t.start();
    }
}
