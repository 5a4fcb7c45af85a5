package org.gridshare.parts;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Polls a condition until it holds or a deadline passes; never a blind sleep. */
final class Deadline {
    private static final long POLL_MILLIS = 20;

    private Deadline() {}

    /** Returns true as soon as the condition holds, false once {@code timeout} has passed without it. */
    static boolean await(Duration timeout, BooleanSupplier condition) {
        long end = System.nanoTime() + timeout.toNanos();
        while (true) {
            if (condition.getAsBoolean()) {
                return true;
            }
            if (System.nanoTime() - end >= 0) {
                return false;
            }
            try {
                Thread.sleep(POLL_MILLIS); // poll interval between checks of a condition, not a fixed wait
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return condition.getAsBoolean();
            }
        }
    }
}
