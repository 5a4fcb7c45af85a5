package org.gridshare.cli.installer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.gridshare.protocol.Address;
import org.gridshare.protocol.Secp256k1Signer;
import org.gridshare.protocol.SignatureVerifier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConsentTest {
    static final Secp256k1Signer HOUSEHOLD = Secp256k1Signer.fromPrivateKey(new byte[] {
        7, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30,
        31, 32
    });

    @TempDir
    Path dir;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private RecordFile record(Address household) {
        var r = RecordFileTest.record(RecordFileTest.METER.address(), RecordFileTest.INSTALLER.address());
        var withHousehold = new org.gridshare.protocol.CommissioningRecord(
                r.version(),
                r.boxId(),
                r.meter(),
                household,
                r.meterId(),
                r.protocol(),
                r.protocolVersion(),
                r.port(),
                r.settings(),
                r.importMilliWh(),
                r.exportMilliWh(),
                r.zone(),
                r.installer(),
                r.commissionedAtMs(),
                r.genesisSeq(),
                r.validFromMs(),
                r.chainId(),
                r.registry());
        return RecordFile.sign(withHousehold, RecordFileTest.METER, null);
    }

    private Path key(String name, byte[] secret) throws Exception {
        Path p = dir.resolve(name);
        Files.writeString(p, java.util.HexFormat.of().formatHex(secret) + "\n");
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rw-------"));
        return p;
    }

    private static byte[] secret(int first) {
        byte[] k = new byte[32];
        for (int i = 0; i < 32; i++) {
            k[i] = (byte) (i + 1);
        }
        k[0] = (byte) first;
        return k;
    }

    private int run(java.util.function.Function<String[], Integer> command, String... args) {
        return command.apply(args);
    }

    @Test
    void the_household_signs_the_records_binding_and_the_consent_verifies() throws Exception {
        RecordFile rec = record(HOUSEHOLD.address());
        ConsentFile c = ConsentFile.sign(rec, HOUSEHOLD);
        Path file = Files.write(dir.resolve("consent.json"), c.toJson());
        ConsentFile back = ConsentFile.read(file);
        assertEquals(c, back);
        back.requireFor(rec, file);
        assertEquals(HOUSEHOLD.address(), SignatureVerifier.recover(rec.bindingDigest(), back.signature()));
    }

    @Test
    void a_consent_by_another_key_or_for_another_record_is_refused() throws Exception {
        RecordFile rec = record(HOUSEHOLD.address());
        assertThrows(IllegalArgumentException.class, () -> ConsentFile.sign(rec, RecordFileTest.METER));
        ConsentFile c = ConsentFile.sign(rec, HOUSEHOLD);
        Path file = Files.write(dir.resolve("consent.json"), c.toJson());
        // another box for the same household
        var other = record(HOUSEHOLD.address()).record();
        RecordFile otherRec = RecordFile.sign(
                new org.gridshare.protocol.CommissioningRecord(
                        1,
                        "box-18",
                        other.meter(),
                        other.household(),
                        other.meterId(),
                        other.protocol(),
                        other.protocolVersion(),
                        other.port(),
                        other.settings(),
                        other.importMilliWh(),
                        other.exportMilliWh(),
                        other.zone(),
                        other.installer(),
                        other.commissionedAtMs(),
                        other.genesisSeq(),
                        other.validFromMs(),
                        other.chainId(),
                        other.registry()),
                RecordFileTest.METER,
                null);
        var e = assertThrows(
                ConsentFile.InvalidConsentException.class,
                () -> ConsentFile.read(file).requireFor(otherRec, file));
        assertTrue(e.getMessage().contains("another binding"), e.getMessage());
        // an edited binding no longer verifies against the household
        String edited = new String(c.toJson(), StandardCharsets.UTF_8).replace("6825000", "1");
        Path bad = Files.writeString(dir.resolve("edited.json"), edited);
        e = assertThrows(ConsentFile.InvalidConsentException.class, () -> ConsentFile.read(bad));
        assertTrue(e.getMessage().contains("not by the household"), e.getMessage());
    }

    @Test
    void sign_and_consent_commands_write_the_files_once() throws Exception {
        Secp256k1Signer household = Secp256k1Signer.fromPrivateKey(secret(42));
        RecordFile rec = record(household.address());
        Path recordPath = Files.write(dir.resolve(RecordFile.JSON_NAME), rec.toJson());
        Files.writeString(dir.resolve(RecordFile.HTML_NAME), rec.toHtml());
        PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
        PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8);

        Path wrongInstaller = key("wrong.key", secret(43));
        assertEquals(
                1,
                RecordCommands.sign(
                        new String[] {"--record", recordPath.toString(), "--key", wrongInstaller.toString()}, o, e));
        assertTrue(
                err.toString(StandardCharsets.UTF_8).contains("the record names installer"),
                err.toString(StandardCharsets.UTF_8));
        Path installer = key("installer.key", secret(9));
        assertEquals(
                RecordFileTest.INSTALLER.address(),
                Secp256k1Signer.fromPrivateKey(secret(9)).address());
        assertEquals(
                0,
                RecordCommands.sign(
                        new String[] {"--record", recordPath.toString(), "--key", installer.toString()}, o, e));
        assertNotNull(RecordFile.read(recordPath).installerSignature());
        assertTrue(Files.readString(dir.resolve(RecordFile.HTML_NAME)).contains("(signed)"));

        Path householdKey = key("household.key", secret(42));
        String[] consent = {"--record", recordPath.toString(), "--household-key", householdKey.toString()};
        assertEquals(0, RecordCommands.consent(consent, o, e), err.toString(StandardCharsets.UTF_8));
        ConsentFile.read(dir.resolve("consent.json"))
                .requireFor(RecordFile.read(recordPath), dir.resolve("consent.json"));
        assertEquals(1, RecordCommands.consent(consent, o, e));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("consent is given once"));
        assertEquals(
                1,
                RecordCommands.consent(
                        new String[] {
                            "--record",
                            recordPath.toString(),
                            "--household-key",
                            dir.resolve("none.key").toString()
                        },
                        o,
                        e));
        assertEquals(2, RecordCommands.consent(new String[] {"--record", recordPath.toString()}, o, e));
    }
}
