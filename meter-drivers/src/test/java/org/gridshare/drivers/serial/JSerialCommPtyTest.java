package org.gridshare.drivers.serial;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.gridshare.drivers.fixtures.Fixtures;
import org.gridshare.drivers.iec62056.IecStreamDecoder;
import org.gridshare.drivers.serial.MeterDetector.Detection;
import org.gridshare.testsupport.PtyPair;
import org.junit.jupiter.api.Test;

/**
 * The real jSerialComm path against a real pseudo-terminal pair made by socat: a recorded meter writes
 * into one end, the detector reads (and for IEC, writes) through jSerialComm on the other.
 */
class JSerialCommPtyTest {

    private static byte[] fixture(String name) {
        return Fixtures.bytes(Fixtures.ROOT.resolve(name));
    }

    @Test
    void detects_and_decodes_a_dsmr5_telegram_through_jserialcomm_on_a_pty() throws Exception {
        byte[] telegram = fixture("dsmr/v5-iskra-am550-spec-example.p1");
        try (PtyPair pty = PtyPair.start();
                OutputStream meter = new FileOutputStream(pty.a)) {
            AtomicBoolean stop = new AtomicBoolean();
            AtomicReference<Throwable> writerFailure = new AtomicReference<>();
            Thread writer = Thread.ofPlatform().daemon().start(() -> {
                try {
                    while (!stop.get()) {
                        meter.write(telegram);
                        meter.flush();
                        // a DSMR 5 meter sends once a second; faster here keeps the test short
                        java.util.concurrent.locks.LockSupport.parkNanos(200_000_000L);
                    }
                } catch (IOException ex) {
                    writerFailure.set(ex);
                }
            });
            Detection d;
            try {
                d = new MeterDetector(new JSerialCommPorts(), Clock.systemUTC(), Duration.ofSeconds(5)).detect(pty.b);
            } finally {
                stop.set(true);
                writer.join(2_000);
            }
            assertEquals(null, writerFailure.get());
            assertTrue(d.found(), "attempts: " + d.attempts());
            assertEquals("dsmr", d.protocol());
            assertEquals(SerialSettings.DSMR5, d.settings());
            assertEquals("K8EG004046395507", d.reading().meterId());
            assertEquals(6_825_000L, d.reading().importMilliWh());
        }
    }

    @Test
    void signs_on_to_a_simulated_iec_meter_on_a_pty_writing_and_switching_baud_through_jserialcomm() throws Exception {
        byte[] readout = fixture("iec62056-21/pwitab-readout-mode-c.txt");
        String text = new String(readout, StandardCharsets.ISO_8859_1);
        int identEnd = text.indexOf("\r\n") + 2;
        try (PtyPair pty = PtyPair.start();
                InputStream fromReader = new FileInputStream(pty.a);
                OutputStream toReader = new FileOutputStream(pty.a)) {
            AtomicReference<byte[]> ack = new AtomicReference<>();
            AtomicReference<Throwable> meterFailure = new AtomicReference<>();
            Thread meter = Thread.ofPlatform().daemon().start(() -> {
                try {
                    assertArrayEquals(MeterDetector.SIGN_ON, readExactly(fromReader, MeterDetector.SIGN_ON.length));
                    toReader.write(readout, 0, identEnd);
                    toReader.flush();
                    ack.set(readExactly(fromReader, 6));
                    toReader.write(readout, identEnd, readout.length - identEnd);
                    toReader.flush();
                } catch (Throwable ex) {
                    meterFailure.set(ex);
                }
            });
            List<MeterDetector.Candidate> iecOnly = List.of(new MeterDetector.Candidate(
                    "iec62056-21", SerialSettings.IEC_SIGN_ON, true, IecStreamDecoder::new));
            Detection d = new MeterDetector(new JSerialCommPorts(), Clock.systemUTC(), Duration.ofSeconds(5), iecOnly)
                    .detect(pty.b);
            meter.join(2_000);
            assertEquals(null, meterFailure.get());
            assertArrayEquals(new byte[] {0x06, '0', '6', '0', '\r', '\n'}, ack.get());
            assertTrue(d.found(), "attempts: " + d.attempts());
            assertEquals(SerialSettings.IEC_SIGN_ON.withBaud(19_200), d.settings());
            assertEquals("314", d.reading().obis().values().iterator().next().value());
        }
    }

    @Test
    void follows_a_mode_b_iec_meter_on_a_pty_switching_without_acknowledgement() throws Exception {
        byte[] readout = fixture("iec62056-21/pwitab-readout-mode-c.txt");
        String text = new String(readout, StandardCharsets.ISO_8859_1);
        int identEnd = text.indexOf("\r\n") + 2;
        byte[] ident = "/ElsE\\2EK280\r\n".getBytes(StandardCharsets.ISO_8859_1);
        try (PtyPair pty = PtyPair.start();
                InputStream fromReader = new FileInputStream(pty.a);
                OutputStream toReader = new FileOutputStream(pty.a)) {
            AtomicReference<Throwable> meterFailure = new AtomicReference<>();
            Thread meter = Thread.ofPlatform().daemon().start(() -> {
                try {
                    assertArrayEquals(MeterDetector.SIGN_ON, readExactly(fromReader, MeterDetector.SIGN_ON.length));
                    toReader.write(ident);
                    toReader.flush();
                    // mode B: the meter goes on at 9600 without waiting for anything
                    toReader.write(readout, identEnd, readout.length - identEnd);
                    toReader.flush();
                } catch (Throwable ex) {
                    meterFailure.set(ex);
                }
            });
            List<MeterDetector.Candidate> iecOnly = List.of(new MeterDetector.Candidate(
                    "iec62056-21", SerialSettings.IEC_SIGN_ON, true, IecStreamDecoder::new));
            Detection d = new MeterDetector(new JSerialCommPorts(), Clock.systemUTC(), Duration.ofSeconds(5), iecOnly)
                    .detect(pty.b);
            meter.join(2_000);
            assertEquals(null, meterFailure.get());
            assertTrue(d.found(), "attempts: " + d.attempts());
            assertEquals(SerialSettings.IEC_SIGN_ON.withBaud(9_600), d.settings());
            assertEquals("314", d.reading().obis().values().iterator().next().value());
            assertEquals(0, fromReader.available(), "nothing but the request was written: no ACK in mode B");
        }
    }

    @Test
    void opening_a_port_that_does_not_exist_names_the_port() {
        IOException ex = assertThrows(
                IOException.class, () -> new JSerialCommPorts().open("/dev/ttyNOPE42", SerialSettings.DSMR5));
        assertTrue(ex.getMessage().contains("/dev/ttyNOPE42"), ex.getMessage());
    }

    private static byte[] readExactly(InputStream in, int n) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        while (out.size() < n) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("pty closed after " + Arrays.toString(out.toByteArray()));
            }
            out.write(b);
        }
        return out.toByteArray();
    }
}
