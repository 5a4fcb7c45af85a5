package org.gridshare.agent.meter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.gridshare.agent.signing.ReadingSigner;
import org.gridshare.agent.signing.SigningStateFile;
import org.gridshare.drivers.DecodeException;
import org.gridshare.drivers.health.MeterHealth;
import org.gridshare.drivers.serial.JSerialCommPorts;
import org.gridshare.protocol.Address;
import org.gridshare.protocol.Eip712Domain;
import org.gridshare.protocol.MeterReading;
import org.gridshare.protocol.Secp256k1Signer;
import org.gridshare.protocol.SignatureVerifier;
import org.gridshare.protocol.Signed;
import org.gridshare.testsupport.PtyPair;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Push meters through jSerialComm on a real pseudo-terminal pair (socat): meter-drivers' recorded
 * golden frames, with seeded garbage and a damaged frame before each round, are written into one end;
 * the agent's source reads the other and every reading signed carries exactly the registers of a
 * golden frame, while the garbage and the damaged frame are counted as decode errors, never signed.
 */
class SerialPushMeterSourcePtyTest {
    private static final Eip712Domain DOMAIN =
            new Eip712Domain(31337, Address.fromHex("0x5fbdb2315678afecb367f032d93f642f64180aa3"));
    private static final String SMARTY_TEST_KEY =
            "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"; // the fixture's published test key

    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0}")
    @CsvSource({
        "dsmr, dsmr/v5-iskra-am550-spec-example.p1, CORRUPT",
        "dsmr, dsmr/v5-sagemcom-t210-d-r.p1, CORRUPT",
        "dsmr22, dsmr/v2_2-iskra-mt382.p1, TRUNCATED",
        "smarty, dsmr/smarty-sagemcom-t210-d-r-encrypted.bin, CORRUPT",
        "sml, sml/ISKRA_MT175_eHZ.bin, CORRUPT",
        "iec62056-21, iec62056-21/easymeter-q3da1004-mode-d.txt, TRUNCATED"
    })
    void signs_exactly_the_registers_of_each_golden_frame_and_counts_bad_frames(
            String type, String fixture, DecodeException.Kind badKind) throws Exception {
        byte[] golden = GoldenFrames.bytes(fixture);
        List<Measurement> expected = GoldenFrames.expected(fixture);
        byte[] bad = badKind == DecodeException.Kind.CORRUPT ? corrupt(golden) : truncated(golden);
        Random random = new Random(1);
        try (PtyPair pty = PtyPair.linked(dir.resolve("meter"), dir.resolve("p1"))) {
            Map<String, Object> m = new HashMap<>();
            m.put("type", type.equals("smarty") || type.equals("dsmr22") ? "dsmr" : type);
            if (type.equals("dsmr22")) { // no CRC: each telegram is signed only when the one before confirms it
                m.put("baud", 9_600L);
                m.put("dataBits", 7L);
                m.put("parity", "even");
            }
            m.put("port", pty.b);
            m.put("staleAfterMs", 5_000L);
            if (type.equals("smarty")) {
                m.put("smartyKey", SMARTY_TEST_KEY);
            }
            ReadingSigner signer = new ReadingSigner(
                    Secp256k1Signer.generate(), DOMAIN, new SigningStateFile(dir.resolve("state")), Clock.systemUTC());
            try (Writer meter = Writer.start(Path.of(pty.a), () -> {
                        ByteArrayOutputStream round = new ByteArrayOutputStream();
                        byte[] noise = new byte[40];
                        random.nextBytes(noise);
                        round.writeBytes(noise);
                        round.writeBytes(bad);
                        round.writeBytes(golden);
                        return round.toByteArray();
                    });
                    SerialPushMeterSource source = (SerialPushMeterSource)
                            MeterSources.open(MeterSections.of(m), new JSerialCommPorts(), Clock.systemUTC())) {
                List<Signed<MeterReading>> signed = new ArrayList<>();
                for (int i = 0; i < 6; i++) {
                    signed.add(signer.sign(source.read()));
                }
                for (Signed<MeterReading> r : signed) {
                    MeterReading v = r.message();
                    assertEquals(signer.meter(), SignatureVerifier.recover(DOMAIN, r));
                    Measurement got =
                            new Measurement(v.importMilliWh(), v.exportMilliWh(), v.powerMilliW(), v.status());
                    assertTrue(
                            expected.contains(got), "reading " + got + " is not one of the golden frames " + expected);
                }
                MeterSourceStats stats = source.stats();
                assertTrue(
                        stats.decodeErrors().getOrDefault(badKind, 0L) >= 1,
                        "the damaged frames are counted: " + stats);
                assertTrue(stats.frames() >= 6, stats.toString());
                if (type.equals("dsmr22") || type.equals("iec62056-21")) {
                    assertTrue(
                            stats.incomplete() >= 1, "the first frame without checksum waits for a second: " + stats);
                }
                assertTrue(stats.health() != MeterHealth.State.FAILED, stats.toString());
                assertNull(meter.failure.get());
            }
        }
    }

    @Test
    void reopens_a_port_that_vanished_and_signs_nothing_while_it_is_gone() throws Exception {
        byte[] golden = GoldenFrames.bytes("dsmr/v5-iskra-am550-spec-example.p1");
        Measurement expected =
                GoldenFrames.expected("dsmr/v5-iskra-am550-spec-example.p1").get(0);
        Path meterEnd = dir.resolve("meter");
        Path agentEnd = dir.resolve("p1");
        PtyPair pty = PtyPair.linked(meterEnd, agentEnd);
        Writer meter = Writer.start(meterEnd, () -> golden);
        try (SerialPushMeterSource source = SerialPushMeterSource.start(
                new JSerialCommPorts(),
                agentEnd.toString(),
                org.gridshare.drivers.serial.SerialSettings.DSMR5,
                org.gridshare.drivers.dsmr.DsmrStreamDecoder::plain,
                Clock.systemUTC(),
                Duration.ofMillis(1_500),
                Duration.ofSeconds(60),
                new SerialPushMeterSource.Backoff(Duration.ofMillis(100), Duration.ofMillis(400)))) {
            assertEquals(expected, source.read());
            pty.kill(); // the USB adapter is pulled
            meter.close();
            MeterReadException gone = assertThrows(MeterReadException.class, source::read);
            assertEquals(MeterReadException.Reason.STALE, gone.reason());
            assertEquals(MeterHealth.State.FAILED, source.stats().health());
            pty = PtyPair.linked(meterEnd, agentEnd); // plugged in again, same device name
            meter = Writer.start(meterEnd, () -> golden);
            Measurement back;
            try {
                back = readWithin(source, Duration.ofSeconds(15));
            } catch (MeterReadException e) {
                throw new AssertionError(
                        source.stats() + "; meter wrote " + meter.rounds.get() + " rounds, failure "
                                + meter.failure.get() + "; links " + linkTarget(meterEnd) + " " + linkTarget(agentEnd),
                        e);
            }
            assertEquals(expected, back);
            assertTrue(source.stats().reopens() >= 1, source.stats().toString());
            assertEquals(MeterHealth.State.OK, source.stats().health());
        } finally {
            meter.close();
            pty.close();
        }
    }

    private static String linkTarget(Path link) {
        try {
            return link.toRealPath().toString();
        } catch (IOException e) {
            return "(" + e + ")";
        }
    }

    private static Measurement readWithin(MeterSource source, Duration limit) {
        long deadline = System.nanoTime() + limit.toNanos();
        while (true) {
            try {
                return source.read();
            } catch (MeterReadException e) {
                if (System.nanoTime() > deadline) {
                    throw e;
                }
            }
        }
    }

    /** The frame with one byte in its middle changed: its CRC (or GCM tag) no longer matches. */
    private static byte[] corrupt(byte[] frame) {
        byte[] c = frame.clone();
        int at = c.length / 2;
        c[at] = (byte) (c[at] == '7' ? '8' : '7');
        return c;
    }

    /** The first half of the frame: the next frame's start cuts it off. */
    private static byte[] truncated(byte[] frame) {
        return java.util.Arrays.copyOf(frame, frame.length / 2);
    }

    /** Writes rounds into the meter end every 100 ms, reopening it when it vanished (until closed). */
    static final class Writer implements AutoCloseable {
        final AtomicReference<Throwable> failure = new AtomicReference<>();
        final java.util.concurrent.atomic.AtomicLong rounds = new java.util.concurrent.atomic.AtomicLong();
        private final AtomicBoolean stop = new AtomicBoolean();
        private final Thread thread;

        private Writer(Path end, java.util.function.Supplier<byte[]> rounds) {
            thread = Thread.ofPlatform().daemon().unstarted(() -> {
                while (!stop.get()) {
                    try (OutputStream out = new FileOutputStream(end.toFile())) {
                        while (!stop.get()) {
                            out.write(rounds.get());
                            out.flush();
                            this.rounds.incrementAndGet();
                            java.util.concurrent.locks.LockSupport.parkNanos(100_000_000L); // a meter's pace, faster
                        }
                    } catch (IOException gone) {
                        java.util.concurrent.locks.LockSupport.parkNanos(50_000_000L); // pty unplugged: try again
                    } catch (RuntimeException e) {
                        failure.set(e);
                        return;
                    }
                }
            });
        }

        static Writer start(Path end, java.util.function.Supplier<byte[]> rounds) {
            Writer w = new Writer(end, rounds);
            w.thread.start();
            return w;
        }

        @Override
        public void close() {
            stop.set(true);
            try {
                thread.join(2_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
