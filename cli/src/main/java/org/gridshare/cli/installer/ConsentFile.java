package org.gridshare.cli.installer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import org.gridshare.drivers.ReadingJson;
import org.gridshare.protocol.Address;
import org.gridshare.protocol.Bytes32;
import org.gridshare.protocol.InvalidSignatureException;
import org.gridshare.protocol.Secp256k1Signer;
import org.gridshare.protocol.Signature;
import org.gridshare.protocol.SignatureVerifier;
import org.gridshare.protocol.wire.JsonObject;
import org.gridshare.protocol.wire.StrictJson;
import org.gridshare.protocol.wire.WireFormatException;

/**
 * The household's consent: its EIP-712 signature over the record's {@link Binding} in the registry's domain
 * (the {@code householdSig} of {@code registerMeter}), with the binding and the domain spelled out so the file
 * says what was agreed to on its own. Reading checks the signature against the binding's household and, given
 * the record, that the consent is for exactly that record's binding.
 */
public record ConsentFile(long chainId, Address registry, Binding binding, Signature signature) {
    public static final String TYPE = "MeterBindingConsent";
    private static final int MAX_BYTES = 16 * 1024;

    /** A consent that cannot be used: what and why. */
    public static final class InvalidConsentException extends Exception {
        private static final long serialVersionUID = 1L;

        public InvalidConsentException(Path file, String problem) {
            super(file + ": " + problem);
        }
    }

    /** The household signs the record's binding; its key must be the record's household. */
    public static ConsentFile sign(RecordFile record, Secp256k1Signer household) {
        Binding b = record.binding();
        if (!household.address().equals(b.household())) {
            throw new IllegalArgumentException(
                    "the household key is " + household.address().toHex() + ", the record names household "
                            + b.household().toHex());
        }
        return new ConsentFile(
                record.record().chainId(),
                record.record().registry(),
                b,
                household.sign(
                        b.digest(record.record().chainId(), record.record().registry())));
    }

    public byte[] toJson() {
        ObjectNode o = ReadingJson.mapper().createObjectNode();
        o.put("type", TYPE);
        o.put("chainId", chainId);
        o.put("registry", registry.toHex());
        ObjectNode b = o.putObject("binding");
        b.put("meter", binding.meter().toHex());
        b.put("household", binding.household().toHex());
        b.put("zone", binding.zone().toHex());
        b.put("validFromMs", binding.validFromMs());
        b.put("genesisSeq", binding.genesisSeq());
        b.put("genesisImportMilliWh", binding.genesisImportMilliWh());
        b.put("genesisExportMilliWh", binding.genesisExportMilliWh());
        b.put("commissioningDigest", binding.commissioningDigest().toHex());
        o.put("digest", binding.digest(chainId, registry).toHex());
        o.put("signature", signature.toHex());
        return (o.toPrettyString() + "\n").getBytes(StandardCharsets.UTF_8);
    }

    /** Reads a consent and checks that the household signed it. */
    public static ConsentFile read(Path file) throws IOException, InvalidConsentException {
        try {
            JsonNode root = StrictJson.tree(Files.readAllBytes(file), MAX_BYTES);
            if (!root.isObject()
                    || root.get("binding") == null
                    || !root.get("binding").isObject()) {
                throw new InvalidConsentException(file, "not a consent file (an object with a binding object)");
            }
            JsonObject o = JsonObject.of(root)
                    .rejectUnknown(Set.of("type", "chainId", "registry", "binding", "digest", "signature"), "consent")
                    .requireType(TYPE);
            JsonObject b = JsonObject.of(root.get("binding"))
                    .rejectUnknown(
                            Set.of(
                                    "meter",
                                    "household",
                                    "zone",
                                    "validFromMs",
                                    "genesisSeq",
                                    "genesisImportMilliWh",
                                    "genesisExportMilliWh",
                                    "commissioningDigest"),
                            "binding");
            Binding binding = new Binding(
                    b.address("meter"),
                    b.address("household"),
                    b.bytes32("zone"),
                    b.number("validFromMs", 0, Long.MAX_VALUE, "uint63"),
                    b.number("genesisSeq", 0, Long.MAX_VALUE, "uint63"),
                    b.number("genesisImportMilliWh", 0, Long.MAX_VALUE, "uint63"),
                    b.number("genesisExportMilliWh", 0, Long.MAX_VALUE, "uint63"),
                    b.bytes32("commissioningDigest"));
            ConsentFile c = new ConsentFile(
                    o.number("chainId", 1, Long.MAX_VALUE, "chain id"),
                    o.address("registry"),
                    binding,
                    o.signature("signature"));
            Bytes32 digest = binding.digest(c.chainId, c.registry);
            Address signer = SignatureVerifier.recover(digest, c.signature);
            if (!signer.equals(binding.household())) {
                throw new InvalidConsentException(
                        file,
                        "signature was made by " + signer.toHex() + ", not by the household "
                                + binding.household().toHex() + " (wrong key, or the binding was edited)");
            }
            return c;
        } catch (WireFormatException e) {
            throw new InvalidConsentException(file, e.getMessage());
        } catch (InvalidSignatureException e) {
            throw new InvalidConsentException(file, "signature: " + e.getMessage());
        }
    }

    /** Checks that this consent is for {@code record}'s binding, in its chain and registry. */
    public void requireFor(RecordFile record, Path file) throws InvalidConsentException {
        if (chainId != record.record().chainId()
                || !registry.equals(record.record().registry())) {
            throw new InvalidConsentException(
                    file,
                    "consent is for chain " + chainId + " registry " + registry.toHex() + ", the record for chain "
                            + record.record().chainId() + " registry "
                            + record.record().registry().toHex());
        }
        if (!binding.equals(record.binding())) {
            throw new InvalidConsentException(
                    file,
                    "consent is for another binding (meter " + binding.meter().toHex() + ", commissioning digest "
                            + binding.commissioningDigest().toHex() + ") than the record's (meter "
                            + record.binding().meter().toHex() + ", "
                            + record.record().digest().toHex() + ")");
        }
    }
}
