package org.gridshare.cli.provision;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.gridshare.agent.config.AgentConfig;
import org.gridshare.cli.args.Options;
import org.gridshare.cli.installer.RecordFile;
import org.gridshare.cli.meter.MeterDetectCommand;
import org.gridshare.cli.provision.Blocker.Code;
import org.gridshare.drivers.ReadingJson;
import org.gridshare.drivers.StreamDecoder;
import org.gridshare.drivers.dsmr.DsmrStreamDecoder;
import org.gridshare.drivers.dsmr.SmartyDecryptor;
import org.gridshare.drivers.iec62056.IecStreamDecoder;
import org.gridshare.drivers.serial.JSerialCommPorts;
import org.gridshare.drivers.serial.MeterDetector;
import org.gridshare.drivers.serial.MeterDetector.Detection;
import org.gridshare.drivers.serial.SerialPorts;
import org.gridshare.drivers.sml.SmlStreamDecoder;
import org.gridshare.protocol.Address;
import org.gridshare.protocol.CommissioningRecord;
import org.gridshare.protocol.MalformedValueException;
import org.gridshare.protocol.Secp256k1Signer;
import org.gridshare.protocol.keys.KeyFiles;

/**
 * {@code gridshare provision}: turns a fresh box beside a meter into a commissioned one. Finds the meter on the
 * serial ports by their stable {@code /dev/serial/by-id} names (protocol and baud by {@link MeterDetector}), reads
 * it live ({@link LiveCheck}), and only when every check passed generates the meter key (and the household key,
 * unless {@code --household} names an existing account), writes the signed commissioning record with its printable
 * page, and the agent configuration, validated by the agent's reader. Anything that blocks commissioning is printed
 * in plain words with a {@link Blocker.Code}; a failure while writing removes everything this run wrote.
 *
 * <p>Exit status: 0 provisioned, 1 blocked (nothing written), 2 usage error.
 */
public final class ProvisionCommand {
    static final String PREFIX = "gridshare provision: ";
    static final Options OPTIONS = Options.of(
                    "gridshare provision",
                    PREFIX,
                    "provisions this box: finds and reads the meter live, generates the keys, writes the signed"
                            + " commissioning record and a validated agent configuration")
            .value("--zone", "ZONE", true, "the grid zone the meter is registered to (e.g. zone-a)")
            .value("--chain-id", "N", true, "the market's chain id")
            .value("--market", "ADDRESS", true, "the EnergyMarket contract (the domain of readings and orders)")
            .value("--registry", "ADDRESS", true, "the MeterRegistry contract (the domain of the meter binding)")
            .value("--mqtt", "URI", true, "the backend's MQTT broker, e.g. ssl://mqtt.example.net:8883")
            .value("--installer", "ADDRESS", true, "the installer's account (holds INSTALLER_ROLE)")
            .value(
                    "--installer-key",
                    "FILE",
                    false,
                    "the installer's key file: signs the record now (else later: installer sign)")
            .value(
                    "--household",
                    "ADDRESS",
                    false,
                    "the household's existing account (then no household key is made on the box and it does not"
                            + " trade)")
            .value("--port", "DEVICE", false, "the meter's serial port (default: every /dev/serial/by-id entry)")
            .value("--by-id-dir", "DIR", false, "where the stable port names are (default /dev/serial/by-id)")
            .value("--data-dir", "DIR", false, "the agent's data directory: keys, outbox (default /var/lib/gridshare)")
            .value("--config", "FILE", false, "the agent configuration to write (default /etc/gridshare/agent.yaml)")
            .value(
                    "--record-dir",
                    "DIR",
                    false,
                    "where commissioning.json and commissioning.html go (default DATA-DIR/commissioning)")
            .value("--box-id", "ID", false, "the box's name on the record (default: the host name)")
            .value("--frames", "N", false, "checksum-valid frames to read live (default 3, at least 2)")
            .value(
                    "--timeout",
                    "10s",
                    false,
                    "listening time per protocol and baud rate (default 10s; DSMR 2.2/3: 25s)")
            .value("--key", "HEX", false, "the Luxembourg Smarty AES-128 key (32 hex digits)")
            .value(
                    "--valid-from",
                    "1h",
                    false,
                    "when the binding starts: a delay after now (30m, 1h, 2d) or an ISO instant (default 1h;"
                            + " it must not be before the registration's block time)")
            .value("--feed-in", "N", false, "market section: the feed-in tariff (token base units per kWh)")
            .value("--retail", "N", false, "market section: the retail tariff")
            .value("--daily-budget", "N", false, "market section: the daily buy budget (token base units)")
            .note("Writes nothing unless every check passed. Exit 0 provisioned, 1 blocked (each blocker on stderr,"
                    + " the report on stdout), 2 usage.");

