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
import org.gridshare.drivers.DecodeException;
import org.gridshare.drivers.NormalizedReading;
import org.gridshare.drivers.StreamDecoder;
import org.gridshare.drivers.dsmr.DsmrStreamDecoder;
import org.gridshare.drivers.dsmr.SmartyDecryptor;
import org.gridshare.drivers.dsmr.SmartyFramer;
import org.gridshare.drivers.iec62056.IecStreamDecoder;
import org.gridshare.drivers.sml.SmlStreamDecoder;
import org.gridshare.drivers.transport.Framed;

/**
 * Finds out what meter is attached to a serial port: listens at each push protocol's line settings (DSMR
 * 4/5 and Luxembourg Smarty at 115200 8N1; DSMR 2.2/3 and IEC 62056-21 mode D as EasyMeter sends it at
 * 9600 7E1; SML at 9600 8N1; IEC 62056-21 mode D at its standard 2400 7E1), then signs on to an
 * IEC 62056-21 meter at 300 7E1 ({@code /?!}) and follows the mode its identification announces (A: stay
 * at 300; B: both switch to the announced rate; C: acknowledge and switch). Stops at the first frame that
 * decodes: noise, a wrong baud rate and checksum failures never make a detection. An encrypted Smarty
 * frame is recognised by its shape without the key ({@link Detection#keyNeeded()}), and decoded when the
 * key is given. All I/O goes through {@link SerialPorts}, all time through the {@link Clock}.
 */
public final class MeterDetector {

    /** One decoder tried on a candidate's bytes; {@code protocol} names what it found. */
    public record Probe(String protocol, Supplier<StreamDecoder> decoder) {}

    /**
     * One line setting and what is tried at it: every probe gets every byte (several protocols share a line
     * setting); the first that decodes a frame wins, in list order.
     *
     * @param protocol the label of the attempt ({@code dsmr}, {@code dsmr/iec62056-21})
     * @param iecSignOn send the IEC 62056-21 request and follow the meter's mode
     * @param smartyShape also recognise encrypted Smarty frames without a key
     */
    public record Candidate(
            String protocol, SerialSettings settings, boolean iecSignOn, List<Probe> probes, boolean smartyShape) {

        public Candidate {
            probes = List.copyOf(probes);
        }

        /** One protocol at one setting. */
        public Candidate(String protocol, SerialSettings settings, boolean iecSignOn, Supplier<StreamDecoder> decoder) {
            this(protocol, settings, iecSignOn, List.of(new Probe(protocol, decoder)), false);
        }
    }

    /** What one candidate saw: bytes received, frames that failed to decode (first error kept). */
    public record Attempt(
            String protocol,
            SerialSettings settings,
            long bytesReceived,
            int failedFrames,
            String firstError,
            boolean matched) {}

    /**
     * The outcome: {@code reading} is null when nothing decoded; {@code settings} are those the frame came at;
     * {@code encrypted} is the header of an encrypted Smarty frame seen without the key to open it.
     */
    public record Detection(
            String port,
            String protocol,
            SerialSettings settings,
            NormalizedReading reading,
            List<Attempt> attempts,
            SmartyDecryptor.Header encrypted) {

        public Detection {
            attempts = List.copyOf(attempts);
        }

        /** A meter was recognised: a frame decoded, or an encrypted Smarty frame showed its shape. */
        public boolean found() {
            return reading != null || encrypted != null;
        }

        /** A Smarty meter was recognised but its frames cannot be read without the key. */
        public boolean keyNeeded() {
            return reading == null && encrypted != null;
        }
    }

    /** The default order without a Smarty key. */
    public static List<Candidate> defaultCandidates() {
        return defaultCandidates(null);
    }

