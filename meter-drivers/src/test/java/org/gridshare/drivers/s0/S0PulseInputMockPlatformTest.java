package org.gridshare.drivers.s0;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.pi4j.Pi4J;
import com.pi4j.context.Context;
import com.pi4j.io.gpio.digital.DigitalInput;
import com.pi4j.io.gpio.digital.PullResistance;
import com.pi4j.plugin.mock.provider.gpio.digital.MockDigitalInput;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicLong;
import org.gridshare.testsupport.Await;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Runs the S0 transport on Pi4J's mock platform: pulses travel the real Pi4J listener path. */
class S0PulseInputMockPlatformTest {

    private static final int PIN = 17;
    private static final long MS = 1_000_000L;

    private Context pi4j;
    private final AtomicLong now = new AtomicLong(1_000 * MS);

    @BeforeEach
    void startMockPlatform() {
        pi4j = Pi4J.newContextBuilder()
                .autoDetectMockPlugins()
                .autoDetectPlatforms()
                .build();
    }

    @AfterEach
    void shutdown() {
        pi4j.shutdown();
    }

    /** Each call returns a time 100 ms after the previous one: well-separated pulses. */
    private long advancing() {
        return now.addAndGet(100 * MS);
    }

    @Test
    void opens_a_pulled_down_mock_input_on_the_pin() {
        try (S0PulseInput in = new S0PulseInput(pi4j, PIN, new S0Counter(1000, 30 * MS, 0), this::advancing)) {
            DigitalInput din = pi4j.registry().get(S0PulseInput.ioId(PIN));
            assertTrue(din instanceof MockDigitalInput);
            assertEquals(PIN, din.address());
            assertEquals(PullResistance.PULL_DOWN, din.pull());
            assertEquals(0, in.pulses());
        }
        assertFalse(pi4j.registry().exists(S0PulseInput.ioId(PIN)), "close releases the pin");
    }

    @Test
    void counts_n_simulated_pulses() {
        S0Counter counter = new S0Counter(1000, 30 * MS, 0);
        try (S0PulseInput in = new S0PulseInput(pi4j, PIN, counter, this::advancing);
                SimulatedS0Meter meter = new SimulatedS0Meter(pi4j, PIN)) {
            meter.pulse(1);
            assertEquals(1, in.pulses());
            meter.pulse(2499);
            assertEquals(2500, in.pulses());
            assertEquals(2500, meter.pulses());
            assertEquals(2_500_000, counter.importMilliWh());
        }
    }

    @Test
    void simulator_created_before_the_input_drives_the_same_pin() {
        try (SimulatedS0Meter meter = new SimulatedS0Meter(pi4j, PIN)) {
            assertThrows(IllegalStateException.class, () -> meter.pulse(1));
            try (S0PulseInput in = new S0PulseInput(pi4j, PIN, new S0Counter(800, 30 * MS, 0), this::advancing)) {
                meter.pulse(8);
                assertEquals(8, in.pulses());
                assertEquals(10_000, in.counter().importMilliWh());
            }
        }
    }

    @Test
    void bounce_within_debounce_window_is_not_counted() {
        S0Counter counter = new S0Counter(10000, 30 * MS, 0);
        try (S0PulseInput in = new S0PulseInput(pi4j, PIN, counter, now::get);
                SimulatedS0Meter meter = new SimulatedS0Meter(pi4j, PIN)) {
            meter.level(true); // counted
            now.addAndGet(2 * MS);
            meter.level(false);
            now.addAndGet(1 * MS);
            meter.level(true); // contact bounce 3 ms after the edge
            now.addAndGet(1 * MS);
            meter.level(false);
            assertEquals(1, in.pulses());
            now.addAndGet(100 * MS);
            meter.level(true); // next real pulse
            meter.level(false);
            assertEquals(2, in.pulses());
            assertEquals(200, counter.importMilliWh());
        }
    }

    @Test
    void restart_continues_from_persisted_count_without_double_counting_a_held_pulse() {
        long persisted;
        try (S0PulseInput in = new S0PulseInput(pi4j, PIN, new S0Counter(1000, 30 * MS, 0), this::advancing);
                SimulatedS0Meter meter = new SimulatedS0Meter(pi4j, PIN)) {
            meter.pulse(41);
            meter.level(true); // 42nd pulse rises and is counted...
            persisted = in.pulses();
        } // ...then the agent stops while the line is still high
        assertEquals(42, persisted);

        S0Counter restarted = new S0Counter(1000, 30 * MS, persisted);
        try (S0PulseInput in = new S0PulseInput(pi4j, PIN, restarted, this::advancing);
                SimulatedS0Meter meter = new SimulatedS0Meter(pi4j, PIN)) {
            meter.pulse(8);
            assertEquals(50, in.pulses());
            assertEquals(50_000, restarted.importMilliWh());
        }
    }

    @Test
    void scheduled_simulation_reaches_the_counter() throws Exception {
        ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
        try (S0PulseInput in = new S0PulseInput(pi4j, PIN, new S0Counter(1000, 1 * MS, 0), System::nanoTime);
                SimulatedS0Meter meter = new SimulatedS0Meter(pi4j, PIN)) {
            meter.start(scheduler, Duration.ofMillis(5));
            Await.holdsWithin(Duration.ofSeconds(10), () -> in.pulses() >= 20); // asserted below, with the count
            meter.stop();
            scheduler.shutdown();
            assertTrue(scheduler.awaitTermination(10, java.util.concurrent.TimeUnit.SECONDS));
            assertTrue(in.pulses() >= 20, "pulses counted: " + in.pulses());
            assertEquals(meter.pulses(), in.pulses(), "every simulated pulse counted once");
        } finally {
            scheduler.shutdownNow();
        }
    }
}
