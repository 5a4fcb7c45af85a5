package org.gridshare.protocol;

import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.web3j.utils.Numeric;

/**
 * Writes {@code docs/protocol/test-vectors.json}: eth_signTypedData_v4 objects plus digest, signature
 * and signer, signed with fixed, publicly known TEST keys (never use them for anything else).
 * Deterministic (RFC 6979), so {@link TestVectorsFileTest} can demand the committed file equals a
 * fresh rendering. Run: {@code ./mvnw -q -pl protocol exec:java -Dexec.classpathScope=test
 * -Dexec.mainClass=org.gridshare.protocol.TestVectorsGenerator}.
 */
public final class TestVectorsGenerator {
    /** The committed file, found from the project root or the protocol module directory. */
    public static final Path FILE = locate();

    private static Path locate() {
        Path dir = Path.of("").toAbsolutePath();
        for (Path d = dir; d != null; d = d.getParent()) {
            if (Files.isRegularFile(d.resolve("protocol").resolve("pom.xml"))) {
                return d.resolve("docs").resolve("protocol").resolve("test-vectors.json");
            }
        }
        throw new IllegalStateException("not inside the gridshare tree: " + dir);
    }

    /** Key 1, anvil accounts 0 and 1, and n-1: all public knowledge. */
    static final String[] TEST_KEYS = {
        "0x0000000000000000000000000000000000000000000000000000000000000001",
        "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80",
        "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d",
        "0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364140",
    };

    private TestVectorsGenerator() {}

    public static void main(String[] args) throws IOException {
        Path out = args.length > 0 ? Path.of(args[0]) : FILE;
        Files.createDirectories(out.toAbsolutePath().getParent());
        Files.writeString(out, render(), StandardCharsets.UTF_8);
        System.out.println("wrote " + out.toAbsolutePath().normalize());
    }

    record Case(String description, Eip712Domain domain, TypedMessage message, int key) {}

    static String render() throws IOException {
        ArrayNode array = TypedDataJson.MAPPER.createArrayNode();
        for (Case c : cases()) {
            Secp256k1Signer signer = Secp256k1Signer.fromPrivateKey(Numeric.hexStringToByteArray(TEST_KEYS[c.key()]));
            Bytes32 digest = Eip712.digest(c.domain(), c.message());
            ObjectNode entry = TypedDataJson.MAPPER.createObjectNode();
            entry.put("description", c.description());
            entry.setAll(TypedDataJson.of(c.domain(), c.message()));
            entry.put("digest", digest.toHex());
            entry.put("signature", signer.sign(digest).toHex());
            entry.put("signer", signer.address().toChecksumHex());
            array.add(entry);
        }
        return TypedDataJson.MAPPER
                        .copy()
                        .enable(SerializationFeature.INDENT_OUTPUT)
                        .writeValueAsString(array) + "\n";
    }

