package org.gridshare.agent.meter;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.gridshare.drivers.iec62056.IecStreamDecoder;
import org.gridshare.drivers.serial.MeterDetector;
import org.gridshare.drivers.serial.SerialPorts;
import org.gridshare.drivers.serial.SerialSettings;

/**
 * An IEC 62056-21 meter in mode A, B or C: every {@link #read()} is one request/readout cycle through
 * meter-drivers' sign-on ({@code /?!} at 300 baud, then the mode the identification announces: mode C
 * acknowledged and switched, mode B switched, mode A read at 300), and the readout's values are the
 * measurement, signed right after it decoded. A readout that does not arrive or decode within
 * {@code readoutTimeout} is a failed read; nothing is signed.
 */
public final class IecReadoutMeterSource implements MeterSource, MeterDiagnostics {
    private final String port;
    private final Clock clock;
    private final MeterDetector cycle;
    private final FrameMeasurements measurements;
    private final SourceCounters counters;

    public IecReadoutMeterSource(
            SerialPorts ports,
            String port,
            Clock clock,
            Duration readoutTimeout,
            Duration staleAfter,
            Duration maxClockSkew) {
        this.port = port;
        this.clock = clock;
        this.cycle = new MeterDetector(
                ports,
                clock,
                readoutTimeout,
                List.of(new MeterDetector.Candidate(
                        "iec62056-21", SerialSettings.IEC_SIGN_ON, true, IecStreamDecoder::new)));
        this.measurements = new FrameMeasurements(port, maxClockSkew);
        this.counters = new SourceCounters(port, clock, staleAfter);
    }

    @Override
    public synchronized Measurement read() {
        MeterDetector.Detection d;
        try {
            d = cycle.detect(SerialPushMeterSource.devicePath(port));
        } catch (IOException e) {
            counters.transportFailed(e.getMessage(), true);
            throw new MeterReadException(MeterReadException.Reason.TRANSPORT, port, e.getMessage(), e);
        }
        MeterDetector.Attempt a = d.attempts().get(0);
        if (d.reading() == null) {
            String why = a.failedFrames() > 0
                    ? a.failedFrames() + " bad readout(s), first: " + a.firstError()
                    : a.bytesReceived() + " bytes received, no readout";
            counters.transportFailed(why, false);
            throw new MeterReadException(
                    a.failedFrames() > 0 ? MeterReadException.Reason.DECODE : MeterReadException.Reason.STALE,
                    port,
                    "request/readout cycle at " + a.settings() + ": " + why);
        }
        counters.decoded();
        try {
            return measurements.measure(d.reading(), clock.millis());
        } catch (MeterReadException e) {
            counters.incomplete(e);
            throw e;
        }
    }

    /** Readouts, errors and failed cycles so far. */
    @Override
    public MeterSourceStats stats() {
        return counters.snapshot();
    }

    @Override
    public void close() {
        // the port is opened and closed by each cycle
    }
}
