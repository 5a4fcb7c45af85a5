package org.gridshare.agent.meter;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.function.Supplier;
import org.gridshare.drivers.StreamDecoder;
import org.gridshare.drivers.serial.SerialLink;
import org.gridshare.drivers.serial.SerialPorts;
import org.gridshare.drivers.serial.SerialSettings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A meter that pushes frames on a serial port (DSMR P1 incl. Smarty, SML, IEC 62056-21 mode D). A
 * reader thread feeds every byte into the protocol's {@link StreamDecoder}, which resynchronises after
 * garbage; each decoded frame becomes a {@link Measurement} that {@link #read()} hands to the signer
 * once, right after it was decoded. When the port fails or disappears (USB unplugged) it is opened again
 * with exponential backoff, with a fresh decoder. No frame for {@code staleAfter}: {@link #read()}
 * throws STALE and nothing is signed.
 */
public final class SerialPushMeterSource implements MeterSource, MeterDiagnostics {
    private static final Logger LOG = LoggerFactory.getLogger(SerialPushMeterSource.class);
    private static final long POLL_MS = 200;

    /** How the port is reopened: first wait, doubling up to the longest. */
    public record Backoff(Duration first, Duration longest) {
        public static final Backoff DEFAULT = new Backoff(Duration.ofMillis(500), Duration.ofSeconds(30));
    }

    private final SerialPorts ports;
    private final String port;
    private final SerialSettings settings;
    private final Supplier<StreamDecoder> decoders;
    private final Clock clock;
    private final Backoff backoff;
    private final Duration staleAfter;
    private final FrameMeasurements measurements;
    private final FreshMeasurements fresh;
    private final SourceCounters counters;
    private final Thread reader;
    private volatile boolean closed;
    private volatile String transportState = "opening";

    private SerialPushMeterSource(
            SerialPorts ports,
            String port,
            SerialSettings settings,
            Supplier<StreamDecoder> decoders,
            Clock clock,
            Duration staleAfter,
            Duration maxClockSkew,
            Backoff backoff) {
        this.ports = ports;
        this.port = port;
        this.settings = settings;
        this.decoders = decoders;
        this.clock = clock;
        this.backoff = backoff;
        this.staleAfter = staleAfter;
        this.measurements = new FrameMeasurements(port, maxClockSkew);
        this.fresh = new FreshMeasurements(port, staleAfter);
        this.counters = new SourceCounters(port, clock, staleAfter);
        this.reader = new Thread(this::readForever, "gridshare-meter-" + port);
        reader.setDaemon(true);
    }

    /**
     * Starts reading {@code port} at once (in the background: a port that is missing now is retried).
     *
     * @param decoders a new decoder per opening of the port (stream offsets start again)
     * @param staleAfter no decodable frame for this long → STALE, meter health FAILED
     * @param maxClockSkew see {@link FrameMeasurements}
     */
    public static SerialPushMeterSource start(
            SerialPorts ports,
            String port,
            SerialSettings settings,
            Supplier<StreamDecoder> decoders,
            Clock clock,
            Duration staleAfter,
            Duration maxClockSkew,
            Backoff backoff) {
        SerialPushMeterSource s =
                new SerialPushMeterSource(ports, port, settings, decoders, clock, staleAfter, maxClockSkew, backoff);
        s.reader.start();
        return s;
    }

    @Override
    public Measurement read() {
        return fresh.next(
                () -> transportState + (counters.lastError() == null ? "" : "; last error: " + counters.lastError()));
    }

    /** Frames, errors and reopenings so far. */
    @Override
    public MeterSourceStats stats() {
        return counters.snapshot();
    }

    private void readForever() {
        long wait = backoff.first().toMillis();
        boolean failedBefore = false;
        while (!closed) {
            try (SerialLink link = ports.open(devicePath(port), settings)) {
                transportState = "open at " + settings;
                if (failedBefore) {
                    LOG.info("meter port {} open again at {}", port, settings);
                }
                wait = backoff.first().toMillis();
                failedBefore = false;
                pump(link);
            } catch (IOException | RuntimeException e) {
                if (closed) {
                    return;
                }
                String problem = e.getMessage();
                counters.transportFailed(problem, true);
                transportState = "reopening in " + wait + " ms after: " + problem;
                if (!failedBefore) {
                    LOG.warn("meter port {} failed ({}); reopening with backoff", port, problem);
                }
                failedBefore = true;
                sleep(wait);
                wait = Math.min(wait * 2, backoff.longest().toMillis());
            }
        }
    }

    /**
     * The device a configured name stands for, resolved again at every opening: a stable link such as
     * {@code /dev/serial/by-id/…} then follows a replugged adapter to its new {@code ttyUSBn} (jSerialComm
     * itself takes only names under {@code /dev}).
     */
    static String devicePath(String configured) throws IOException {
        java.nio.file.Path p = java.nio.file.Path.of(configured);
        if (!java.nio.file.Files.isSymbolicLink(p)) {
            return configured;
        }
        try {
            return p.toRealPath().toString();
        } catch (IOException e) {
            throw new IOException(
                    "serial port link " + configured + " leads nowhere (device unplugged?): " + e.getMessage(), e);
        }
    }

    /**
     * Reads and decodes until the port fails, or until no frame decoded for the staleness limit: an
     * adapter can stay "present" while its device is gone (a hung-up tty that reads nothing), so a silent
     * port is opened again too.
     */
    private void pump(SerialLink link) throws IOException {
        StreamDecoder decoder = decoders.get();
        byte[] buf = new byte[4096];
        long lastFrame = System.nanoTime();
        while (!closed) {
            int n = link.read(buf, 0, buf.length, POLL_MS);
            if (n <= 0) {
                if (System.nanoTime() - lastFrame > staleAfter.toNanos()) {
                    throw new IOException("no frame for " + staleAfter.toMillis() + " ms on an open port");
                }
                continue;
            }
            counters.received(n);
            for (StreamDecoder.Event e : decoder.feed(buf, 0, n)) {
                StreamDecoder.Decoded d = counters.record(e);
                if (d != null) {
                    lastFrame = System.nanoTime();
                    try {
                        fresh.offer(measurements.measure(d.reading(), clock.millis()));
                    } catch (MeterReadException incomplete) {
                        counters.incomplete(incomplete);
                    }
                }
            }
        }
    }

    private synchronized void sleep(long ms) {
        long deadline = System.nanoTime() + ms * 1_000_000L;
        long left;
        while (!closed && (left = deadline - System.nanoTime()) > 0) {
            try {
                wait(Math.max(1, left / 1_000_000L));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        synchronized (this) {
            notifyAll();
        }
        try {
            reader.join(POLL_MS * 10);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
