package org.gridshare.drivers.s0;

import com.pi4j.context.Context;
import com.pi4j.io.gpio.digital.DigitalInput;
import com.pi4j.io.gpio.digital.DigitalState;
import com.pi4j.io.gpio.digital.DigitalStateChangeListener;
import com.pi4j.io.gpio.digital.PullResistance;
import java.util.Objects;
import java.util.function.LongSupplier;

/**
 * Thin Pi4J transport for an S0 pulse output: one GPIO input with pull-down whose level changes feed an
 * {@link S0Counter}. All counting logic lives in the counter; this class only owns the pin.
 *
 * <p>Wiring: S0+ to 3.3 V, S0- to the GPIO pin (the meter's open collector pulls the line high during a
 * pulse). Works with any Pi4J digital-input provider: gpiod on a Raspberry Pi, mock in tests and the demo.
 */
public final class S0PulseInput implements AutoCloseable {

    private final Context pi4j;
    private final DigitalInput input;
    private final S0Counter counter;
    private final DigitalStateChangeListener listener;

    /**
     * Opens {@code bcmPin} as a pulled-down input with Pi4J id {@link #ioId(int)}.
     *
     * @param monotonicNanos time source for debouncing, normally {@code System::nanoTime}
     */
    public S0PulseInput(Context pi4j, int bcmPin, S0Counter counter, LongSupplier monotonicNanos) {
        this.pi4j = Objects.requireNonNull(pi4j, "pi4j");
        this.counter = Objects.requireNonNull(counter, "counter");
        Objects.requireNonNull(monotonicNanos, "monotonicNanos");
        this.input = pi4j.create(DigitalInput.newConfigBuilder(pi4j)
                .id(ioId(bcmPin))
                .name("S0 pulse input BCM " + bcmPin)
                .address(bcmPin)
                .pull(PullResistance.PULL_DOWN)
                .build());
        // a pulse already in progress rose before we watched the line: it belongs to the previous run
        counter.observeLevel(input.state() == DigitalState.HIGH);
        this.listener = event -> counter.onEdge(event.state() == DigitalState.HIGH, monotonicNanos.getAsLong());
        input.addListener(listener);
    }

    /** The Pi4J IO id used for the input on {@code bcmPin}; lets other code find it in the registry. */
    public static String ioId(int bcmPin) {
        return "s0-bcm-" + bcmPin;
    }

    /** Pulses counted so far (including the counter's initial value). */
    public long pulses() {
        return counter.pulses();
    }

    /** The counter this input feeds. */
    public S0Counter counter() {
        return counter;
    }

    /** Stops listening and releases the pin. */
    @Override
    public void close() {
        input.removeListener(listener);
        if (!pi4j.isShutdown() && pi4j.registry().exists(input.id())) {
            pi4j.shutdown(input.id());
        }
    }
}
