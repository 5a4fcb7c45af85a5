package org.gridshare.cli.meter;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintStream;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Locale;
import org.gridshare.cli.args.Options;
import org.gridshare.drivers.ReadingJson;
import org.gridshare.drivers.serial.JSerialCommPorts;
import org.gridshare.drivers.serial.MeterDetector;
import org.gridshare.drivers.serial.MeterDetector.Detection;
import org.gridshare.drivers.serial.SerialPorts;

/**
 * {@code gridshare meter detect --port /dev/ttyX [--timeout 10s] [--key HEX]}: tries DSMR 4/5 and Smarty,
 * DSMR 2.2/3 and IEC mode D, SML, IEC mode D at 2400 and the IEC 62056-21 sign-on on a serial port and
 * prints one JSON report (what is attached, at which settings, its id and first reading, and what each
 * attempt saw). Exit status 0 when a meter was found and read, 1 when none was or the port cannot be opened
 * (error on stderr), 2 for a usage error, 3 when a Smarty meter was recognised but its key is needed.
 */
public final class MeterDetectCommand {

    static final Options OPTIONS = Options.of(
                    "gridshare meter detect",
                    "gridshare meter detect: ",
                    "finds which meter protocol and baud rate a serial port speaks")
            .value("--port", "DEVICE", true, "the serial port, e.g. /dev/ttyUSB0")
            .value(
                    "--timeout",
                    "10s",
                    false,
                    "how long to listen per protocol and baud rate (ms, s or m; default 10s;"
                            + " DSMR 2.2/3 meters send every 10 s: give them 25s)")
            .value(
                    "--key",
                    "HEX",
                    false,
                    "Luxembourg Smarty AES-128 key: encrypted frames are then decoded"
                            + " (without it they are only recognised)");

    private MeterDetectCommand() {}

    /** Runs the command on a real serial port (jSerialComm); returns the process exit status. */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        return run(args, out, err, new JSerialCommPorts(), Clock.systemUTC());
    }

    /** The same over any ports and clock (recorded meters in tests). */
    public static int run(String[] args, PrintStream out, PrintStream err, SerialPorts ports, Clock clock) {
        Options.Parsed p;
        try {
            p = OPTIONS.parse(args);
        } catch (Options.Stop stop) {
            return stop.report(out, err);
        }
        String port = p.get("--port");
        byte[] key = null;
        if (p.has("--key")) {
            try {
                key = HexFormat.of().parseHex(p.get("--key"));
            } catch (IllegalArgumentException ex) {
                return OPTIONS.fail(err, "--key must be hex: " + ex.getMessage());
            }
            if (key.length != 16) {
                return OPTIONS.fail(err, "--key must be 16 bytes (32 hex digits), is " + key.length);
            }
        }
        Duration timeout = Duration.ofSeconds(10);
        if (p.has("--timeout")) {
            timeout = duration(p.get("--timeout"));
            if (timeout == null) {
                return OPTIONS.fail(err, "bad --timeout '" + p.get("--timeout") + "' (e.g. 500ms, 10s, 1m)");
            }
        }
        Detection d;
        try {
            d = new MeterDetector(ports, clock, timeout, MeterDetector.defaultCandidates(key)).detect(port);
        } catch (IOException ex) {
            err.println("gridshare meter detect: " + ex.getMessage());
            return 1;
        }
        out.println(toJson(d).toPrettyString());
        if (d.keyNeeded()) {
            err.println("gridshare meter detect: smarty, key needed: encrypted DSMR frames (system title "
                    + d.encrypted().systemTitleText() + ") on " + port + " at " + d.settings()
                    + "; ask the grid operator for the meter's key and run again with --key");
            return 3;
        }
        if (!d.found()) {
            err.println("gridshare meter detect: no meter recognised on " + port + " (tried "
                    + d.attempts().size() + " settings)");
            return 1;
        }
        return 0;
    }

    /** The report: {@code found}, {@code protocol}, {@code baud}, {@code settings}, {@code meterId}, {@code reading}, {@code attempts}. */
    public static ObjectNode toJson(Detection d) {
        ObjectNode o = ReadingJson.mapper().createObjectNode();
        o.put("port", d.port());
        o.put("found", d.found());
        o.put("protocol", d.protocol());
        o.put("keyNeeded", d.keyNeeded());
        if (d.reading() != null) {
            o.put("protocolVersion", d.reading().protocolVersion());
            o.put("baud", d.settings().baud());
            o.put("settings", d.settings().toString());
            o.put("meterId", d.reading().meterId());
            o.set("reading", ReadingJson.toTree(d.reading()));
        } else if (d.keyNeeded()) {
            // the system title is the meter's DLMS identity; the frame counter shows the frames are live
            o.putNull("protocolVersion");
            o.put("baud", d.settings().baud());
            o.put("settings", d.settings().toString());
            o.put("meterId", d.encrypted().systemTitleText());
            o.putNull("reading");
            o.put(
                    "systemTitle",
                    HexFormat.of().withUpperCase().formatHex(d.encrypted().systemTitle()));
            o.put("frameCounter", d.encrypted().frameCounter());
        } else {
            o.putNull("baud");
            o.putNull("settings");
            o.putNull("meterId");
            o.putNull("reading");
        }
        ArrayNode attempts = o.putArray("attempts");
        for (MeterDetector.Attempt a : d.attempts()) {
            ObjectNode n = attempts.addObject();
            n.put("protocol", a.protocol());
            n.put("settings", a.settings().toString());
            n.put("bytesReceived", a.bytesReceived());
            n.put("failedFrames", a.failedFrames());
            n.put("firstError", a.firstError());
            n.put("matched", a.matched());
        }
        return o;
    }

    /** A positive duration as the serial commands take it: {@code 500ms}, {@code 10s}, {@code 1m}, or seconds; null when bad. */
    public static Duration duration(String v) {
        String s = v.trim().toLowerCase(Locale.ROOT);
        try {
            Duration d;
            if (s.endsWith("ms")) {
                d = Duration.ofMillis(Long.parseLong(s.substring(0, s.length() - 2)));
            } else if (s.endsWith("s")) {
                d = Duration.ofSeconds(Long.parseLong(s.substring(0, s.length() - 1)));
            } else if (s.endsWith("m")) {
                d = Duration.ofMinutes(Long.parseLong(s.substring(0, s.length() - 1)));
            } else {
                d = Duration.ofSeconds(Long.parseLong(s));
            }
            return d.isNegative() || d.isZero() ? null : d;
        } catch (NumberFormatException ex) {
            return null;
        }
    }
}
