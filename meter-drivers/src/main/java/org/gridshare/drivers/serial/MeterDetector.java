package org.gridshare.drivers.serial;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;
import org.gridshare.drivers.NormalizedReading;
import org.gridshare.drivers.StreamDecoder;
import org.gridshare.drivers.dsmr.DsmrStreamDecoder;
import org.gridshare.drivers.iec62056.IecStreamDecoder;
import org.gridshare.drivers.sml.SmlStreamDecoder;

/**
 * Finds out what meter is attached to a serial port: tries each protocol at its line settings (DSMR 5:
 * 115200 8N1, DSMR 2.2/3: 9600 7E1, SML: 9600 8N1, IEC 62056-21: {@code /?!} sign-on at 300 7E1, then
 * the baud rate the meter proposes in mode C) and stops at the first frame that decodes. Only what
 * decodes counts: noise, a wrong baud rate and checksum failures never make a detection. All I/O goes
 * through {@link SerialPorts}, all time through the {@link Clock}.
 */
public final class MeterDetector {

    /** One protocol at one line setting. */
    public record Candidate(String protocol, SerialSettings settings, boolean iecSignOn, Supplier<StreamDecoder> decoder) {
    }

    /** What one candidate saw: bytes received, frames that failed to decode (first error kept). */
    public record Attempt(String protocol, SerialSettings settings, long bytesReceived, int failedFrames, String firstError, boolean matched) {
    }

    /**
     * The outcome: {@code reading} is null when nothing decoded; {@code settings} are those the frame came at.
     */
    public record Detection(String port, String protocol, SerialSettings settings, NormalizedReading reading, List<Attempt> attempts) {

        public Detection {
            attempts = List.copyOf(attempts);
        }

        public boolean found() {
            return reading != null;
        }
    }

    /** The default order: the fast, push-only protocols first, the IEC sign-on (which writes) last. */
    public static List<Candidate> defaultCandidates() {
        return List.of(
                new Candidate("dsmr", SerialSettings.DSMR5, false, DsmrStreamDecoder::plain),
                new Candidate("dsmr", SerialSettings.DSMR22, false, DsmrStreamDecoder::plain),
                new Candidate("sml", SerialSettings.SML, false, SmlStreamDecoder::new),
                new Candidate("iec62056-21", SerialSettings.IEC_SIGN_ON, true, IecStreamDecoder::new));
    }

    static final byte[] SIGN_ON = "/?!\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final long POLL_MILLIS = 200;

    private final SerialPorts ports;
    private final Clock clock;
    private final Duration perCandidate;
    private final List<Candidate> candidates;

    /**
     * @param perCandidate how long to listen at each setting (DSMR 2.2/3 meters send every 10 s, so give
     *     them more than 20 s to be sure of one whole telegram)
     */
    public MeterDetector(SerialPorts ports, Clock clock, Duration perCandidate, List<Candidate> candidates) {
        this.ports = Objects.requireNonNull(ports, "ports");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.perCandidate = Objects.requireNonNull(perCandidate, "perCandidate");
        this.candidates = List.copyOf(candidates);
        if (perCandidate.isNegative() || perCandidate.isZero()) {
            throw new IllegalArgumentException("perCandidate must be positive: " + perCandidate);
        }
    }

    public MeterDetector(SerialPorts ports, Clock clock, Duration perCandidate) {
        this(ports, clock, perCandidate, defaultCandidates());
    }

    /** Tries every candidate in order on {@code port}; fails only when the port itself cannot be used. */
    public Detection detect(String port) throws IOException {
        List<Attempt> attempts = new ArrayList<>();
        for (Candidate c : candidates) {
            Listening l = new Listening(c);
            try (SerialLink link = ports.open(port, c.settings())) {
                if (c.iecSignOn()) {
                    signOn(link, l);
                } else {
                    listen(link, l, clock.millis() + perCandidate.toMillis());
                }
            }
            attempts.add(new Attempt(c.protocol(), l.settings, l.bytes, l.failed, l.firstError, l.reading != null));
            if (l.reading != null) {
                return new Detection(port, c.protocol(), l.settings, l.reading, attempts);
            }
        }
        return new Detection(port, null, null, null, attempts);
    }

