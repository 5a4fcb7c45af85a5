package org.gridshare.cli.installer;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.gridshare.cli.args.Options;
import org.gridshare.contracts.ChainCallException;
import org.gridshare.contracts.ContractRevertException;
import org.gridshare.drivers.ReadingJson;
import org.gridshare.protocol.Address;
import org.gridshare.protocol.Eip712Domain;
import org.gridshare.protocol.InvalidSignatureException;
import org.gridshare.protocol.MalformedValueException;
import org.gridshare.protocol.MeterReading;
import org.gridshare.protocol.SignatureVerifier;
import org.gridshare.protocol.Signed;
import org.gridshare.protocol.wire.JsonWire;
import org.gridshare.protocol.wire.WireFormatException;

/**
 * The installer commands that talk to the MeterRegistry: {@code register} (one box, or a street of them with
 * {@code --csv}), {@code replace}, {@code retire} and {@code history}. Each checks what it can from the files
 * first (record signatures, the household's consent, the final reading's meter signature) and then lets the
 * chain decide, turning a revert into plain words. Exit status: 0 done (every row, for {@code --csv}), 1 refused
 * (by a file check or by the registry), 2 usage, 3 the node could not be reached.
 */
final class ChainCommands {
    static final int REFUSED = 1;
    static final int UNREACHABLE = 3;

    /** Opens the registry for the parsed {@code --rpc}, {@code --registry} and {@code --key}. */
    @FunctionalInterface
    interface Connector {
        InstallerChain open(String rpc, Address registry, Path key) throws IOException, ChainCallException;
    }

    private final Connector connector;

    ChainCommands(Connector connector) {
        this.connector = connector;
    }

    private static Options chainOptions(String name, String summary) {
        return Options.of("gridshare installer " + name, "gridshare installer " + name + ": ", summary)
                .value("--rpc", "URL", true, "the chain's JSON-RPC endpoint")
                .value("--registry", "ADDRESS", true, "the MeterRegistry contract");
    }

    static final Options REGISTER = chainOptions("register", "submits a consented meter binding to the registry")
            .value("--key", "FILE", true, "the installer's key file (holds INSTALLER_ROLE)")
            .value("--record", "FILE", false, "the commissioning.json (signed by the meter key and the installer)")
            .value("--consent", "FILE", false, "the household's consent.json")
            .value(
                    "--csv",
                    "FILE",
                    false,
                    "a street of boxes instead: lines 'record,consent' (paths relative to the file; '#' comments)")
            .value("--format", "json|table", false, "output (default json)");

    static final Options REPLACE = chainOptions(
                    "replace", "ends an old meter's binding and starts the new one's, in one transaction")
            .value("--key", "FILE", true, "the installer's key file (the one that registered the old meter)")
            .value("--old", "METER", true, "the old meter's address")
            .value("--record", "FILE", true, "the new meter's commissioning.json")
            .value("--consent", "FILE", true, "the household's consent.json for the new meter")
            .value("--final-reading", "FILE", false, "the old meter's last signed reading (JSON wire form): the end")
            .value("--market", "ADDRESS", false, "the EnergyMarket (the domain the reading is signed in)")
            .value("--until", "INSTANT", false, "instead of a final reading: the old binding's end (ISO-8601)")
            .value("--format", "json|table", false, "output (default json)");

    static final Options RETIRE = chainOptions("retire", "decommissions a meter at its final signed reading")
            .value("--key", "FILE", true, "the installer's key file (the one that registered the meter)")
            .value("--meter", "METER", true, "the meter's address")
            .value("--final-reading", "FILE", false, "the meter's last signed reading (JSON wire form): the end")
            .value("--market", "ADDRESS", false, "the EnergyMarket (the domain the reading is signed in)")
            .value("--until", "INSTANT", false, "instead of a final reading: the binding's end (ISO-8601)")
            .value("--format", "json|table", false, "output (default json)");

    static final Options HISTORY = chainOptions(
                    "history", "every meter a household's metering point had, with each binding's time span")
            .value("--household", "ADDRESS", true, "the household account")
            .value("--format", "json|table", false, "output (default json)");

    /** A check on the files that failed, with its reason in words. */
    static final class Refused extends Exception {
        private static final long serialVersionUID = 1L;

        Refused(String message) {
            super(message);
        }
    }

    // ---------------------------------------------------------------- register