    static List<Case> cases() {
        Address anvilFirstContract = Address.fromHex("0x5fbdb2315678afecb367f032d93f642f64180aa3");
        Address zero = new Address(new byte[20]);
        Address ff = Address.fromHex("0x" + "ff".repeat(20));
        Address ewc = Address.fromHex("0x" + "1234567890abcdef".repeat(2) + "12345678");
        Eip712Domain anvil = new Eip712Domain(31337, anvilFirstContract);
        Eip712Domain mainnet = new Eip712Domain(1, ewc);
        Eip712Domain energyWeb = new Eip712Domain(246, ff);
        Eip712Domain gnosis = new Eip712Domain(100, zero);
        Eip712Domain maxChain = new Eip712Domain(Long.MAX_VALUE, anvilFirstContract);
        Address meter = signerAddress(1);
        Address household = signerAddress(2);
        Bytes32 zone = Bytes32.fromHex("0x" + "00".repeat(31) + "07");
        Bytes32 ones = Bytes32.fromHex("0x" + "ff".repeat(32));
        long t0 = 1_764_000_000_000L;
        long maxU64 = -1L;
        long maxU32 = 0xFFFF_FFFFL;

        List<Case> cases = new ArrayList<>();
        // a chain of three readings: prev of each is the digest of the one before
        MeterReading r1 = new MeterReading(meter, 1, t0, 1_000, 0, 250_000, MeterStatus.OK, Bytes32.ZERO);
        MeterReading r2 =
                new MeterReading(meter, 2, t0 + 1_000, 1_069, 0, -500, MeterStatus.OK, ReadingChain.link(anvil, r1));
        MeterReading r3 = new MeterReading(
                meter,
                3,
                t0 + 2_000,
                1_069,
                12,
                -3_400_000,
                MeterStatus.CLOCK_UNSYNCHRONISED,
                ReadingChain.link(anvil, r2));
        cases.add(new Case("reading: first of a chain, prev = 0", anvil, r1, 1));
        cases.add(new Case("reading: second of the chain, negative power", anvil, r2, 1));
        cases.add(new Case("reading: third of the chain, clock unsynchronised", anvil, r3, 1));
        cases.add(new Case("reading: all zero", anvil, new MeterReading(zero, 0, 0, 0, 0, 0, 0, Bytes32.ZERO), 0));
        cases.add(new Case(
                "reading: max uint64 everywhere, max int64 power, max uint32 status",
                energyWeb,
                new MeterReading(ff, maxU64, maxU64, maxU64, maxU64, Long.MAX_VALUE, maxU32, ones),
                3));
        cases.add(new Case(
                "reading: min int64 power",
                mainnet,
                new MeterReading(
                        meter, 1L << 63, t0, 1L << 32, 1L << 32, Long.MIN_VALUE, MeterStatus.METER_ERROR, ones),
                1));
        cases.add(new Case(
                "reading: power -1 mW, all status flags",
                gnosis,
                new MeterReading(
                        meter,
                        99,
                        t0,
                        5,
                        6,
                        -1,
                        MeterStatus.METER_ERROR | MeterStatus.CLOCK_UNSYNCHRONISED | MeterStatus.CLOCK_STEPPED_BACK,
                        ReadingChain.link(gnosis, r1)),
                2));
        cases.add(new Case(
                "reading: max chain id",
                maxChain,
                new MeterReading(meter, 7, t0, 7, 7, 7, MeterStatus.CLOCK_STEPPED_BACK, Bytes32.ZERO),
                1));
        cases.add(new Case(
                "reading: status 2^31",
                anvil,
                new MeterReading(meter, 8, t0, 0, 0, Integer.MIN_VALUE, 0x8000_0000L, Bytes32.ZERO),
                1));

        cases.add(new Case(
                "statement: 15-minute interval",
                anvil,
                new IntervalStatement(meter, t0, 900, 1_000, 1_069, 0, 12, 1, 3, ReadingChain.link(anvil, r3)),
                1));
        cases.add(new Case(
                "statement: all zero", anvil, new IntervalStatement(zero, 0, 0, 0, 0, 0, 0, 0, 0, Bytes32.ZERO), 0));
        cases.add(new Case(
                "statement: max uint64 and max uint32",
                energyWeb,
                new IntervalStatement(ff, maxU64, maxU32, maxU64, maxU64, maxU64, maxU64, maxU64, maxU64, ones),
                3));
        cases.add(new Case(
                "statement: registers above 2^63",
                mainnet,
                new IntervalStatement(
                        meter,
                        t0,
                        3_600,
                        Long.MIN_VALUE,
                        Long.MIN_VALUE + 5,
                        1L << 62,
                        (1L << 62) + 9,
                        1L << 63,
                        maxU64,
                        ones),
                1));
        cases.add(new Case(
                "statement: gnosis chain, zero contract",
                gnosis,
                new IntervalStatement(meter, t0 + 900_000, 900, 0, 0, 100, 150_000, 4, 903, zone),
                2));
        cases.add(new Case(
                "statement: max chain id", maxChain, new IntervalStatement(meter, t0, 60, 1, 2, 3, 4, 5, 6, zone), 1));

        cases.add(new Case(
                "order: buy",
                anvil,
                new Order(household, zone, t0 + 900_000, Order.BUY, 2_500, 300_000, 1, t0 + 600_000),
                2));
        cases.add(new Case(
                "order: sell",
                anvil,
                new Order(household, zone, t0 + 900_000, Order.SELL, 1_200, 80_000, 2, t0 + 600_000),
                2));
        cases.add(new Case("order: all zero buy", anvil, new Order(zero, Bytes32.ZERO, 0, Order.BUY, 0, 0, 0, 0), 0));
        cases.add(new Case(
                "order: max uint64 sell",
                energyWeb,
                new Order(ff, ones, maxU64, Order.SELL, maxU64, maxU64, maxU64, maxU64),
                3));
        cases.add(new Case(
                "order: max uint64 buy",
                energyWeb,
                new Order(ff, ones, maxU64, Order.BUY, maxU64, maxU64, maxU64, maxU64),
                3));
        cases.add(new Case(
                "order: values above 2^63, mainnet",
                mainnet,
                new Order(household, zone, 1L << 63, Order.SELL, (1L << 63) + 1, Long.MIN_VALUE + 2, 1L << 63, maxU64),
                2));
        cases.add(new Case(
                "order: gnosis chain, zero contract",
                gnosis,
                new Order(household, zone, t0, Order.BUY, 1, 1, 42, t0 + 1),
                2));
        cases.add(new Case(
                "order: max chain id",
                maxChain,
                new Order(household, zone, t0, Order.SELL, 10_000, 120_000, 3, t0 + 60_000),
                0));
        cases.add(new Case(
                "order: signed by key 1",
                anvil,
                new Order(signerAddress(0), zone, t0, Order.BUY, 900, 250_000, 0, t0 + 1),
                0));
        return cases;
    }

    private static Address signerAddress(int key) {
        return Secp256k1Signer.fromPrivateKey(Numeric.hexStringToByteArray(TEST_KEYS[key]))
                .address();
    }
}
