package org.gridshare.agent.meter;

import java.time.Clock;
import org.gridshare.drivers.s0.S0Counter;

/**
 * A meter read through its S0 pulse outputs: one counter for import and, on bidirectional meters,
 * one for export. S0 carries energy only, so power is the average over the time since the previous
 * read (exact integer arithmetic); the first read has no interval to average over and reports 0.
 */
public final class S0MeterSource implements MeterSource {
    private final S0Counter importCounter;
    private final S0Counter exportCounter; // null on import-only meters
    private final Clock clock;
    private final AutoCloseable transport;
    private long lastNetMilliWh;
    private long lastMs = Long.MIN_VALUE;

    public S0MeterSource(S0Counter importCounter, S0Counter exportCounter, Clock clock, AutoCloseable transport) {
        this.importCounter = importCounter;
        this.exportCounter = exportCounter;
        this.clock = clock;
        this.transport = transport;
    }

    @Override
    public synchronized Measurement read() {
        long now = clock.millis();
        long imp = importCounter.importMilliWh();
        long exp = exportCounter == null ? 0 : exportCounter.importMilliWh();
        long net = imp - exp;
        long powerMilliW = 0;
        if (lastMs != Long.MIN_VALUE && now > lastMs) {
            // mWh over ms → mW: ΔE[mWh] * 3_600_000 / Δt[ms]
            powerMilliW = Math.multiplyExact(net - lastNetMilliWh, 3_600_000L) / (now - lastMs);
        }
        lastNetMilliWh = net;
        lastMs = now;
        return new Measurement(imp, exp, powerMilliW, 0);
    }

    @Override
    public void close() {
        if (transport != null) {
            try {
                transport.close();
            } catch (Exception e) {
                throw new IllegalStateException("closing the S0 inputs failed", e);
            }
        }
    }
}
