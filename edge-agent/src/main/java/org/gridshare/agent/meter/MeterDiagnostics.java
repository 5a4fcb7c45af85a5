package org.gridshare.agent.meter;

/** A meter source that decodes frames and can say what it has seen (for the status page and metrics). */
public interface MeterDiagnostics {
    /** Frames, decode errors by kind, unsigned frames, reopenings and the meter's health so far. */
    MeterSourceStats stats();
}
