package org.gridshare.drivers.serial;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.gridshare.testsupport.TestClock;

/**
 * A meter on a serial line, played from recorded bytes: at its own line settings it pushes its recording
 * over and over (starting mid-frame), at other settings the line shows seeded noise (what a wrong baud
 * rate looks like) or nothing; it can answer an IEC 62056-21 sign-on. Reads are cut in seeded random
 * chunks. Time is a manual clock that moves as the meter sends or as reads time out.
 */
public final class ScriptedMeter implements SerialPorts {

    public final TestClock clock = TestClock.at(1_700_000_000_000L);
    public final List<String> opened = new ArrayList<>();
    final List<byte[]> written = new ArrayList<>();
    final List<SerialSettings> reconfigured = new ArrayList<>();
    private final Map<SerialSettings, byte[]> pushes = new HashMap<>();
    private final Random random;
    private boolean noisy;
    private long periodMillis = 1_000;
    private String iecIdent;
    private byte[] iecReadout;

    public ScriptedMeter(long seed) {
        this.random = new Random(seed);
    }

    public ScriptedMeter pushing(SerialSettings settings, byte[] recording, Duration period) {
        pushes.put(settings, recording);
        periodMillis = period.toMillis();
        return this;
    }

    /** Bytes at any other setting: what a UART at the wrong rate makes of a meter's signal. */
    public ScriptedMeter noisyElsewhere() {
        noisy = true;
        return this;
    }

    /**
     * Answers {@code /?!} at 300 7E1 with {@code ident}, then sends {@code readout} at the proposed rate: after the
     * ACK in mode C (Z a digit), right after the identification in mode B (Z 'A'..'F').
     */
    public ScriptedMeter iec(String ident, byte[] readout) {
        this.iecIdent = ident;
        this.iecReadout = readout;
        return this;
    }

    @Override
    public SerialLink open(String port, SerialSettings settings) {
        opened.add(port + " " + settings);
        return new Link(settings);
    }

    private final class Link implements SerialLink {
        private SerialSettings settings;
        private final ArrayDeque<Byte> line = new ArrayDeque<>();
        private boolean firstPush = true;
        private boolean acked;
        private boolean identSent;

        Link(SerialSettings settings) {
            this.settings = settings;
        }

        @Override
        public void reconfigure(SerialSettings s) {
            reconfigured.add(s);
            settings = s;
            // mode C waits for the ACK; mode B switches right after its identification
            boolean modeB = iecIdent != null && Character.isUpperCase(iecIdent.charAt(4)) && identSent;
            if ((acked || modeB) && iecReadout != null && s.baud() == ScriptedMeter.proposedBaud(iecIdent)) {
                clock.advanceMillis(300); // the meter waits before it answers at the new rate
                add(iecReadout, 0);
            }
        }

        @Override
        public int read(byte[] buffer, int off, int len, long timeoutMillis) {
            if (line.isEmpty()) {
                byte[] rec = pushes.get(settings);
                if (rec != null) {
                    int start = firstPush ? random.nextInt(rec.length) : 0;
                    firstPush = false;
                    clock.advanceMillis(periodMillis);
                    add(rec, start);
                } else if (noisy) {
                    byte[] noise = new byte[200];
                    random.nextBytes(noise);
                    clock.advanceMillis(100);
                    add(noise, 0);
                } else {
                    clock.advanceMillis(timeoutMillis);
                    return 0;
                }
            }
            int n = Math.min(len, Math.min(line.size(), 1 + random.nextInt(64)));
            for (int i = 0; i < n; i++) {
                buffer[off + i] = line.poll();
            }
            return n;
        }

        @Override
        public void write(byte[] data) {
            written.add(data.clone());
            if (iecIdent == null || !settings.equals(SerialSettings.IEC_SIGN_ON)) {
                return;
            }
            if (Arrays.equals(data, MeterDetector.SIGN_ON)) {
                add((iecIdent + "\r\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII), 0);
                identSent = true;
            } else if (data.length == 6 && data[0] == 0x06 && data[2] == iecIdent.charAt(4)) {
                acked = true;
            }
        }

        private void add(byte[] b, int from) {
            for (int i = from; i < b.length; i++) {
                line.add(b[i]);
            }
        }

        @Override
        public void close() {}
    }

    static int proposedBaud(String ident) {
        char z = ident.charAt(4);
        return Character.isUpperCase(z) ? 600 << (z - 'A') : 300 << (z - '0');
    }

    static byte[] concat(byte[]... parts) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.write(p);
        }
        return out.toByteArray();
    }
}
