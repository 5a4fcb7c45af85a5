package org.gridshare.cli.installer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import org.gridshare.drivers.ReadingJson;
import org.gridshare.protocol.Address;
import org.gridshare.protocol.Bytes32;
import org.gridshare.protocol.CommissioningRecord;
import org.gridshare.protocol.InvalidSignatureException;
import org.gridshare.protocol.Secp256k1Signer;
import org.gridshare.protocol.Signature;
import org.gridshare.protocol.SignatureVerifier;
import org.gridshare.protocol.wire.JsonObject;
import org.gridshare.protocol.wire.StrictJson;
import org.gridshare.protocol.wire.WireFormatException;

/**
 * The commissioning record as a file ({@value #JSON_NAME}): the {@link CommissioningRecord}, its digest, and
 * two signatures over the same EIP-712 digest, the record's {@link Binding} in the registry's domain. The
 * meter key's signature is its proof of possession and is exactly the {@code meterSig} that
 * {@code registerMeter} checks; the installer's signature says who commissioned it (it covers the record
 * through {@code commissioningDigest}). Reading a file checks both signatures and the digest.
 *
 * @param installerSignature null until the installer signed ({@code installer sign})
 */
public record RecordFile(CommissioningRecord record, Signature meterSignature, Signature installerSignature) {
    public static final String JSON_NAME = "commissioning.json";
    public static final String HTML_NAME = "commissioning.html";
    public static final String TYPE = "CommissioningRecord";
    private static final int MAX_BYTES = 64 * 1024;

    /** A record file that cannot be used: which field and why. */
    public static final class InvalidRecordException extends Exception {
        private static final long serialVersionUID = 1L;

        public InvalidRecordException(Path file, String problem) {
            super(file + ": " + problem);
        }
    }

    /** The binding the record stands for. */
    public Binding binding() {
        return Binding.of(record);
    }

    /** The digest every party signs: the binding in the registry's EIP-712 domain. */
    public Bytes32 bindingDigest() {
        return binding().digest(record.chainId(), record.registry());
    }

    /** Signs {@code record} with the meter key and, when given, the installer's key. */
    public static RecordFile sign(CommissioningRecord record, Secp256k1Signer meterKey, Secp256k1Signer installer) {
        if (!meterKey.address().equals(record.meter())) {
            throw new IllegalArgumentException(
                    "the meter key is " + meterKey.address() + ", the record names " + record.meter());
        }
        Bytes32 digest = Binding.of(record).digest(record.chainId(), record.registry());
        return new RecordFile(record, meterKey.sign(digest), installer == null ? null : installer.sign(digest));
    }

    /** The same record with the installer's signature added. */
    public RecordFile signedByInstaller(Secp256k1Signer installer) {
        if (!installer.address().equals(record.installer())) {
            throw new IllegalArgumentException(
                    "the key is " + installer.address().toHex() + ", the record names installer "
                            + record.installer().toHex());
        }
        return new RecordFile(record, meterSignature, installer.sign(bindingDigest()));
    }

