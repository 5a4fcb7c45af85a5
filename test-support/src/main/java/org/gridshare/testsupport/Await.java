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

    /** A condition or probe that may throw: a chain, HTTP or Kafka call. */
    @FunctionalInterface
    public interface Check<T> {
        T get() throws Exception;
    }

    /**
     * As {@link #until(String, Duration, BooleanSupplier)} for a condition that may throw: its first exception
     * ends the wait and is rethrown as it is (a failing call is not a condition that does not hold yet).
     */
    public static void untilChecked(String what, Duration timeout, Check<Boolean> condition) throws Exception {
        untilChecked(what, timeout, condition, () -> "");
    }

    /** As {@link #untilChecked(String, Duration, Check)}, naming the state {@code state} describes on failure. */
    public static void untilChecked(String what, Duration timeout, Check<Boolean> condition, Supplier<String> state)
            throws Exception {
        Exception[] failure = new Exception[1];
        until(
                what,
                timeout,
                () -> {
                    try {
                        return condition.get();
                    } catch (Exception e) {
                        failure[0] = e;
                        return true;
                    }
                },
                state);
        if (failure[0] != null) {
            throw failure[0];
        }
    }

    /** As {@link #value} for a probe that may throw: its first exception ends the wait and is rethrown. */
    public static <T> T valueChecked(String what, Duration timeout, Check<Optional<T>> probe) throws Exception {
        Exception[] failure = new Exception[1];
        Object[] found = new Object[1];
        until(what, timeout, () -> {
            try {
                Optional<T> v = probe.get();
                v.ifPresent(x -> found[0] = x);
                return v.isPresent();
            } catch (Exception e) {
                failure[0] = e;
                return true;
            }
        });
        if (failure[0] != null) {
            throw failure[0];
        }
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