    /** State of one candidate's listening. */
    private static final class Listening {
        final StreamDecoder decoder;
        SerialSettings settings;
        long bytes;
        int failed;
        String firstError;
        NormalizedReading reading;

        Listening(Candidate c) {
            this.decoder = c.decoder().get();
            this.settings = c.settings();
        }

        void feed(byte[] b, int off, int len) {
            bytes += len;
            for (StreamDecoder.Event e : decoder.feed(b, off, len)) {
                if (e instanceof StreamDecoder.Decoded d && reading == null) {
                    reading = d.reading();
                } else if (e instanceof StreamDecoder.Failed f) {
                    failed++;
                    if (firstError == null) {
                        firstError = f.error().getMessage();
                    }
                }
            }
        }
    }

    private void listen(SerialLink link, Listening l, long deadline) throws IOException {
        byte[] buf = new byte[4096];
        long left;
        while (l.reading == null && (left = deadline - clock.millis()) > 0) {
            int n = link.read(buf, 0, buf.length, Math.min(left, POLL_MILLIS));
            if (n > 0) {
                l.feed(buf, 0, n);
            }
        }
    }

    /**
     * IEC 62056-21 mode C: request at 300 baud, read the identification {@code /XXXZ...}, acknowledge with
     * {@code ACK 0 Z 0} (data readout at the proposed rate) and switch; a meter proposing no mode C rate
     * (mode A) is read on at 300 baud.
     */
    private void signOn(SerialLink link, Listening l) throws IOException {
        long deadline = clock.millis() + perCandidate.toMillis();
        link.write(SIGN_ON);
        ByteArrayOutputStream seen = new ByteArrayOutputStream();
        byte[] buf = new byte[256];
        String ident = null;
        long left;
        while (ident == null && (left = deadline - clock.millis()) > 0) {
            int n = link.read(buf, 0, buf.length, Math.min(left, POLL_MILLIS));
            if (n > 0) {
                l.feed(buf, 0, n);
                seen.write(buf, 0, n);
                ident = IecIdentification.find(seen.toByteArray());
            }
        }
        if (ident == null) {
            return;
        }
        int rate = IecIdentification.modeCBaud(ident);
        if (rate > 0) {
            char z = ident.charAt(4);
            link.write(new byte[] {0x06, '0', (byte) z, '0', '\r', '\n'});
            // let the last ACK character leave the UART (and read a half-duplex echo) before switching
            int n = link.read(buf, 0, buf.length, 50);
            if (n > 0) {
                l.feed(buf, 0, n);
            }
            l.settings = l.settings.withBaud(rate);
            link.reconfigure(l.settings);
        }
        listen(link, l, deadline);
    }

    /** The identification message of IEC 62056-21. */
    static final class IecIdentification {

        private IecIdentification() {
        }

        /** The first complete {@code /XXXZ...CR LF} line that is not our own request echo, without CR LF; or null. */
        static String find(byte[] seen) {
            String s = new String(seen, StandardCharsets.ISO_8859_1);
            int from = 0;
            while (true) {
                int slash = s.indexOf('/', from);
                if (slash < 0) {
                    return null;
                }
                int end = s.indexOf("\r\n", slash);
                if (end < 0) {
                    return null;
                }
                String line = s.substring(slash, end);
                if (line.length() >= 5 && line.charAt(1) != '?') {
                    return line;
                }
                from = end + 2;
            }
        }

        /** The baud rate character Z in mode C ('0' 300 … '6' 19200), or 0 when the meter proposes none. */
        static int modeCBaud(String ident) {
            char z = ident.charAt(4);
            return z >= '0' && z <= '6' ? 300 << (z - '0') : 0;
        }
    }
}