    /**
     * The default order: the push-only protocols first (listened to), the IEC sign-on (which writes) last.
     *
     * @param smartyKey the Smarty AES-128 key (frames are then decrypted and decoded), or null (recognised only)
     */
    public static List<Candidate> defaultCandidates(byte[] smartyKey) {
        Probe dsmr = new Probe("dsmr", DsmrStreamDecoder::plain);
        Probe iec = new Probe("iec62056-21", IecStreamDecoder::new);
        List<Probe> p1 = smartyKey == null
                ? List.of(dsmr)
                : List.of(
                        dsmr,
                        new Probe(
                                "smarty",
                                () -> DsmrStreamDecoder.encrypted(
                                        new SmartyDecryptor(smartyKey, SmartyDecryptor.DEFAULT_AUTHENTICATION_KEY))));
        return List.of(
                new Candidate("dsmr/smarty", SerialSettings.DSMR5, false, p1, smartyKey == null),
                // DSMR 2.2/3 telegrams are IEC mode D shaped too: DSMR is asked first, so they are reported as DSMR
                new Candidate("dsmr/iec62056-21", SerialSettings.DSMR22, false, List.of(dsmr, iec), false),
                new Candidate("sml", SerialSettings.SML, false, SmlStreamDecoder::new),
                new Candidate("iec62056-21", SerialSettings.IEC_MODE_D, false, IecStreamDecoder::new),
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
            attempts.add(new Attempt(c.protocol(), l.settings, l.bytes, l.failed, l.firstError, l.done()));
            if (l.reading != null) {
                return new Detection(port, l.protocol, l.settings, l.reading, attempts, null);
            }
            if (l.encrypted != null) {
                return new Detection(port, "smarty", l.settings, null, attempts, l.encrypted);
            }
        }
        return new Detection(port, null, null, null, attempts, null);
    }

    /** State of one candidate's listening. */
    private static final class Listening {
        final List<Probe> probes;
        final List<StreamDecoder> decoders = new ArrayList<>();
        final SmartyFramer smarty;
        SerialSettings settings;
        long bytes;
        int failed;
        String firstError;
        NormalizedReading reading;
        String protocol;
        SmartyDecryptor.Header encrypted;

        Listening(Candidate c) {
            this.probes = c.probes();
            for (Probe p : probes) {
                decoders.add(p.decoder().get());
            }
            this.smarty = c.smartyShape() ? new SmartyFramer() : null;
            this.settings = c.settings();
        }

        boolean done() {
            return reading != null || encrypted != null;
        }

        void feed(byte[] b, int off, int len) {
            bytes += len;
            for (int i = 0; i < decoders.size(); i++) {
                for (StreamDecoder.Event e : decoders.get(i).feed(b, off, len)) {
                    if (e instanceof StreamDecoder.Decoded d && reading == null) {
                        reading = d.reading();
                        protocol = probes.get(i).protocol();
                    } else if (e instanceof StreamDecoder.Failed f) {
                        failure(f.error());
                    }
                }
            }
            if (smarty != null && reading == null) {
                for (Framed f : smarty.feed(b, off, len)) {
                    if (f instanceof Framed.Frame frame && encrypted == null) {
                        try {
                            encrypted = SmartyDecryptor.header(frame.bytes());
                        } catch (DecodeException ex) {
                            failure(ex);
                        }
                    }
                }
            }
        }

        private void failure(DecodeException ex) {
            failed++;
            if (firstError == null) {
                firstError = ex.getMessage();
            }
        }
    }

    private void listen(SerialLink link, Listening l, long deadline) throws IOException {
        byte[] buf = new byte[4096];
        long left;
        while (!l.done() && (left = deadline - clock.millis()) > 0) {
            int n = link.read(buf, 0, buf.length, Math.min(left, POLL_MILLIS));
            if (n > 0) {
                l.feed(buf, 0, n);
            }
        }
    }

    /**
     * IEC 62056-21 modes A to C: request at 300 baud and read the identification {@code /XXXZ...}. Mode C
     * (Z '0'..'6'): acknowledge with {@code ACK 0 Z 0} (data readout at the proposed rate) and switch; mode B
     * (Z 'A'..'F'): switch without acknowledgement, as the meter does; mode A (any other Z): read on at 300.
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
        int modeB = IecIdentification.modeBBaud(ident);
        if (modeB > 0) {
            // mode B: both sides switch to the announced rate right after the identification, no acknowledgement
            l.settings = l.settings.withBaud(modeB);
            link.reconfigure(l.settings);
        } else if (rate > 0) {
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

        private IecIdentification() {}

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

        /** The baud rate character Z in mode B ('A' 600 … 'F' 19200), or 0 when the meter announces none. */
        static int modeBBaud(String ident) {
            char z = ident.charAt(4);
            return z >= 'A' && z <= 'F' ? 600 << (z - 'A') : 0;
        }
    }
}