    /** Pretty-printed JSON; {@code record} holds the canonical fields. */
    public byte[] toJson() {
        try {
            ObjectNode o = ReadingJson.mapper().createObjectNode();
            o.put("type", TYPE);
            o.set("record", ReadingJson.mapper().readTree(record.canonicalJson()));
            o.put("commissioningDigest", record.digest().toHex());
            o.put("bindingDigest", bindingDigest().toHex());
            o.put("meterSignature", meterSignature.toHex());
            if (installerSignature == null) {
                o.putNull("installerSignature");
            } else {
                o.put("installerSignature", installerSignature.toHex());
            }
            return (o.toPrettyString() + "\n").getBytes(StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException("the canonical JSON did not parse back", e);
        }
    }

    /**
     * Reads and checks a record file: the record's fields, the stated digests against the recomputed ones, the
     * meter signature against the record's meter and the installer's (when present) against its installer.
     */
    public static RecordFile read(Path file) throws IOException, InvalidRecordException {
        byte[] bytes = Files.readAllBytes(file);
        try {
            JsonNode root = StrictJson.tree(bytes, MAX_BYTES);
            if (!root.isObject()) {
                throw new InvalidRecordException(file, "not a JSON object");
            }
            JsonObject o = JsonObject.of(root);
            o.rejectUnknown(
                    java.util.Set.of(
                            "type",
                            "record",
                            "commissioningDigest",
                            "bindingDigest",
                            "meterSignature",
                            "installerSignature"),
                    "commissioning record file");
            o.requireType(TYPE);
            JsonNode r = root.get("record");
            if (r == null || !r.isObject()) {
                throw new InvalidRecordException(file, "record: missing or not an object");
            }
            CommissioningRecord record = CommissioningRecord.fromJson(JsonObject.of(r));
            RecordFile f = new RecordFile(
                    record,
                    o.signature("meterSignature"),
                    o.has("installerSignature") ? o.signature("installerSignature") : null);
            if (o.has("commissioningDigest")
                    && !o.bytes32("commissioningDigest").equals(record.digest())) {
                throw new InvalidRecordException(
                        file,
                        "commissioningDigest "
                                + o.bytes32("commissioningDigest").toHex()
                                + " is not the digest of the record's canonical JSON "
                                + record.digest().toHex()
                                + " (the record was changed after it was signed)");
            }
            Bytes32 digest = f.bindingDigest();
            expectSigner(file, "meterSignature", digest, f.meterSignature, record.meter());
            if (f.installerSignature != null) {
                expectSigner(file, "installerSignature", digest, f.installerSignature, record.installer());
            }
            return f;
        } catch (WireFormatException e) {
            throw new InvalidRecordException(file, e.getMessage());
        }
    }

    private static void expectSigner(Path file, String field, Bytes32 digest, Signature sig, Address expected)
            throws InvalidRecordException {
        Address signer;
        try {
            signer = SignatureVerifier.recover(digest, sig);
        } catch (InvalidSignatureException e) {
            throw new InvalidRecordException(file, field + ": " + e.getMessage());
        }
        if (!signer.equals(expected)) {
            throw new InvalidRecordException(
                    file,
                    field + " was made by " + signer.toHex() + ", not by " + expected.toHex()
                            + " (wrong key, or the record was changed after it was signed)");
        }
    }

    /**
     * What the household's consent needs, as the QR code carries it: the chain and registry (the EIP-712
     * domain) and every field of the binding, as a {@code gridshare-consent:} URI with decimal integers.
     */
    public String consentUri() {
        Binding b = binding();
        return "gridshare-consent:v1?chainId=" + record.chainId()
                + "&registry=" + record.registry().toHex()
                + "&meter=" + b.meter().toHex()
                + "&household=" + b.household().toHex()
                + "&zone=" + b.zone().toHex()
                + "&validFromMs=" + Long.toUnsignedString(b.validFromMs())
                + "&genesisSeq=" + Long.toUnsignedString(b.genesisSeq())
                + "&genesisImportMilliWh=" + Long.toUnsignedString(b.genesisImportMilliWh())
                + "&genesisExportMilliWh=" + Long.toUnsignedString(b.genesisExportMilliWh())
                + "&commissioningDigest=" + b.commissioningDigest().toHex();
    }

    /** The printable page: the record in words, the QR code of {@link #consentUri()}, how to consent. */
    public String toHtml() {
        CommissioningRecord r = record;
        StringBuilder h = new StringBuilder(16_384);
        h.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">")
                .append("<title>gridshare commissioning record ")
                .append(esc(r.boxId()))
                .append("</title>\n<style>body{font-family:sans-serif;max-width:48em;margin:2em auto}")
                .append("td{padding:.2em .8em;vertical-align:top}td:first-child{color:#555}")
                .append("code{word-break:break-all}svg{width:18em;height:18em}</style></head><body>\n");
        h.append("<h1>Commissioning record</h1>\n<table>\n");
        row(h, "Box", r.boxId());
        row(h, "Meter (as it reports itself)", r.meterId());
        row(h, "Protocol", r.protocol() + (r.protocolVersion() == null ? "" : " " + r.protocolVersion()));
        row(h, "Port and settings", r.port() + ", " + r.settings());
        row(h, "Import register at commissioning", kWh(r.importMilliWh()));
        row(h, "Export register at commissioning", kWh(r.exportMilliWh()));
        row(h, "Zone", r.zone());
        row(h, "Commissioned at", Instant.ofEpochMilli(r.commissionedAtMs()).toString());
        row(h, "Binding valid from", Instant.ofEpochMilli(r.validFromMs()).toString());
        row(h, "First signed reading (seq)", Long.toString(r.genesisSeq()));
        row(h, "Meter key", r.meter().toChecksumHex());
        row(h, "Household account", r.household().toChecksumHex());
        row(
                h,
                "Installer",
                r.installer().toChecksumHex() + (installerSignature == null ? " (not signed yet)" : " (signed)"));
        row(h, "Chain, registry", r.chainId() + ", " + r.registry().toChecksumHex());
        row(h, "Record digest", r.digest().toHex());
        row(h, "Binding digest (what you sign)", bindingDigest().toHex());
        h.append("</table>\n<h2>Your consent</h2>\n<p>By signing you agree that this meter key measures your"
                + " household's energy in this zone from the time above, starting at these registers. The QR code"
                + " carries exactly what you sign; nothing else is needed.</p>\n");
        h.append(Qr.svg(consentUri())).append('\n');
        h.append("<p><code>").append(esc(consentUri())).append("</code></p>\n");
        h.append("<p>On the box or any computer with your household key:<br><code>./gridshare installer consent"
                        + " --record ")
                .append(JSON_NAME)
                .append(" --household-key household.key --out consent.json</code></p>\n</body></html>\n");
        return h.toString();
    }

    private static void row(StringBuilder h, String label, String value) {
        h.append("<tr><td>")
                .append(esc(label))
                .append("</td><td><code>")
                .append(esc(value))
                .append("</code></td></tr>\n");
    }

    private static String kWh(long milliWh) {
        return milliWh / 1_000_000 + "." + String.format(java.util.Locale.ROOT, "%06d", milliWh % 1_000_000) + " kWh ("
                + milliWh + " mWh)";
    }

    static String esc(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
