package org.gridshare.cli.meter;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.gridshare.cli.args.Options;
import org.gridshare.drivers.NormalizedReading;
import org.gridshare.drivers.ObisValue;
import org.gridshare.drivers.ReadingJson;
import org.gridshare.drivers.StreamDecoder;
import org.gridshare.drivers.capture.CaptureDecoder;
import org.gridshare.drivers.capture.CaptureProtocol;
import org.gridshare.drivers.dsmr.SmartyDecryptor;

/**
 * {@code gridshare meter decode --protocol dsmr|sml|iec62056-21|bthome [--key HEX] [--ak HEX]
 * [--format json|table] FILE}: decodes a captured file and prints one JSON object per frame (JSON Lines).
 * Exit status 0 when every frame decoded, 1 when a frame was bad or none was found (errors on stderr),
 * 2 for a usage error.
 */
public final class MeterDecodeCommand {

    static final Options OPTIONS = Options.of(
                    "gridshare meter decode", "error: ", "decodes a captured meter telegram file (- reads stdin)")
            .value("--protocol", "dsmr|sml|iec62056-21|bthome", true, "the meter protocol of the capture")
            .value(
                    "--key",
                    "HEX",
                    false,
                    "dsmr: Smarty AES-128 key (frames are then expected encrypted); bthome: bind key")
            .value("--ak", "HEX", false, "dsmr: Smarty authentication key (default 00112233445566778899AABBCCDDEEFF)")
            .value("--format", "json|table", false, "one JSON object per frame (default) or a table for people")
            .positional("FILE|-", true, "the capture; bthome: one advertisement per line")
            .note("bthome FILE: one advertisement per line, '[MAC ]HEX' of the service data for UUID 0xFCD2");

    private MeterDecodeCommand() {}

    /** Runs the command; returns the process exit status. */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        Options.Parsed p;
        try {
            p = OPTIONS.parse(args);
        } catch (Options.Stop stop) {
            return stop.report(out, err);
        }
        String file = p.argument();
        String format = p.get("--format", "json");
        Optional<CaptureProtocol> protocol = CaptureProtocol.named(p.get("--protocol"));
        if (protocol.isEmpty()) {
            return OPTIONS.fail(err, "unknown protocol '" + p.get("--protocol") + "'");
        }
        if (!format.equals("json") && !format.equals("table")) {
            return OPTIONS.fail(err, "--format must be json or table");
        }
        byte[] keyBytes;
        byte[] akBytes;
        try {
            keyBytes = p.has("--key") ? HexFormat.of().parseHex(p.get("--key")) : null;
            akBytes =
                    p.has("--ak") ? HexFormat.of().parseHex(p.get("--ak")) : SmartyDecryptor.DEFAULT_AUTHENTICATION_KEY;
        } catch (IllegalArgumentException ex) {
            return OPTIONS.fail(err, "--key/--ak must be hex: " + ex.getMessage());
        }
        byte[] data;
        try (InputStream in = file.equals("-") ? System.in : Files.newInputStream(Path.of(file))) {
            data = in.readAllBytes();
        } catch (IOException ex) {
            err.println("error: cannot read " + file + ": " + ex.getMessage());
            return 1;
        }
        List<StreamDecoder.Event> events;
        try {
            events = CaptureDecoder.decode(protocol.get(), data, keyBytes, akBytes);
        } catch (IllegalArgumentException ex) {
            return OPTIONS.fail(err, ex.getMessage());
        }
        Printer printer =
                new Printer(out, err, format.equals("table"), protocol.get().label());
        for (StreamDecoder.Event e : events) {
            printer.event(e, data);
        }
        if (printer.decoded == 0 && printer.failed == 0) {
            err.println("error: no " + protocol.get() + " frame found in " + file + " (" + data.length + " bytes)");
            return 1;
        }
        return printer.failed == 0 ? 0 : 1;
    }

    /** Prints events and counts outcomes. */
    private static final class Printer {
        private final PrintStream out;
        private final PrintStream err;
        private final boolean table;
        private final String protocol;
        int decoded;
        int failed;

        Printer(PrintStream out, PrintStream err, boolean table, String protocol) {
            this.out = out;
            this.err = err;
            this.table = table;
            this.protocol = protocol;
        }

        void event(StreamDecoder.Event e, byte[] data) {
            switch (e) {
                case StreamDecoder.Decoded d -> {
                    decoded++;
                    out.println(table ? table(d) : ReadingJson.toLine(d.reading()));
                }
                case StreamDecoder.Failed f -> {
                    failed++;
                    err.println("error: " + protocol + " frame at byte " + f.offset() + ": "
                            + f.error().getMessage());
                }
                case StreamDecoder.Skipped s -> {
                    if (!isWhitespace(data, s.offset(), s.length())) {
                        err.println(
                                "warning: skipped " + s.length() + " bytes outside any frame at byte " + s.offset());
                    }
                }
            }
        }

        private static boolean isWhitespace(byte[] data, long offset, int length) {
            for (long i = offset; i < offset + length && i < data.length; i++) {
                byte b = data[(int) i];
                if (b != ' ' && b != '\r' && b != '\n' && b != '\t' && b != 0) {
                    return false;
                }
            }
            return true;
        }

        private static String table(StreamDecoder.Decoded d) {
            NormalizedReading r = d.reading();
            StringBuilder sb = new StringBuilder();
            sb.append(String.format(
                    "frame at byte %d: %s %s, meter %s, time %s%n",
                    d.offset(),
                    r.protocol(),
                    r.protocolVersion() == null ? "" : r.protocolVersion(),
                    r.meterId(),
                    r.timestamp()));
            sb.append(String.format(
                    "  import %s mWh   export %s mWh   power %s mW   status %s%n",
                    r.importMilliWh(), r.exportMilliWh(), r.powerMilliW(), r.status()));
            for (Map.Entry<String, ObisValue> e : r.obis().entrySet()) {
                sb.append(String.format(
                        "  %-14s %s%s%n",
                        e.getKey(),
                        e.getValue().value(),
                        e.getValue().unit() == null ? "" : " " + e.getValue().unit()));
            }
            return sb.toString().stripTrailing();
        }
    }
}
