package org.gridshare.protocol;

import java.nio.charset.StandardCharsets;
import java.util.Objects;
import org.gridshare.protocol.wire.JsonObject;
import org.gridshare.protocol.wire.WireFormatException;
import org.gridshare.protocol.wire.WireFormatException.Reason;
import org.web3j.crypto.Hash;

/**
 * What an installer found and set up when a box was commissioned beside a meter: the box, the meter key
 * it generated, the household it is for, the meter's own equipment id as the meter reports it (DSMR
 * {@code 0-0:96.1.1}, the SML server id, the IEC 62056-21 identification), the protocol and line settings,
 * the registers read live at commissioning, the zone, the installer and the time, and where the meter's
 * signed reading chain starts ({@code genesisSeq}). Its {@link #canonicalJson() canonical JSON} is what
 * {@link #digest()} hashes: the {@code commissioningDigest} of the on-chain meter binding (docs/protocol.md
 * "Commissioning record").
 *
 * <p>Canonical form: UTF-8 (every string is printable ASCII, checked), one object, keys in ascending
 * byte order, no whitespace, integers as plain decimal numbers (no sign, no leading zeros), addresses as
 * 0x + 40 lower-case hex digits, strings JSON-quoted with only {@code "} and {@code \} escaped (nothing
 * else can occur), an absent {@code protocolVersion} as {@code null}. Any other serialisation of the same
 * fields (a pretty-printed file) reads back to the same record, hence the same digest.
 *
 * @param version format version, {@value #VERSION}
 * @param boxId the box's name (host name or serial), as the installer labels it
 * @param meter the meter key's address (generated on the box)
 * @param household the household account the meter is bound to
 * @param meterId the meter's equipment id as it reports it
 * @param protocol {@code dsmr}, {@code smarty}, {@code sml} or {@code iec62056-21}
 * @param protocolVersion the version the frames announce, or null
 * @param port the serial port by its stable name ({@code /dev/serial/by-id/...})
 * @param settings the line settings ({@code 115200 8N1})
 * @param importMilliWh the import register read at commissioning (mWh)
 * @param exportMilliWh the export register read at commissioning (mWh)
 * @param zone the grid zone's name ({@link ZoneIds#of} gives its on-chain id)
 * @param installer the installer's account
 * @param commissionedAtMs when the registers were read (Unix ms, the injected clock)
 * @param genesisSeq the seq of the first reading the box's meter key signs
 * @param validFromMs from when the binding counts (Unix ms; at or after the registration's block time)
 * @param chainId the chain of the registry
 * @param registry the MeterRegistry whose EIP-712 domain the binding is signed in
 */