    int register(String[] args, PrintStream out, PrintStream err) {
        Options.Parsed p;
        try {
            p = REGISTER.parse(args);
        } catch (Options.Stop stop) {
            return stop.report(out, err);
        }
        boolean csv = p.has("--csv");
        if (csv == (p.has("--record") || p.has("--consent"))) {
            return REGISTER.fail(err, "give --record and --consent, or --csv (not both)");
        }
        if (!csv && !(p.has("--record") && p.has("--consent"))) {
            return REGISTER.fail(err, "--record and --consent go together: a binding needs the household's consent");
        }
        String format = format(p, err, REGISTER);
        if (format == null) {
            return Options.USAGE_ERROR;
        }
        Address registry;
        try {
            registry = Address.fromHex(p.get("--registry"));
        } catch (MalformedValueException e) {
            return REGISTER.fail(err, "--registry: " + e.getMessage());
        }
        List<Path[]> rows = new ArrayList<>();
        if (csv) {
            Path file = Path.of(p.get("--csv"));
            try {
                rows = csvRows(file);
            } catch (IOException | Refused e) {
                err.println("gridshare installer register: " + e.getMessage());
                return REFUSED;
            }
        } else {
            rows.add(new Path[] {Path.of(p.get("--record")), Path.of(p.get("--consent"))});
        }
        try (InstallerChain chain = connector.open(p.get("--rpc"), registry, Path.of(p.get("--key")))) {
            Rows report = new Rows("register");
            for (int i = 0; i < rows.size(); i++) {
                Path[] row = rows.get(i);
                ObjectNode r = report.row(csv ? i + 1 : 0, row[0]);
                try {
                    RecordFile record = checkedRecord(row[0], row[1], chain);
                    r.put("meter", record.record().meter().toHex());
                    r.put("household", record.record().household().toHex());
                    r.put("zone", record.record().zone());
                    r.put(
                            "validFrom",
                            Instant.ofEpochMilli(record.record().validFromMs()).toString());
                    ConsentFile consent = ConsentFile.read(row[1]);
                    r.put("tx", chain.register(record.binding(), record.meterSignature(), consent.signature()));
                    r.put("status", "OK");
                } catch (Refused | RecordFile.InvalidRecordException | ConsentFile.InvalidConsentException e) {
                    report.refused(r, e.getMessage());
                } catch (ContractRevertException e) {
                    report.refused(r, words(e, chain));
                } catch (IOException e) {
                    report.refused(r, e.getMessage());
                }
            }
            report.print(out, format);
            report.toStderr(err, "gridshare installer register: ");
            return report.allOk() ? 0 : REFUSED;
        } catch (ChainCallException | IOException e) {
            err.println("gridshare installer register: cannot use the registry at " + p.get("--rpc") + ": "
                    + e.getMessage());
            return UNREACHABLE;
        }
    }

    /** A record and its consent, checked against each other, the chain and the sending installer. */
    private static RecordFile checkedRecord(Path recordPath, Path consentPath, InstallerChain chain)
            throws IOException, RecordFile.InvalidRecordException, ConsentFile.InvalidConsentException, Refused,
                    ChainCallException {
        RecordFile record = RecordFile.read(recordPath);
        if (record.installerSignature() == null) {
            throw new Refused(recordPath + ": not signed by the installer yet (gridshare installer sign)");
        }
        if (!record.record().registry().equals(chain.registry())
                || record.record().chainId() != chain.chainId()) {
            throw new Refused(
                    recordPath + ": the record is for chain " + record.record().chainId() + " registry "
                            + record.record().registry().toHex() + ", not chain " + chain.chainId() + " registry "
                            + chain.registry().toHex() + " (the signatures would not verify there)");
        }
        if (!record.record().installer().equals(chain.sender())) {
            throw new Refused(recordPath + ": the record names installer "
                    + record.record().installer().toHex() + ", but --key is "
                    + chain.sender().toHex());
        }
        if (!Files.exists(consentPath)) {
            throw new Refused(consentPath + ": no consent file: the household has not consented"
                    + " (gridshare installer consent)");
        }
        ConsentFile.read(consentPath).requireFor(record, consentPath);
        return record;
    }