    private ProvisionCommand() {}

    /** On the box's real serial ports and clock. */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        return run(args, out, err, new JSerialCommPorts(), Clock.systemUTC());
    }

    /** Over any serial ports and clock (tests). */
    public static int run(String[] args, PrintStream out, PrintStream err, SerialPorts ports, Clock clock) {
        Plan plan;
        try {
            plan = Plan.parse(OPTIONS.parse(args));
        } catch (Options.Stop stop) {
            return stop.report(out, err);
        } catch (BadOption bad) {
            return OPTIONS.fail(err, bad.getMessage());
        }
        Report report = new Report();
        try {
            provision(plan, ports, clock, report);
        } catch (IOException e) {
            report.blockers.add(new Blocker(Code.PORT_UNUSABLE, String.valueOf(e.getMessage())));
        }
        out.println(report.json().toPrettyString());
        for (Blocker b : report.blockers) {
            err.println(PREFIX + b.code() + ": " + b.message());
        }
        return report.blockers.isEmpty() ? 0 : 1;
    }

    private static void provision(Plan plan, SerialPorts ports, Clock clock, Report report) throws IOException {
        // nothing is overwritten: a box provisioned before keeps its keys and its signed history
        for (String name : List.of("meter.key", "household.key", "outbox.db")) {
            Path p = plan.dataDir.resolve(name);
            if (Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
                report.blockers.add(new Blocker(
                        Code.ALREADY_PROVISIONED,
                        p + " exists: this box was provisioned before; a new meter or household needs a fresh data"
                                + " directory (the old key stays registered until it is retired or replaced)"));
            }
        }
        for (Path p :
                List.of(plan.recordDir.resolve(RecordFile.JSON_NAME), plan.recordDir.resolve(RecordFile.HTML_NAME))) {
            if (Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
                report.blockers.add(new Blocker(
                        Code.ALREADY_PROVISIONED, p + " exists: a commissioning record was written before"));
            }
        }
        if (Files.exists(plan.config, LinkOption.NOFOLLOW_LINKS)) {
            report.blockers.add(new Blocker(
                    Code.CONFIG_EXISTS,
                    plan.config + " exists: move it away to provision again (nothing is overwritten)"));
        }
        if (!report.blockers.isEmpty()) {
            return;
        }
        Found found = findMeter(plan, ports, clock, report);
        if (found == null || !report.blockers.isEmpty()) {
            return;
        }
        new Provisioning(plan, clock, report).commit(found);
    }

    /** The meter detected on one port and read live. */
    record Found(String port, Detection detection, LiveCheck.Result live) {}

    private static Found findMeter(Plan plan, SerialPorts ports, Clock clock, Report report) throws IOException {
        List<String> candidates = new ArrayList<>();
        if (plan.port != null) {
            candidates.add(plan.port);
        } else if (Files.isDirectory(plan.byIdDir)) {
            try (DirectoryStream<Path> s = Files.newDirectoryStream(plan.byIdDir)) {
                for (Path p : s) {
                    candidates.add(p.toString());
                }
            }
            candidates.sort(null);
        }
        if (candidates.isEmpty()) {
            report.blockers.add(new Blocker(
                    Code.NO_SERIAL_PORT,
                    "no serial adapter under " + plan.byIdDir + ": plug in the P1 or IR cable (a USB adapter appears"
                            + " there by its serial number), or name the port with --port (a Pi's own UART:"
                            + " /dev/serial0, enabled in config.txt)"));
            return null;
        }
        List<Blocker> seen = new ArrayList<>();
        for (String port : candidates) {
            Path dev = Path.of(port);
            if (!Files.exists(dev)) {
                seen.add(new Blocker(Code.PORT_UNUSABLE, port + " does not exist (unplugged?)"));
                continue;
            }
            if (!Files.isReadable(dev) || !Files.isWritable(dev)) {
                seen.add(new Blocker(
                        Code.PORT_PERMISSION,
                        "user " + System.getProperty("user.name") + " may not open " + port
                                + ": add it to the group that owns the port (usually dialout: usermod -aG dialout "
                                + System.getProperty("user.name") + ", then log in again)"));
                continue;
            }
            Detection d;
            try {
                d = new MeterDetector(ports, clock, plan.timeout, MeterDetector.defaultCandidates(plan.smartyKey))
                        .detect(port);
            } catch (IOException e) {
                seen.add(new Blocker(Code.PORT_UNUSABLE, "cannot open " + port + ": " + e.getMessage()));
                continue;
            }
            report.detection = MeterDetectCommand.toJson(d);
            if (d.keyNeeded()) {
                report.blockers.add(new Blocker(
                        Code.KEY_NEEDED,
                        "a Luxembourg Smarty meter on " + port + " sends encrypted frames (system title "
                                + d.encrypted().systemTitleText()
                                + "): ask the grid operator for its key and run again with --key"));
                return null;
            }
            if (!d.found()) {
                long bytes = d.attempts().stream()
                        .mapToLong(MeterDetector.Attempt::bytesReceived)
                        .sum();
                int failed = d.attempts().stream()
                        .mapToInt(MeterDetector.Attempt::failedFrames)
                        .sum();
                seen.add(
                        bytes == 0
                                ? new Blocker(
                                        Code.NO_BYTES,
                                        "not one byte arrived on " + port + " at "
                                                + d.attempts().size()
                                                + " settings: a DSMR P1 port is closed until the grid operator opens"
                                                + " it (ask them), an IR head must sit on the meter's LED, and an"
                                                + " IR meter may first need its PIN entered to send full data")
                                : new Blocker(
                                        Code.NO_VALID_FRAME,
                                        bytes + " bytes arrived on " + port + " but no frame passed its checksum ("
                                                + failed + " failed; first error: " + firstError(d)
                                                + "): wrong cable, an uninverted P1 signal, or noise"));
                continue;
            }
            // the attempt that matched is the last one made; the sign-on candidate asks for each readout
            if (MeterDetector.defaultCandidates(plan.smartyKey)
                    .get(d.attempts().size() - 1)
                    .iecSignOn()) {
                report.blockers.add(new Blocker(
                        Code.READOUT_NOT_SUPPORTED,
                        "the meter on " + port + " answers IEC 62056-21 readout requests only (mode A-C): write its"
                                + " configuration by hand (meter.iecMode: readout, firmware-config/examples)"));
                return null;
            }
            LiveCheck.Result live = LiveCheck.read(
                    ports,
                    port,
                    d.settings(),
                    decoder(d.protocol(), plan.smartyKey),
                    plan.frames,
                    plan.timeout.multipliedBy(plan.frames),
                    clock);
            report.live = live;
            report.blockers.addAll(live.blockers());
            report.notes.addAll(live.notes());
            return new Found(port, d, live);
        }
        report.blockers.addAll(seen);
        return null;
    }

    private static String firstError(Detection d) {
        return d.attempts().stream()
                .map(MeterDetector.Attempt::firstError)
                .filter(e -> e != null)
                .findFirst()
                .orElse("none");
    }

    static StreamDecoder decoder(String protocol, byte[] smartyKey) {
        return switch (protocol) {
            case "dsmr" -> DsmrStreamDecoder.plain();
            case "smarty" ->
                DsmrStreamDecoder.encrypted(new SmartyDecryptor(smartyKey, SmartyDecryptor.DEFAULT_AUTHENTICATION_KEY));
            case "sml" -> new SmlStreamDecoder();
            case "iec62056-21" -> new IecStreamDecoder();
            default -> throw new IllegalStateException("no live decoder for " + protocol);
        };
    }

    /** The agent configuration's meter type for a detected protocol. */
    static String meterType(String protocol) {
        return protocol.equals("smarty") ? "dsmr" : protocol;
    }

    /** The writing step: keys, record, page and configuration, or none of them. */
    private static final class Provisioning {
        private final Plan plan;
        private final Clock clock;
        private final Report report;
        private final List<Path> written = new ArrayList<>();

        Provisioning(Plan plan, Clock clock, Report report) {
            this.plan = plan;
            this.clock = clock;
            this.report = report;
        }

        void commit(Found found) {
            Instant at = clock.instant();
            try {
                if (!Files.isDirectory(plan.dataDir)) {
                    Files.createDirectories(plan.dataDir);
                    written.add(plan.dataDir);
                }
                Secp256k1Signer meterKey = key(plan.dataDir.resolve("meter.key"));
                Address household = plan.household != null
                        ? plan.household
                        : key(plan.dataDir.resolve("household.key")).address();
                Secp256k1Signer installerKey =
                        plan.installerKey == null ? null : KeyFiles.loadOrCreate(plan.installerKey);
                if (installerKey != null && !installerKey.address().equals(plan.installer)) {
                    throw new IOException("--installer-key " + plan.installerKey + " is the key of "
                            + installerKey.address().toHex() + ", not of --installer " + plan.installer.toHex());
                }
                var last = found.live().last();
                CommissioningRecord record = new CommissioningRecord(
                        CommissioningRecord.VERSION,
                        plan.boxId,
                        meterKey.address(),
                        household,
                        last.meterId(),
                        found.detection().protocol(),
                        last.protocolVersion(),
                        found.port(),
                        found.detection().settings().toString(),
                        last.importMilliWh(),
                        last.exportMilliWh() == null ? 0 : last.exportMilliWh(),
                        plan.zone,
                        plan.installer,
                        at.toEpochMilli(),
                        1, // a fresh box (checked above): the agent signs seq 1 first
                        plan.validFrom(at),
                        plan.chainId,
                        plan.registry);
                RecordFile file = RecordFile.sign(record, meterKey, installerKey);
                Files.createDirectories(plan.recordDir);
                Path json = plan.recordDir.resolve(RecordFile.JSON_NAME);
                AtomicWrite.write(json, file.toJson(), AtomicWrite.OWNER_GROUP_READ, null);
                written.add(json);
                Path html = plan.recordDir.resolve(RecordFile.HTML_NAME);
                AtomicWrite.write(
                        html, file.toHtml().getBytes(StandardCharsets.UTF_8), AtomicWrite.OWNER_GROUP_READ, null);
                written.add(html);
                AgentYaml yaml = new AgentYaml(
                        plan.dataDir,
                        plan.zone,
                        plan.chainId,
                        plan.market,
                        plan.mqtt,
                        meterType(found.detection().protocol()),
                        found.port(),
                        found.detection().settings(),
                        plan.smartyKey == null ? null : HexFormat.of().formatHex(plan.smartyKey),
                        plan.marketSection(plan.household == null));
                byte[] text = yaml.text(at, last.meterId(), meterKey.address()).getBytes(StandardCharsets.UTF_8);
                // the Smarty key is a secret of the meter: the file is then the agent's alone
                AtomicWrite.write(
                        plan.config,
                        text,
                        plan.smartyKey == null ? AtomicWrite.OWNER_GROUP_READ : AtomicWrite.OWNER_ONLY,
                        tmp -> AgentConfig.load(tmp, Map.of()));
                written.add(plan.config);
                report.provisioned(file, plan, json, html);
            } catch (Exception e) {
                rollBack();
                report.blockers.add(new Blocker(
                        Code.WRITE_FAILED,
                        e.getClass().getSimpleName() + ": " + e.getMessage()
                                + "; everything this run wrote was removed"));
            }
        }

        private Secp256k1Signer key(Path file) throws IOException {
            Secp256k1Signer k = KeyFiles.loadOrCreate(file);
            written.add(file);
            return k;
        }

        private void rollBack() {
            for (int i = written.size() - 1; i >= 0; i--) {
                try {
                    Files.deleteIfExists(written.get(i));
                } catch (IOException ignored) {
                    // a directory that is not empty was not ours alone; the files in it were removed above
                }
            }
        }
    }

    /** An option value that does not parse: the usage error names it. */
    static final class BadOption extends Exception {
        private static final long serialVersionUID = 1L;

        BadOption(String message) {
            super(message);
        }
    }

    /** The parsed options. */
    static final class Plan {
        String zone;
        long chainId;
        Address market;
        Address registry;
        String mqtt;
        Address installer;
        Path installerKey;
        Address household;
        String port;
        Path byIdDir;
        Path dataDir;
        Path config;
        Path recordDir;
        String boxId;
        int frames;
        Duration timeout;
        byte[] smartyKey;
        String validFrom;
        Long feedIn;
        Long retail;
        Long dailyBudget;

        static Plan parse(Options.Parsed p) throws BadOption {
            Plan plan = new Plan();
            plan.zone = p.get("--zone");
            plan.chainId = positive(p, "--chain-id", null);
            plan.market = address(p, "--market");
            plan.registry = address(p, "--registry");
            plan.mqtt = p.get("--mqtt");
            plan.installer = address(p, "--installer");
            plan.installerKey = p.has("--installer-key") ? Path.of(p.get("--installer-key")) : null;
            if (plan.installerKey != null && !Files.isRegularFile(plan.installerKey)) {
                throw new BadOption("--installer-key " + plan.installerKey + ": no such key file");
            }
            plan.household = p.has("--household") ? address(p, "--household") : null;
            plan.port = p.get("--port", null);
            plan.byIdDir = Path.of(p.get("--by-id-dir", "/dev/serial/by-id"));
            plan.dataDir = Path.of(p.get("--data-dir", "/var/lib/gridshare"))
                    .toAbsolutePath()
                    .normalize();
            plan.config = Path.of(p.get("--config", "/etc/gridshare/agent.yaml"))
                    .toAbsolutePath()
                    .normalize();
            plan.recordDir = p.has("--record-dir")
                    ? Path.of(p.get("--record-dir")).toAbsolutePath().normalize()
                    : plan.dataDir.resolve("commissioning");
            plan.boxId = p.has("--box-id") ? p.get("--box-id") : hostName();
            if (plan.boxId == null) {
                throw new BadOption("the host name cannot be read: name the box with --box-id");
            }
            plan.frames = (int) positive(p, "--frames", 3L);
            if (plan.frames < 2 || plan.frames > 1000) {
                throw new BadOption("--frames must be 2 to 1000 (two frames at least, to see registers move)");
            }
            plan.timeout = Duration.ofSeconds(10);
            if (p.has("--timeout")) {
                plan.timeout = MeterDetectCommand.duration(p.get("--timeout"));
                if (plan.timeout == null) {
                    throw new BadOption("bad --timeout '" + p.get("--timeout") + "' (e.g. 500ms, 10s, 1m)");
                }
            }
            if (p.has("--key")) {
                try {
                    plan.smartyKey = HexFormat.of().parseHex(p.get("--key"));
                } catch (IllegalArgumentException e) {
                    throw new BadOption("--key must be hex: " + e.getMessage());
                }
                if (plan.smartyKey.length != 16) {
                    throw new BadOption("--key must be 16 bytes (32 hex digits), is " + plan.smartyKey.length);
                }
            }
            plan.validFrom = p.get("--valid-from", "1h");
            plan.validFrom(Instant.EPOCH); // parse now: a bad value is a usage error, not a late failure
            int market = (p.has("--feed-in") ? 1 : 0) + (p.has("--retail") ? 1 : 0) + (p.has("--daily-budget") ? 1 : 0);
            if (market != 0 && market != 3) {
                throw new BadOption("--feed-in, --retail and --daily-budget go together (the market section)");
            }
            if (market == 3) {
                plan.feedIn = positive(p, "--feed-in", null);
                plan.retail = positive(p, "--retail", null);
                plan.dailyBudget = positive(p, "--daily-budget", null);
                if (plan.feedIn > plan.retail) {
                    throw new BadOption("--feed-in " + plan.feedIn + " is above --retail " + plan.retail);
                }
            }
            return plan;
        }

        AgentYaml.Market marketSection(boolean trading) {
            return feedIn == null ? null : new AgentYaml.Market(feedIn, retail, dailyBudget, trading);
        }

        /** The binding's start: a delay after {@code now}, or an instant; whole seconds (the registry's resolution). */
        long validFrom(Instant now) throws BadOption {
            Duration d = delay(validFrom);
            long ms;
            if (d != null) {
                ms = now.plus(d).toEpochMilli();
            } else {
                try {
                    ms = Instant.parse(validFrom).toEpochMilli();
                } catch (DateTimeParseException e) {
                    throw new BadOption("bad --valid-from '" + validFrom + "' (a delay like 1h or an instant like"
                            + " 2026-12-02T10:00:00Z)");
                }
            }
            return Math.ceilDiv(ms, 1000L) * 1000L;
        }

        /** {@code 30m}, {@code 1h}, {@code 2d}, {@code 0s}; null when {@code v} is not a delay. */
        static Duration delay(String v) {
            java.util.regex.Matcher m =
                    java.util.regex.Pattern.compile("(\\d{1,6})([smhd])").matcher(v.strip());
            if (!m.matches()) {
                return null;
            }
            long n = Long.parseLong(m.group(1));
            return switch (m.group(2)) {
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                case "h" -> Duration.ofHours(n);
                default -> Duration.ofDays(n);
            };
        }

        private static long positive(Options.Parsed p, String name, Long otherwise) throws BadOption {
            if (!p.has(name)) {
                return otherwise;
            }
            try {
                long v = Long.parseLong(p.get(name));
                if (v < 0) {
                    throw new BadOption(name + " must not be negative: " + v);
                }
                return v;
            } catch (NumberFormatException e) {
                throw new BadOption(name + " must be an integer, got '" + p.get(name) + "'");
            }
        }

        private static Address address(Options.Parsed p, String name) throws BadOption {
            try {
                return Address.fromHex(p.get(name));
            } catch (MalformedValueException e) {
                throw new BadOption(name + " must be 0x and 40 hex digits: " + e.getMessage());
            }
        }

        private static String hostName() {
            try {
                String h = Files.readString(Path.of("/etc/hostname")).strip();
                return h.isEmpty() ? null : h;
            } catch (IOException e) {
                return null;
            }
        }
    }

    /** What the run prints: the detection, the live frames, the blockers and notes, and what was written. */
    private static final class Report {
        final List<Blocker> blockers = new ArrayList<>();
        final List<String> notes = new ArrayList<>();
        ObjectNode detection;
        LiveCheck.Result live;
        ObjectNode written;

        void provisioned(RecordFile file, Plan plan, Path json, Path html) {
            written = ReadingJson.mapper().createObjectNode();
            written.put("meter", file.record().meter().toHex());
            written.put("household", file.record().household().toHex());
            written.put("householdKeyOnBox", plan.household == null);
            written.put("commissioningDigest", file.record().digest().toHex());
            written.put("record", json.toString());
            written.put("page", html.toString());
            written.put("config", plan.config.toString());
            written.put("installerSigned", file.installerSignature() != null);
        }

        ObjectNode json() {
            ObjectNode o = ReadingJson.mapper().createObjectNode();
            o.put("provisioned", blockers.isEmpty() && written != null);
            ArrayNode b = o.putArray("blockers");
            for (Blocker x : blockers) {
                b.addObject().put("code", x.code().name()).put("message", x.message());
            }
            ArrayNode n = o.putArray("notes");
            notes.forEach(n::add);
            if (live != null) {
                ObjectNode l = o.putObject("live");
                l.put("frames", live.frames().size());
                l.put("bytes", live.bytes());
                l.put("failedFrames", live.failedFrames());
                if (!live.frames().isEmpty()) {
                    l.put("meterId", live.last().meterId());
                    l.put("importMilliWh", live.last().importMilliWh());
                    l.put("exportMilliWh", live.last().exportMilliWh());
                    l.put("powerMilliW", live.last().powerMilliW());
                }
            }
            if (detection != null) {
                o.set("detection", detection);
            }
            if (written != null) {
                o.set("written", written);
            }
            return o;
        }
    }
}
