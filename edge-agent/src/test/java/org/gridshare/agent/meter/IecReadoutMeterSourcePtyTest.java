package org.gridshare.agent.meter;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.gridshare.drivers.serial.JSerialCommPorts;
import org.gridshare.protocol.MeterStatus;
import org.gridshare.testsupport.PtyPair;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * IEC 62056-21 mode C over a real pseudo-terminal pair: a meter simulated on one end answers each
 * sign-on {@code /?!} with its identification, receives the reader's acknowledgement and sends its
 * readout (STX … ETX BCC); every {@link MeterSource#read()} of the agent is one such cycle. A readout
 * whose BCC is wrong is a failed read, nothing signed.
 */
class IecReadoutMeterSourcePtyTest {
    private static final byte[] SIGN_ON = "/?!\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] IDENT = "/ISK5ME382-1003\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] ACK = {0x06, '0', '5', '0', '\r', '\n'};

    @TempDir
    Path dir;

    private static byte[] readout(String data, boolean damageBcc) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(0x02);
        byte[] body = (data + "!\r\n").getBytes(StandardCharsets.US_ASCII);
        out.writeBytes(body);
        out.write(0x03);
        int bcc = 0x03;
        for (byte b : body) {
            bcc ^= b;
        }
        out.write(damageBcc ? bcc ^ 0x01 : bcc);
        return out.toByteArray();
    }

    @Test
    void each_read_is_a_mode_c_request_readout_cycle() throws Exception {
        byte[][] readouts = {
            readout("1.8.0(0012345.678*kWh)\r\n2.8.0(0000001.500*kWh)\r\nF.F(00000000)\r\n", false),
            readout("1.8.0(0012345.679*kWh)\r\n2.8.0(0000001.500*kWh)\r\nF.F(00000000)\r\n", true),
            readout("1.8.0(0012345.680*kWh)\r\n2.8.0(0000001.500*kWh)\r\nF.F(00000001)\r\n", false)
        };
        try (PtyPair pty = PtyPair.linked(dir.resolve("meter"), dir.resolve("optical"));
                InputStream fromReader = new FileInputStream(new File(pty.a));
                OutputStream toReader = new FileOutputStream(new File(pty.a))) {
            AtomicReference<Throwable> meterFailure = new AtomicReference<>();
            AtomicBoolean stop = new AtomicBoolean();
            Thread meter = Thread.ofPlatform().daemon().start(() -> {
                try {
                    for (byte[] r : readouts) {
                        assertArrayEquals(SIGN_ON, readExactly(fromReader, SIGN_ON.length));
                        toReader.write(IDENT);
                        toReader.flush();
                        assertArrayEquals(ACK, readExactly(fromReader, ACK.length));
                        toReader.write(r);
                        toReader.flush();
                    }
                } catch (IOException | AssertionError e) {
                    if (!stop.get()) {
                        meterFailure.set(e);
                    }
                }
            });
            Map<String, Object> m = new HashMap<>();
            m.put("type", "iec62056-21");
            m.put("iecMode", "readout");
            m.put("port", pty.b);
            m.put("timeoutMs", 2_000L);
            try (IecReadoutMeterSource source = (IecReadoutMeterSource)
                    MeterSources.open(MeterSections.of(m), new JSerialCommPorts(), Clock.systemUTC())) {
                assertEquals(new Measurement(12_345_678_000L, 1_500_000L, 0, MeterStatus.OK), source.read());
                MeterReadException bad = assertThrows(MeterReadException.class, source::read);
                assertEquals(MeterReadException.Reason.DECODE, bad.reason());
                // F.F not zero: the meter reports an error, and the reading says so; a readout without power gets
                // the average over the 2 Wh since the previous readout
                Measurement third = source.read();
                assertEquals(
                        new Measurement(12_345_680_000L, 1_500_000L, third.powerMilliW(), MeterStatus.METER_ERROR),
                        third);
                assertTrue(third.powerMilliW() > 0, third.toString());
            } finally {
                stop.set(true);
                meter.join(2_000);
            }
            assertNull(meterFailure.get());
        }
    }

    private static byte[] readExactly(InputStream in, int n) throws IOException {
        byte[] b = in.readNBytes(n);
        if (b.length != n) {
            throw new IOException("reader closed after " + b.length + " of " + n + " bytes");
        }
        return b;
    }
}
