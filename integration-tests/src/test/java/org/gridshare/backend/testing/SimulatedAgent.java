package org.gridshare.backend.testing;

import com.pi4j.context.Context;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import org.gridshare.agent.EdgeAgent;
import org.gridshare.agent.meter.S0MeterSource;
import org.gridshare.agent.outbox.Outbox;
import org.gridshare.agent.signing.ReadingSigner;
import org.gridshare.agent.uplink.ReadingUplink;
import org.gridshare.drivers.s0.S0Counter;
import org.gridshare.drivers.s0.S0PulseInput;
import org.gridshare.drivers.s0.SimulatedS0Meter;
import org.gridshare.protocol.Eip712Domain;
import org.gridshare.protocol.Secp256k1Signer;

/**
 * A real edge agent over a simulated S0 meter (50 pulses/s on a Pi4J mock pin), for tests that need
 * the whole agent in front of the backend: reads every 50 ms and resumes its pulse count from the
 * outbox's last committed register (1 pulse = 1 Wh at 1000 imp/kWh).
 */
public final class SimulatedAgent {
    private SimulatedAgent() {}

    /** Starts an agent on {@code pin} signing with {@code key} into {@code outbox}, sending over {@code uplink}. */
    public static EdgeAgent start(
            Context pi4j,
            ScheduledExecutorService sim,
            int pin,
            Secp256k1Signer key,
            Eip712Domain domain,
            ReadingUplink uplink,
            Outbox outbox,
            EdgeAgent.Delivery delivery)
            throws Exception {
        S0Counter counter = new S0Counter(1000, Duration.ofMillis(1).toNanos(), outbox.lastRegisters()[0] / 1000);
        S0PulseInput input = new S0PulseInput(pi4j, pin, counter, System::nanoTime);
        SimulatedS0Meter meter = new SimulatedS0Meter(pi4j, pin);
        meter.start(sim, 50);
        EdgeAgent agent = new EdgeAgent(
                new S0MeterSource(counter, null, Clock.systemUTC(), () -> {
                    meter.close();
                    input.close();
                }),
                new ReadingSigner(key, domain, outbox, Clock.systemUTC()),
                uplink,
                outbox,
                delivery,
                null);
        agent.start(Duration.ofMillis(50));
        return agent;
    }
}
