package org.gridshare.agent.meter;

/** Where the agent's measurements come from: a driver over a real or simulated meter. */
public interface MeterSource extends AutoCloseable {
    /** The meter's registers now. */
    Measurement read();

    @Override
    void close();
}