    /** {@code record,consent} per line; blank lines and {@code #} comments skipped; paths relative to the file. */
    static List<Path[]> csvRows(Path file) throws IOException, Refused {
        List<Path[]> rows = new ArrayList<>();
        Path base = file.toAbsolutePath().getParent();
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#") || (i == 0 && line.equalsIgnoreCase("record,consent"))) {
                continue;
            }
            String[] cells = line.split(",", -1);
            if (cells.length != 2 || cells[0].isBlank()) {
                throw new Refused(file + ":" + (i + 1) + ": expected 'record,consent', got '" + line + "'");
            }
            // an empty consent cell is a row without consent: refused on its own, the others still go
            rows.add(new Path[] {
                base.resolve(cells[0].strip()),
                cells[1].isBlank()
                        ? base.resolve("(no consent given on line " + (i + 1) + ")")
                        : base.resolve(cells[1].strip())
            });
        }
        if (rows.isEmpty()) {
            throw new Refused(file + ": no rows");
        }
        return rows;
    }

    // ---------------------------------------------------------------- replace and retire

    int replace(String[] args, PrintStream out, PrintStream err) {
        Options.Parsed p;
        try {
            p = REPLACE.parse(args);
        } catch (Options.Stop stop) {
            return stop.report(out, err);
        }
        String format = format(p, err, REPLACE);
        if (format == null) {
            return Options.USAGE_ERROR;
        }
        Address registry;
        Address old;
        try {
            registry = Address.fromHex(p.get("--registry"));
            old = Address.fromHex(p.get("--old"));
        } catch (MalformedValueException e) {
            return REPLACE.fail(err, e.getMessage());
        }
        String endProblem = endOptions(p);
        if (endProblem != null) {
            return REPLACE.fail(err, endProblem);
        }
        try (InstallerChain chain = connector.open(p.get("--rpc"), registry, Path.of(p.get("--key")))) {
            Rows report = new Rows("replace");
            ObjectNode r = report.row(0, Path.of(p.get("--record")));
            r.put("oldMeter", old.toHex());
            try {
                long until = end(p, old, chain, r);
                RecordFile record = checkedRecord(Path.of(p.get("--record")), Path.of(p.get("--consent")), chain);
                r.put("meter", record.record().meter().toHex());
                r.put("household", record.record().household().toHex());
                r.put("oldValidUntil", Instant.ofEpochMilli(until).toString());
                r.put(
                        "validFrom",
                        Instant.ofEpochMilli(record.record().validFromMs()).toString());
                // the new meter starts from its own registers: nothing of the old meter is carried over
                r.put("genesisImportMilliWh", record.record().importMilliWh());
                r.put("genesisExportMilliWh", record.record().exportMilliWh());
                ConsentFile consent = ConsentFile.read(Path.of(p.get("--consent")));
                r.put("tx", chain.replace(old, until, record.binding(), record.meterSignature(), consent.signature()));
                r.put("status", "OK");
            } catch (Refused | RecordFile.InvalidRecordException | ConsentFile.InvalidConsentException e) {
                report.refused(r, e.getMessage());
            } catch (ContractRevertException e) {
                report.refused(r, words(e, chain));
            } catch (IOException e) {
                report.refused(r, e.getMessage());
            }
            report.print(out, format);
            report.toStderr(err, "gridshare installer replace: ");
            return report.allOk() ? 0 : REFUSED;
        } catch (ChainCallException | IOException e) {
            err.println("gridshare installer replace: cannot use the registry at " + p.get("--rpc") + ": "
                    + e.getMessage());
            return UNREACHABLE;
        }
    }

    int retire(String[] args, PrintStream out, PrintStream err) {
        Options.Parsed p;
        try {
            p = RETIRE.parse(args);
        } catch (Options.Stop stop) {
            return stop.report(out, err);
        }
        String format = format(p, err, RETIRE);
        if (format == null) {
            return Options.USAGE_ERROR;
        }
        Address registry;
        Address meter;
        try {
            registry = Address.fromHex(p.get("--registry"));
            meter = Address.fromHex(p.get("--meter"));
        } catch (MalformedValueException e) {
            return RETIRE.fail(err, e.getMessage());
        }
        String endProblem = endOptions(p);
        if (endProblem != null) {
            return RETIRE.fail(err, endProblem);
        }
        try (InstallerChain chain = connector.open(p.get("--rpc"), registry, Path.of(p.get("--key")))) {
            Rows report = new Rows("retire");
            ObjectNode r = report.row(0, null);
            r.put("meter", meter.toHex());
            try {
                long until = end(p, meter, chain, r);
                r.put("validUntil", Instant.ofEpochMilli(until).toString());
                r.put("tx", chain.revoke(meter, InstallerChain.DECOMMISSIONED, until));
                r.put("status", "OK");
            } catch (Refused e) {
                report.refused(r, e.getMessage());
            } catch (ContractRevertException e) {
                report.refused(r, words(e, chain));
            } catch (IOException e) {
                report.refused(r, e.getMessage());
            }
            report.print(out, format);
            report.toStderr(err, "gridshare installer retire: ");
            return report.allOk() ? 0 : REFUSED;
        } catch (ChainCallException | IOException e) {
            err.println(
                    "gridshare installer retire: cannot use the registry at " + p.get("--rpc") + ": " + e.getMessage());
            return UNREACHABLE;
        }
    }

    private static String endOptions(Options.Parsed p) {
        boolean reading = p.has("--final-reading");
        if (reading == p.has("--until")) {
            return "give --final-reading FILE (with --market) or --until INSTANT, one of them";
        }
        if (reading && !p.has("--market")) {
            return "--final-reading needs --market (the EnergyMarket whose domain the reading is signed in)";
        }
        if (p.has("--until")) {
            try {
                Instant.parse(p.get("--until"));
            } catch (DateTimeParseException e) {
                return "bad --until '" + p.get("--until") + "' (an instant like 2026-12-02T10:00:00Z)";
            }
        }
        return null;
    }

    /**
     * The end of {@code meter}'s binding: the time of its final signed reading (whose signature must be the
     * meter's, in the market's domain), or {@code --until}. The final registers go into the report so the
     * metering point's history keeps where the old meter stopped.
     */
    private static long end(Options.Parsed p, Address meter, InstallerChain chain, ObjectNode r)
            throws IOException, Refused, ChainCallException {
        if (p.has("--until")) {
            return Instant.parse(p.get("--until")).toEpochMilli();
        }
        Path file = Path.of(p.get("--final-reading"));
        Signed<MeterReading> reading;
        try {
            reading = JsonWire.decodeReading(Files.readAllBytes(file));
        } catch (WireFormatException e) {
            throw new Refused(file + ": not a signed meter reading: " + e.getMessage());
        }
        Address market;
        try {
            market = Address.fromHex(p.get("--market"));
        } catch (MalformedValueException e) {
            throw new Refused("--market: " + e.getMessage());
        }
        Address signer;
        try {
            signer = SignatureVerifier.recover(new Eip712Domain(chain.chainId(), market), reading);
        } catch (InvalidSignatureException e) {
            throw new Refused(file + ": signature: " + e.getMessage());
        }
        if (!signer.equals(meter) || !reading.message().meter().equals(meter)) {
            throw new Refused(file + ": the reading names meter "
                    + reading.message().meter().toHex() + " and is signed by " + signer.toHex() + ", not meter "
                    + meter.toHex());
        }
        r.put("finalSeq", reading.message().seq());
        r.put("finalImportMilliWh", reading.message().importMilliWh());
        r.put("finalExportMilliWh", reading.message().exportMilliWh());
        return reading.message().timeMs();
    }

    // ---------------------------------------------------------------- history

    int history(String[] args, PrintStream out, PrintStream err) {
        Options.Parsed p;
        try {
            p = HISTORY.parse(args);
        } catch (Options.Stop stop) {
            return stop.report(out, err);
        }
        String format = format(p, err, HISTORY);
        if (format == null) {
            return Options.USAGE_ERROR;
        }
        Address registry;
        Address household;
        try {
            registry = Address.fromHex(p.get("--registry"));
            household = Address.fromHex(p.get("--household"));
        } catch (MalformedValueException e) {
            return HISTORY.fail(err, e.getMessage());
        }
        try (InstallerChain chain = connector.open(p.get("--rpc"), registry, null)) {
            Rows report = new Rows("history");
            for (Address meter : chain.metersOf(household)) {
                Optional<InstallerChain.BindingState> b = chain.binding(meter);
                ObjectNode r = report.row(0, null);
                r.put("meter", meter.toHex());
                if (b.isEmpty()) {
                    report.refused(r, "listed for the household but holds no binding");
                    continue;
                }
                InstallerChain.BindingState s = b.get();
                r.put("zone", s.zone().toHex());
                r.put("validFrom", Instant.ofEpochMilli(s.validFromMs()).toString());
                r.put(
                        "validUntil",
                        s.validUntilMs() == InstallerChain.BindingState.OPEN_END
                                ? null
                                : Instant.ofEpochMilli(s.validUntilMs()).toString());
                r.put("status", reason(s.revokeReason()));
                r.put("installer", s.installer().toHex());
                r.put("genesisSeq", s.genesisSeq());
                r.put("genesisImportMilliWh", s.genesisImportMilliWh());
                r.put("genesisExportMilliWh", s.genesisExportMilliWh());
            }
            report.print(out, format);
            return 0;
        } catch (ChainCallException | IOException e) {
            err.println("gridshare installer history: cannot read the registry at " + p.get("--rpc") + ": "
                    + e.getMessage());
            return UNREACHABLE;
        }
    }

    static String reason(int revokeReason) {
        return switch (revokeReason) {
            case 0 -> "ACTIVE";
            case 1 -> "REPLACED";
            case 2 -> "DECOMMISSIONED";
            case 3 -> "COMPROMISED";
            default -> "REVOKED(" + revokeReason + ")";
        };
    }

    // ---------------------------------------------------------------- shared

    private static String format(Options.Parsed p, PrintStream err, Options o) {
        String f = p.get("--format", "json");
        if (!f.equals("json") && !f.equals("table")) {
            o.fail(err, "--format must be json or table, got '" + f + "'");
            return null;
        }
        return f;
    }

    /** A registry revert in words: the Solidity error, what it means for the installer. */
    static String words(ContractRevertException e, InstallerChain chain) {
        String name = e.errorName();
        String args = String.join(", ", e.arguments());
        String why = switch (name) {
            case "AccessControlUnauthorizedAccount" ->
                chain.sender().toHex()
                        + " does not hold INSTALLER_ROLE on the registry (installers are granted through governance)";
            case "InvalidMeterSignature" -> "the meter signature does not verify: not made by the meter key " + args;
            case "InvalidHouseholdSignature" -> "the household signature does not verify for household " + args;
            case "MeterAlreadyRegistered" -> "meter " + args + " is registered already (a key is bound once)";
            case "MeterNotRegistered" -> "meter " + args + " is not registered";
            case "MeterAlreadyRevoked" -> "meter is revoked already (" + args + ")";
            case "NotMeterInstallerOrOperator" ->
                "only the installer who registered the meter, or the operator," + " may end its binding (" + args + ")";
            case "ValidFromInPast" ->
                "the binding's start lies before the chain's time (" + args
                        + "): commission again with a later --valid-from";
            case "EffectiveTimeOutOfRange" -> "the end lies outside [the binding's start, now] (" + args + ")";
            case "ReplacementHouseholdMismatch" -> "the new meter is for another household (" + args + ")";
            case "ReplacementZoneMismatch" -> "the new meter is for another zone (" + args + ")";
            case "ReplacementStartsBeforeOldEnds" -> "the new binding starts before the old one ends (" + args + ")";
            default -> e.getMessage();
        };
        return name + ": " + why;
    }

    /** The per-row report, as JSON or a table. */
    private static final class Rows {
        final String action;
        final ArrayNode rows = ReadingJson.mapper().createArrayNode();

        Rows(String action) {
            this.action = action;
        }

        ObjectNode row(int number, Path record) {
            ObjectNode r = rows.addObject();
            if (number > 0) {
                r.put("row", number);
            }
            if (record != null) {
                r.put("record", record.toString());
            }
            return r;
        }

        void refused(ObjectNode r, String reason) {
            r.put("status", "REFUSED");
            r.put("reason", reason);
        }

        boolean allOk() {
            for (var r : rows) {
                if (r.has("status") && !r.get("status").asText().equals("OK") && r.has("reason")) {
                    return false;
                }
            }
            return true;
        }

        void toStderr(PrintStream err, String prefix) {
            for (var r : rows) {
                if (r.has("reason")) {
                    err.println(prefix
                            + (r.has("row") ? "row " + r.get("row").asInt() + ": " : "")
                            + r.get("reason").asText());
                }
            }
        }

        void print(PrintStream out, String format) {
            if (format.equals("json")) {
                ObjectNode o = ReadingJson.mapper().createObjectNode();
                o.put("action", action);
                o.set("results", rows);
                out.println(o.toPrettyString());
                return;
            }
            List<String> columns = new ArrayList<>();
            for (var r : rows) {
                r.fieldNames().forEachRemaining(n -> {
                    if (!columns.contains(n)) {
                        columns.add(n);
                    }
                });
            }
            int[] width = new int[columns.size()];
            for (int c = 0; c < columns.size(); c++) {
                width[c] = columns.get(c).length();
                for (var r : rows) {
                    width[c] = Math.max(width[c], cell(r, columns.get(c)).length());
                }
            }
            StringBuilder sb = new StringBuilder();
            for (int c = 0; c < columns.size(); c++) {
                sb.append(String.format("%-" + width[c] + "s  ", columns.get(c)));
            }
            out.println(sb.toString().stripTrailing());
            for (var r : rows) {
                sb.setLength(0);
                for (int c = 0; c < columns.size(); c++) {
                    sb.append(String.format("%-" + width[c] + "s  ", cell(r, columns.get(c))));
                }
                out.println(sb.toString().stripTrailing());
            }
        }

        private static String cell(com.fasterxml.jackson.databind.JsonNode r, String column) {
            var v = r.get(column);
            return v == null || v.isNull() ? "-" : v.asText();
        }
    }
}
