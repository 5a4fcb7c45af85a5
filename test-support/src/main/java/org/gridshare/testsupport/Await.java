package org.gridshare.testsupport;

import java.time.Duration;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.opentest4j.AssertionFailedError;

/**
 * Waits for a condition with a deadline, polling; never a blind sleep. A condition that does not hold by the
 * deadline fails the test with what was awaited and the state observed last.
 */
public final class Await {
    private static final long POLL_MILLIS = 20;

    private Await() {}

    /** Waits until {@code condition} holds, or fails after {@code timeout} naming {@code what}. */
    public static void until(String what, Duration timeout, BooleanSupplier condition) {
        until(what, timeout, condition, () -> "");
    }

    /**
     * Waits until {@code condition} holds, or fails after {@code timeout} naming {@code what} and the state that
     * {@code state} describes at that moment.
     */
    public static void until(String what, Duration timeout, BooleanSupplier condition, Supplier<String> state) {
        if (!holdsWithin(timeout, condition)) {
            String s = state.get();
            throw new AssertionFailedError(
                    "not within " + timeout.toMillis() + " ms: " + what + (s.isEmpty() ? "" : " (" + s + ")"));
        }
    }

    /** Waits until {@code probe} yields a value and returns it, or fails after {@code timeout}. */
    public static <T> T value(String what, Duration timeout, Supplier<Optional<T>> probe) {
        Object[] found = new Object[1];
        until(what, timeout, () -> {
            Optional<T> v = probe.get();
            v.ifPresent(x -> found[0] = x);
            return v.isPresent();
        });
        @SuppressWarnings("unchecked")
        T t = (T) found[0];
        return t;
    }

    /** True as soon as {@code condition} holds, false once {@code timeout} has passed without it. */
    public static boolean holdsWithin(Duration timeout, BooleanSupplier condition) {
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