public record CommissioningRecord(
        int version,
        String boxId,
        Address meter,
        Address household,
        String meterId,
        String protocol,
        String protocolVersion,
        String port,
        String settings,
        long importMilliWh,
        long exportMilliWh,
        String zone,
        Address installer,
        long commissionedAtMs,
        long genesisSeq,
        long validFromMs,
        long chainId,
        Address registry) {

    public static final int VERSION = 1;
    /** Longest string field; a meter id or a by-id path is far shorter. */
    public static final int MAX_TEXT = 256;

    public CommissioningRecord {
        if (version != VERSION) {
            throw new MalformedValueException("version", -1, "unsupported commissioning record version " + version);
        }
        text("boxId", boxId, false);
        Objects.requireNonNull(meter, "meter");
        Objects.requireNonNull(household, "household");
        text("meterId", meterId, false);
        text("protocol", protocol, false);
        text("protocolVersion", protocolVersion, true);
        text("port", port, false);
        text("settings", settings, false);
        text("zone", zone, false);
        Objects.requireNonNull(installer, "installer");
        Objects.requireNonNull(registry, "registry");
        nonNegative("importMilliWh", importMilliWh);
        nonNegative("exportMilliWh", exportMilliWh);
        nonNegative("commissionedAtMs", commissionedAtMs);
        nonNegative("chainId", chainId);
        nonNegative("validFromMs", validFromMs);
        if (genesisSeq < 1) {
            throw new MalformedValueException("genesisSeq", -1, "must be at least 1 (seq 0 is never signed)");
        }
        if (chainId == 0) {
            throw new MalformedValueException("chainId", -1, "must be at least 1");
        }
    }

    /** The on-chain id of {@link #zone()} (what the binding carries). */
    public Bytes32 zoneId() {
        return ZoneIds.of(zone);
    }

    /** The canonical JSON bytes (class comment); what {@link #digest()} hashes. */
    public byte[] canonicalJson() {
        // keys in ascending byte order, written out by hand so that the order is visible here
        StringBuilder sb = new StringBuilder(640).append('{');
        field(sb, "boxId", quote(boxId)).append(',');
        field(sb, "chainId", Long.toString(chainId)).append(',');
        field(sb, "commissionedAtMs", Long.toString(commissionedAtMs)).append(',');
        field(sb, "exportMilliWh", Long.toString(exportMilliWh)).append(',');
        field(sb, "genesisSeq", Long.toString(genesisSeq)).append(',');
        field(sb, "household", quote(household.toHex())).append(',');
        field(sb, "importMilliWh", Long.toString(importMilliWh)).append(',');
        field(sb, "installer", quote(installer.toHex())).append(',');
        field(sb, "meter", quote(meter.toHex())).append(',');
        field(sb, "meterId", quote(meterId)).append(',');
        field(sb, "port", quote(port)).append(',');
        field(sb, "protocol", quote(protocol)).append(',');
        field(sb, "protocolVersion", protocolVersion == null ? "null" : quote(protocolVersion))
                .append(',');
        field(sb, "registry", quote(registry.toHex())).append(',');
        field(sb, "settings", quote(settings)).append(',');
        field(sb, "validFromMs", Long.toString(validFromMs)).append(',');
        field(sb, "version", Integer.toString(version)).append(',');
        field(sb, "zone", quote(zone));
        return sb.append('}').toString().getBytes(StandardCharsets.US_ASCII);
    }

    /** keccak256 of {@link #canonicalJson()}: the binding's {@code commissioningDigest}. */
    public Bytes32 digest() {
        return new Bytes32(Hash.sha3(canonicalJson()));
    }

    /** Reads the record's fields from a JSON object (any key order or whitespace; unknown fields refused). */
    public static CommissioningRecord fromJson(JsonObject o) throws WireFormatException {
        o.rejectUnknown(
                java.util.Set.of(
                        "boxId",
                        "chainId",
                        "commissionedAtMs",
                        "exportMilliWh",
                        "genesisSeq",
                        "household",
                        "importMilliWh",
                        "installer",
                        "meter",
                        "meterId",
                        "port",
                        "protocol",
                        "protocolVersion",
                        "registry",
                        "settings",
                        "validFromMs",
                        "version",
                        "zone"),
                "commissioning record");
        try {
            return new CommissioningRecord(
                    o.range("version", VERSION, VERSION, "version"),
                    o.text("boxId"),
                    o.address("meter"),
                    o.address("household"),
                    o.text("meterId"),
                    o.text("protocol"),
                    o.optionalText("protocolVersion"),
                    o.text("port"),
                    o.text("settings"),
                    o.number("importMilliWh", 0, Long.MAX_VALUE, "uint63"),
                    o.number("exportMilliWh", 0, Long.MAX_VALUE, "uint63"),
                    o.text("zone"),
                    o.address("installer"),
                    o.number("commissionedAtMs", 0, Long.MAX_VALUE, "uint63"),
                    o.number("genesisSeq", 1, Long.MAX_VALUE, "uint63"),
                    o.number("validFromMs", 0, Long.MAX_VALUE, "uint63"),
                    o.number("chainId", 1, Long.MAX_VALUE, "uint63"),
                    o.address("registry"));
        } catch (MalformedValueException e) {
            throw new WireFormatException(Reason.BAD_FIELD, e.what(), e.getMessage());
        }
    }

    private static StringBuilder field(StringBuilder sb, String name, String value) {
        return sb.append('"').append(name).append("\":").append(value);
    }

    private static String quote(String s) {
        return '"' + s.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
    }

    private static void text(String field, String value, boolean nullable) {
        if (value == null) {
            if (nullable) {
                return;
            }
            throw new MalformedValueException(field, -1, "missing");
        }
        if (value.isEmpty() || value.length() > MAX_TEXT) {
            throw new MalformedValueException(field, -1, "must be 1 to " + MAX_TEXT + " characters");
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < 0x20 || c > 0x7e) {
                throw new MalformedValueException(
                        field, i, "only printable ASCII is allowed (character " + (int) c + " at index " + i + ")");
            }
        }
    }

    private static void nonNegative(String field, long v) {
        if (v < 0) {
            throw new MalformedValueException(field, -1, "must not be negative: " + v);
        }
    }
}
