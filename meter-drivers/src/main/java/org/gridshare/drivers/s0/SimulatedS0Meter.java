package org.gridshare.drivers.s0;

import com.pi4j.context.Context;
import com.pi4j.io.IO;
import com.pi4j.io.IOType;
import com.pi4j.io.gpio.digital.DigitalInput;
import com.pi4j.io.gpio.digital.DigitalState;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * A simulated S0 meter on Pi4J's mock platform. It drives the very {@code MockDigitalInput} that an
 * {@link S0PulseInput} on the same pin reads, so every simulated pulse travels Pi4J's real listener
 * path (state change event, listener dispatch) into the counter.
 *
 * <p>The input is looked up in the context's registry when a pulse is sent, so the simulator and the
 * {@code S0PulseInput} may be created in either order; pulses sent while no input exists on the pin
 * throw (from {@link #pulse(int)}) or are skipped (from a schedule started with {@link #start}).
 *
 * <p>The mock input is driven through its {@code mockState} method by reflection: the mock plugin is not on a
 * real box's class path, and may come from a class loader of its own ({@link MockPlatform}).
 */
public final class SimulatedS0Meter implements AutoCloseable {
    private static final String MOCK_INPUT_CLASS = "com.pi4j.plugin.mock.provider.gpio.digital.MockDigitalInput";

    private final Context pi4j;
    private final int bcmPin;
    private long pulses;
    private long skippedTicks;
    private ScheduledFuture<?> schedule;

    /** A simulator for the input on {@code bcmPin} of a context built with the mock plugins. */
    public SimulatedS0Meter(Context mockPi4j, int bcmPin) {
        this.pi4j = Objects.requireNonNull(mockPi4j, "mockPi4j");
        this.bcmPin = bcmPin;
    }

    /**
     * Sends {@code n} complete pulses (high, then low) right now, on the calling thread. Listeners run
     * synchronously, so when this returns the pulses have reached the counter.
     *
     * @throws IllegalStateException when no mock digital input is open on the pin
     */
    public synchronized void pulse(int n) {
        if (n < 0) {
            throw new IllegalArgumentException("n must be >= 0: " + n);
        }
        MockLine input = mockInput();
        for (int i = 0; i < n; i++) {
            input.set(DigitalState.HIGH);
            input.set(DigitalState.LOW);
            pulses++;
        }
    }

    /**
     * Sets the raw line level, for simulating contact bounce or a pulse held across a restart. Does not
     * change {@link #pulses()}.
     */
    public synchronized void level(boolean high) {
        mockInput().set(high ? DigitalState.HIGH : DigitalState.LOW);
    }

    /**
     * Starts pulsing on {@code scheduler}, about {@code pulsesPerSecond} (never faster); replaces a running
     * schedule. Keep the period above the receiving counter's debounce time.
     */
    public void start(ScheduledExecutorService scheduler, long pulsesPerSecond) {
        if (pulsesPerSecond < 1 || pulsesPerSecond > 1_000_000) {
            throw new IllegalArgumentException("pulsesPerSecond must be 1..1000000: " + pulsesPerSecond);
        }
        start(scheduler, Duration.ofNanos(1_000_000_000L / pulsesPerSecond));
    }

    /**
     * Starts sending one pulse every {@code period} on {@code scheduler} (for slow rates such as one pulse
     * every 3.6 s, i.e. 1 kW at 1000 imp/kWh); replaces a running schedule.
     */
    public synchronized void start(ScheduledExecutorService scheduler, Duration period) {
        Objects.requireNonNull(scheduler, "scheduler");
        if (period.isNegative() || period.isZero()) {
            throw new IllegalArgumentException("period must be positive: " + period);
        }
        stop();
        // fixed delay, not fixed rate: a late scheduler must not catch up with a burst of pulses closer
        // together than a real meter sends them (the counter's debounce would rightly swallow them)
        schedule =
                scheduler.scheduleWithFixedDelay(this::tick, period.toNanos(), period.toNanos(), TimeUnit.NANOSECONDS);
    }

    /** Stops a running schedule; pulses already sent stay sent. */
    public synchronized void stop() {
        if (schedule != null) {
            schedule.cancel(false);
            schedule = null;
        }
    }

    /** Complete pulses sent to the line so far. */
    public synchronized long pulses() {
        return pulses;
    }

    /** Scheduled ticks skipped because no input was open on the pin. */
    public synchronized long skippedTicks() {
        return skippedTicks;
    }

    @Override
    public void close() {
        stop();
    }

    private synchronized void tick() {
        if (findInput() == null) {
            skippedTicks++;
            return;
        }
        pulse(1);
    }

    /** One mock input's {@code mockState(DigitalState)}. */
    private record MockLine(IO<?, ?, ?> io, Method mockState) {
        void set(DigitalState state) {
            try {
                mockState.invoke(io, state);
            } catch (InvocationTargetException e) {
                if (e.getCause() instanceof RuntimeException r) {
                    throw r;
                }
                throw new IllegalStateException("mockState on " + io.id() + " failed", e.getCause());
            } catch (IllegalAccessException e) {
                throw new IllegalStateException("mockState on " + io.id() + " is not accessible", e);
            }
        }
    }

    private MockLine mockInput() {
        IO<?, ?, ?> io = findInput();
        if (io == null) {
            throw new IllegalStateException("no digital input open on BCM " + bcmPin + ": open the S0PulseInput first");
        }
        Method mockState = null;
        if (isMockInput(io.getClass())) {
            try {
                mockState = io.getClass().getMethod("mockState", DigitalState.class);
            } catch (NoSuchMethodException e) {
                mockState = null; // reported below, as for any other provider
            }
        }
        if (mockState == null) {
            throw new IllegalStateException("input on BCM " + bcmPin + " is "
                    + io.getClass().getName() + ", not Pi4J's mock: build the context with autoDetectMockPlugins()");
        }
        return new MockLine(io, mockState);
    }

    private static boolean isMockInput(Class<?> type) {
        for (Class<?> c = type; c != null; c = c.getSuperclass()) {
            if (c.getName().equals(MOCK_INPUT_CLASS)) {
                return true;
            }
        }
        return false;
    }

    private IO<?, ?, ?> findInput() {
        if (pi4j.isShutdown()) {
            return null;
        }
        String id = S0PulseInput.ioId(bcmPin);
        if (pi4j.registry().exists(id)) {
            return pi4j.registry().get(id);
        }
        for (IO<?, ?, ?> io : pi4j.registry().allByIoType(IOType.DIGITAL_INPUT).values()) {
            if (io instanceof DigitalInput in && in.address() != null && in.address() == bcmPin) {
                return io;
            }
        }
        return null;
    }
}
