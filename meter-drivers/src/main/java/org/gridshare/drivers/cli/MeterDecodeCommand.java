package org.gridshare.drivers.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.gridshare.drivers.DecodeException;
import org.gridshare.drivers.NormalizedReading;
import org.gridshare.drivers.ObisValue;
import org.gridshare.drivers.StreamDecoder;
import org.gridshare.drivers.bthome.BthomeDecoder;
import org.gridshare.drivers.dsmr.DsmrStreamDecoder;
import org.gridshare.drivers.dsmr.SmartyDecryptor;
import org.gridshare.drivers.iec62056.IecStreamDecoder;
import org.gridshare.drivers.sml.SmlStreamDecoder;

/**
 * {@code gridshare meter decode --protocol dsmr|sml|iec62056-21|bthome [--key HEX] [--ak HEX]
 * [--format json|table] FILE}: decodes a captured file and prints one JSON object per frame (JSON Lines).
 * Exit status 0 when every frame decoded, 1 when a frame was bad or none was found (errors on stderr),
 * 2 for a usage error.
 */
public final class MeterDecodeCommand {

    static final String USAGE =
            "usage: gridshare meter decode --protocol dsmr|sml|iec62056-21|bthome [--key HEX] [--ak HEX]"
                    + " [--format json|table] FILE|-\n"
                    + "  --key HEX  dsmr: Smarty AES-128 key (frames are then expected encrypted); bthome: bind key\n"
                    + "  --ak HEX   dsmr: Smarty authentication key (default 00112233445566778899AABBCCDDEEFF)\n"
                    + "  bthome FILE: one advertisement per line, '[MAC ]HEX' of the service data for UUID 0xFCD2";

    private MeterDecodeCommand() {}

    /** Runs the command; returns the process exit status. */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        String protocol = null;
        String key = null;
        String ak = null;
        String format = "json";
        String file = null;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            switch (a) {
                case "--protocol", "--key", "--ak", "--format" -> {
                    if (i + 1 >= args.length) {
                        return usage(err, a + " needs a value");
                    }
                    String v = args[++i];
                    switch (a) {
                        case "--protocol" -> protocol = v;
                        case "--key" -> key = v;
                        case "--ak" -> ak = v;
                        default -> format = v;
                    }
                }
                case "-h", "--help" -> {
                    out.println(USAGE);
                    return 0;
                }
                default -> {
                    if (a.startsWith("--") || file != null) {
                        return usage(err, "unexpected argument '" + a + "'");
                    }
                    file = a;
                }
            }
        }
        if (protocol == null || file == null) {
            return usage(err, protocol == null ? "--protocol is required" : "FILE is required");
        }
        if (!List.of("dsmr", "sml", "iec62056-21", "bthome").contains(protocol)) {
            return usage(err, "unknown protocol '" + protocol + "'");
        }
        if (!format.equals("json") && !format.equals("table")) {
            return usage(err, "--format must be json or table");
        }
        byte[] keyBytes;
        byte[] akBytes;
        try {
            keyBytes = key == null ? null : HexFormat.of().parseHex(key);
            akBytes = ak == null
                    ? SmartyDecryptor.DEFAULT_AUTHENTICATION_KEY
                    : HexFormat.of().parseHex(ak);
        } catch (IllegalArgumentException ex) {
            return usage(err, "--key/--ak must be hex: " + ex.getMessage());
        }
        byte[] data;
        try (InputStream in = file.equals("-") ? System.in : Files.newInputStream(Path.of(file))) {
            data = in.readAllBytes();
        } catch (IOException ex) {
            err.println("error: cannot read " + file + ": " + ex.getMessage());
            return 1;
        }
        Printer printer = new Printer(out, err, format.equals("table"), protocol);
        try {
            if (protocol.equals("bthome")) {
                decodeBthome(data, keyBytes, printer);
            } else {
                StreamDecoder decoder = switch (protocol) {
                    case "dsmr" ->
                        keyBytes == null
                                ? DsmrStreamDecoder.plain()
                                : DsmrStreamDecoder.encrypted(new SmartyDecryptor(keyBytes, akBytes));
                    case "sml" -> new SmlStreamDecoder();
                    case "iec62056-21" -> new IecStreamDecoder();
                    default -> null;
                };
                if (decoder == null) {
                    return usage(err, "unknown protocol '" + protocol + "'");
                }
                List<StreamDecoder.Event> events = new ArrayList<>(decoder.feed(data, 0, data.length));
                events.addAll(decoder.finish());
                for (StreamDecoder.Event e : events) {
                    printer.event(e, data);
                }
            }
        } catch (IllegalArgumentException ex) {
            return usage(err, ex.getMessage());
        }
        if (printer.decoded == 0 && printer.failed == 0) {
            err.println("error: no " + protocol + " frame found in " + file + " (" + data.length + " bytes)");
            return 1;
        }
        return printer.failed == 0 ? 0 : 1;
    }

    private static void decodeBthome(byte[] data, byte[] key, Printer printer) {
        String[] lines = new String(data, StandardCharsets.US_ASCII).split("\n", -1);
        long offset = 0;
        for (String raw : lines) {
            String line = raw.strip();
            long at = offset;
            offset += raw.length() + 1;
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String[] parts = line.split("\\s+", -1); // a stripped line: no trailing empty field either way
            try {
                if (parts.length > 2) {
                    throw new DecodeException(DecodeException.Kind.MALFORMED, "expected '[MAC ]HEX'", "line", null, -1);
                }
                byte[] mac = parts.length == 2 ? BthomeDecoder.parseMac(parts[0]) : null;
                byte[] payload = HexFormat.of().parseHex(parts[parts.length - 1]);
                printer.event(new StreamDecoder.Decoded(at, BthomeDecoder.decode(payload, mac, key)), data);
            } catch (DecodeException ex) {
                printer.event(new StreamDecoder.Failed(at, ex), data);
            } catch (IllegalArgumentException ex) {
                printer.event(
                        new StreamDecoder.Failed(
                                at,
                                new DecodeException(DecodeException.Kind.MALFORMED, ex.getMessage(), "line", null, -1)),
                        data);
            }
        }
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

    private static int usage(PrintStream err, String problem) {
        err.println("error: " + problem);
        err.println(USAGE);
        return 2;
    }
}
