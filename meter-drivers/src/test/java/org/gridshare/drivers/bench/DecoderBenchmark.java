package org.gridshare.drivers.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.concurrent.TimeUnit;
import org.gridshare.drivers.DecodeException;
import org.gridshare.drivers.NormalizedReading;
import org.gridshare.drivers.bthome.BthomeDecoder;
import org.gridshare.drivers.dsmr.DsmrDecoder;
import org.gridshare.drivers.dsmr.SmartyDecryptor;
import org.gridshare.drivers.iec62056.IecDecoder;
import org.gridshare.drivers.sml.SmlDecoder;
import org.gridshare.drivers.sml.SmlFramer;
import org.gridshare.drivers.transport.Framed;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Frames decoded per second per decoder on one core, over golden fixtures. Not part of the test run:
 * see docs/benchmarks.md for the command and the figures.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@Threads(1)
public class DecoderBenchmark {

    private byte[] dsmr5;
    private byte[] smarty;
    private SmartyDecryptor smartyKey;
    private byte[] sml;
    private byte[] iec;
    private byte[] bthome;
    private byte[] bthomeMac;

    @Setup
    public void load() throws Exception {
        Path root = Path.of("src/test/resources/fixtures");
        dsmr5 = Files.readAllBytes(root.resolve("dsmr/v5-iskra-am550-spec-example.p1"));
        smarty = Files.readAllBytes(root.resolve("dsmr/smarty-sagemcom-t210-d-r-encrypted.bin"));
        smartyKey = new SmartyDecryptor(
                HexFormat.of().parseHex("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"),
                SmartyDecryptor.DEFAULT_AUTHENTICATION_KEY);
        byte[] dump = Files.readAllBytes(root.resolve("sml/ISKRA_MT175_eHZ.bin"));
        sml = new SmlFramer()
                .feed(dump, 0, dump.length).stream()
                        .filter(e -> e instanceof Framed.Frame)
                        .findFirst()
                        .orElseThrow()
                        .bytes();
        iec = Files.readAllBytes(root.resolve("iec62056-21/easymeter-q3db1024-mode-d.txt"));
        bthome = HexFormat.of().parseHex("404d12138a14");
        bthomeMac = BthomeDecoder.parseMac("A4:C1:38:8D:18:B2");
    }

    @Benchmark
    public NormalizedReading dsmr5Telegram() throws DecodeException {
        return DsmrDecoder.decode(dsmr5);
    }

    @Benchmark
    public NormalizedReading smartyEncryptedTelegram() throws DecodeException {
        return DsmrDecoder.decode(smartyKey.decrypt(smarty));
    }

    @Benchmark
    public NormalizedReading smlFrame() throws DecodeException {
        return SmlDecoder.decode(sml);
    }

    @Benchmark
    public NormalizedReading iecModeDReadout() throws DecodeException {
        return IecDecoder.decode(iec);
    }

    @Benchmark
    public NormalizedReading bthomeAdvertisement() throws DecodeException {
        return BthomeDecoder.decode(bthome, bthomeMac, null);
    }
}
