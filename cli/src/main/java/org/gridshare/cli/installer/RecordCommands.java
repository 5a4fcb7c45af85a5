package org.gridshare.cli.installer;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import org.gridshare.cli.args.Options;
import org.gridshare.protocol.Secp256k1Signer;
import org.gridshare.protocol.keys.KeyFiles;

/**
 * The file-only installer commands: {@code installer sign} (the installer's signature on a record the box
 * wrote) and {@code installer consent} (the household's signature over the record's binding). Exit 0 done,
 * 1 the record, consent or key was refused (the reason on stderr), 2 usage.
 */
final class RecordCommands {
    static final Options SIGN = Options.of(
                    "gridshare installer sign",
                    "gridshare installer sign: ",
                    "adds the installer's signature to a commissioning record the box wrote")
            .value("--record", "FILE", true, "the box's commissioning.json (rewritten in place, atomically)")
            .value("--key", "FILE", true, "the installer's key file (its address must be the record's installer)");

    static final Options CONSENT = Options.of(
                    "gridshare installer consent",
                    "gridshare installer consent: ",
                    "the household signs the meter binding of a commissioning record (EIP-712, registry domain)")
            .value("--record", "FILE", true, "the commissioning.json")
            .value("--household-key", "FILE", true, "the household's key file (the box's household.key)")
            .value("--out", "FILE", false, "where the consent goes (default consent.json beside the record)");

    private RecordCommands() {}

    static int sign(String[] args, PrintStream out, PrintStream err) {
        Options.Parsed p;
        try {
            p = SIGN.parse(args);
        } catch (Options.Stop stop) {
            return stop.report(out, err);
        }
        Path recordPath = Path.of(p.get("--record"));
        try {
            RecordFile record = RecordFile.read(recordPath);
            Secp256k1Signer key = existingKey(Path.of(p.get("--key")));
            RecordFile signed = record.signedByInstaller(key);
            replace(recordPath, signed.toJson());
            Path html = recordPath.resolveSibling(RecordFile.HTML_NAME);
            if (Files.exists(html)) {
                replace(html, signed.toHtml().getBytes(java.nio.charset.StandardCharsets.UTF_8));
            }
            out.println("{\"record\": \"" + recordPath + "\", \"installer\": \""
                    + key.address().toHex() + "\", \"bindingDigest\": \""
                    + signed.bindingDigest().toHex() + "\"}");
            return 0;
        } catch (RecordFile.InvalidRecordException | IOException | IllegalArgumentException e) {
            err.println("gridshare installer sign: " + e.getMessage());
            return 1;
        }
    }

    static int consent(String[] args, PrintStream out, PrintStream err) {
        Options.Parsed p;
        try {
            p = CONSENT.parse(args);
        } catch (Options.Stop stop) {
            return stop.report(out, err);
        }
        Path recordPath = Path.of(p.get("--record"));
        Path outPath = p.has("--out") ? Path.of(p.get("--out")) : recordPath.resolveSibling("consent.json");
        try {
            RecordFile record = RecordFile.read(recordPath);
            Secp256k1Signer household = existingKey(Path.of(p.get("--household-key")));
            ConsentFile consent = ConsentFile.sign(record, household);
            if (Files.exists(outPath)) {
                throw new IOException(outPath + " exists: consent is given once per record (move it away first)");
            }
            Path tmp = outPath.resolveSibling("." + outPath.getFileName() + ".tmp");
            Files.write(tmp, consent.toJson());
            Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-r--r--"));
            Files.move(tmp, outPath, StandardCopyOption.ATOMIC_MOVE);
            out.println(new String(consent.toJson(), java.nio.charset.StandardCharsets.UTF_8).strip());
            return 0;
        } catch (RecordFile.InvalidRecordException | IOException | IllegalArgumentException e) {
            err.println("gridshare installer consent: " + e.getMessage());
            return 1;
        }
    }

    /** Loads a key that must exist (never creates one: a typo must not make a fresh key). */
    static Secp256k1Signer existingKey(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new IOException(file + ": no such key file");
        }
        return KeyFiles.loadOrCreate(file);
    }

    private static void replace(Path target, byte[] content) throws IOException {
        Path tmp = target.resolveSibling("." + target.getFileName() + ".tmp");
        Files.write(tmp, content);
        Files.setPosixFilePermissions(tmp, Files.getPosixFilePermissions(target));
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }
}
