package org.gridshare.drivers.dsmr;

import java.nio.charset.StandardCharsets;
import java.time.DateTimeException;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;
import org.gridshare.drivers.DecodeException;
import org.gridshare.drivers.DecodeException.Kind;
import org.gridshare.drivers.NormalizedReading;
import org.gridshare.drivers.ObisValue;
import org.gridshare.drivers.PowerFailure;
import org.gridshare.drivers.StatusFlag;
import org.gridshare.drivers.SubMeterReading;
import org.gridshare.drivers.obis.ElectricityRegisters;
import org.gridshare.drivers.obis.ObisCode;

/**
 * Pure decoder of one plain-text DSMR P1 telegram ({@code /} header up to and including the {@code !CRC}
 * line): DSMR 2.2, 3, 4.x, 5.x, Fluvius e-MUCS and the decrypted Smarty telegram. The CRC-16/ARC is
 * checked whenever the telegram carries one and required when it announces DSMR 4 or later.
 */
public final class DsmrDecoder {

    private static final Pattern DECIMAL = Pattern.compile("[+-]?\\d+(\\.\\d+)?");
    private static final Pattern DURATION = Pattern.compile("\\d{1,18}\\*s");
    private static final Pattern CRC = Pattern.compile("[0-9A-Fa-f]{1,4}");

    /** Codes tried in order for the meter id; the first with a non-empty value wins. */
    private static final String[] METER_ID_CODES = {
        "0-0:96.1.1", "0-0:96.1.0", "0-0:96.1.255", "0-0:42.0.0", "1-0:0.0.0"
    };

    private DsmrDecoder() {}

    /** Decodes one telegram; {@code frame} must start with '/'. Trailing bytes after the CRC line are ignored. */
    public static NormalizedReading decode(byte[] frame) throws DecodeException {
        if (frame.length == 0) {
            throw new DecodeException(Kind.TRUNCATED, "empty telegram", "header", frame, 0);
        }
        if (frame[0] != '/') {
            throw new DecodeException(Kind.MALFORMED, "telegram does not start with '/'", "header", frame, 0);
        }
        int headerEnd = indexOf(frame, (byte) '\n', 0);
        if (headerEnd < 0) {
            throw new DecodeException(Kind.TRUNCATED, "header line not terminated", "header", frame, frame.length);
        }
        int bang = findBang(frame, headerEnd + 1);
        for (int i = 0; i < bang; i++) {
            int b = frame[i] & 0xFF;
            if ((b < 0x20 || b > 0x7E) && b != '\r' && b != '\n') {
                throw new DecodeException(
                        Kind.MALFORMED, String.format("byte 0x%02X is not printable ASCII", b), null, frame, i);
            }
        }
        String crcText = crcText(frame, bang);
        Set<StatusFlag> status = EnumSet.noneOf(StatusFlag.class);
        if (crcText.isEmpty()) {
            status.add(StatusFlag.NO_CHECKSUM);
        } else {
            int expected = Integer.parseInt(crcText, 16);
            int actual = Crc16Arc.of(frame, 0, bang + 1);
            if (expected != actual) {
                throw new DecodeException(
                        Kind.CORRUPT,
                        String.format("CRC %04X sent, %04X computed", expected, actual),
                        "crc",
                        frame,
                        bang + 1);
            }
        }
        List<DsmrLine> lines = DsmrLine.parseBody(frame, headerEnd + 1, bang);
        return interpret(lines, frame, crcText, status);
    }

    private static NormalizedReading interpret(
            List<DsmrLine> lines, byte[] frame, String crcText, Set<StatusFlag> status) throws DecodeException {
        Map<String, ObisValue> obis = new LinkedHashMap<>();
        Map<String, DsmrLine> byCode = new LinkedHashMap<>();
        TreeMap<Integer, MBus> channels = new TreeMap<>();
        List<PowerFailure> failures = new ArrayList<>();
        for (DsmrLine line : lines) {
            String key = line.key();
            if (byCode.putIfAbsent(key, line) != null) {
                continue;
            }
            obis.put(key, valueOf(line, frame));
            ObisCode c = line.code();
            if (c.a() == 0 && c.b() >= 1 && c.b() <= 4 && (c.c() == 24 || c.c() == 96)) {
                channels.computeIfAbsent(c.b(), MBus::new).add(line, frame);
            }
            if (c.a() == 1 && c.is(99, 97, 0)) {
                failures.addAll(powerFailures(line, frame));
            }
        }
        String version = version(byCode);
        if (crcText.isEmpty() && (byCode.containsKey("1-3:0.2.8") || byCode.containsKey("0-0:96.1.4"))) {
            throw new DecodeException(
                    Kind.MALFORMED, "DSMR " + version + " telegram without CRC", "crc", frame, findBang(frame, 0));
        }
        OffsetDateTime timestamp = null;
        DsmrLine time = byCode.get("0-0:1.0.0");
        if (time != null) {
            String t = time.groups().get(0);
            try {
                timestamp = DsmrTimestamp.parse(t);
            } catch (DateTimeException ex) {
                throw new DecodeException(
                        Kind.IMPOSSIBLE_VALUE,
                        "meter time '" + t + "': " + ex.getMessage(),
                        "0-0:1.0.0",
                        frame,
                        time.offset());
            }
            if (timestamp == null) {
                status.add(StatusFlag.CLOCK_UNSYNCHRONISED);
            } else if (t.endsWith("S")) {
                status.add(StatusFlag.DAYLIGHT_SAVING_TIME);
            }
        }
        DsmrLine breaker = byCode.get("0-0:96.3.10");
        if (breaker != null && breaker.groups().get(0).equals("0")) {
            status.add(StatusFlag.DISCONNECTED);
        }
        DsmrLine text = byCode.get("0-0:96.13.0");
        String textMessage = text == null || text.groups().get(0).isEmpty()
                ? null
                : HexText.decode(text.groups().get(0));
        ElectricityRegisters registers = ElectricityRegisters.of(obis);
        try {
            List<SubMeterReading> subMeters = new ArrayList<>();
            for (MBus m : channels.values()) {
                subMeters.add(m.reading());
            }
            return new NormalizedReading(
                    "dsmr",
                    version,
                    meterId(byCode),
                    timestamp,
                    registers.importMilliWh(),
                    registers.exportMilliWh(),
                    registers.powerMilliW(),
                    registers.phases(),
                    obis,
                    status,
                    subMeters,
                    failures,
                    textMessage);
        } catch (DecodeException ex) {
            DsmrLine at = ex.field() == null ? null : byCode.get(ex.field());
            throw at == null ? ex : new DecodeException(ex.kind(), ex.detail(), ex.field(), frame, at.offset());
        }
    }

    private static ObisValue valueOf(DsmrLine line, byte[] frame) throws DecodeException {
        List<String> g = line.groups();
        ObisCode c = line.code();
        // logs and profile buffers: the value shown is their first field (an entry count), as sent
        if ((c.a() == 1 && c.is(99, 97, 0)) || (c.a() == 0 && c.is(98, 1, 0))) {
            return new ObisValue(g.get(0), null);
        }
        if (c.a() == 0 && c.c() == 24 && c.d() == 3 && c.e() == 0) {
            // DSMR 2.2/3 gas: (time)(00)(60)(1)(0-n:24.2.1)(unit) then the value on the next line
            if (g.size() != 7) {
                throw new DecodeException(
                        Kind.MALFORMED,
                        "old gas record needs 7 values, has " + g.size(),
                        c.toString(),
                        frame,
                        line.offset());
            }
            return numeric(g.get(6), g.get(5), line, frame);
        }
        String last = g.get(g.size() - 1);
        int star = last.indexOf('*');
        if (star < 0) {
            return new ObisValue(last, null);
        }
        return numeric(last.substring(0, star), last.substring(star + 1), line, frame);
    }

    private static ObisValue numeric(String value, String unit, DsmrLine line, byte[] frame) throws DecodeException {
        if (!DECIMAL.matcher(value).matches() || unit.isEmpty() || unit.indexOf('*') >= 0) {
            throw new DecodeException(
                    Kind.MALFORMED,
                    "'" + value + "*" + unit + "' is not a number with a unit",
                    line.code().toString(),
                    frame,
                    line.offset());
        }
        return new ObisValue(value, unit);
    }

    private static List<PowerFailure> powerFailures(DsmrLine line, byte[] frame) throws DecodeException {
        List<String> g = line.groups();
        String field = line.code().toString();
        // meters that never logged a long failure send the buffer empty, "1-0:99.97.0()" (Iskra AM550,
        // Landis+Gyr E360): no events, not a missing count
        if (g.size() == 1 && g.get(0).isEmpty()) {
            return List.of();
        }
        int count;
        try {
            count = Integer.parseInt(g.get(0));
        } catch (NumberFormatException ex) {
            throw new DecodeException(
                    Kind.MALFORMED, "event count '" + g.get(0) + "' is not a number", field, frame, line.offset());
        }
        if (count == 0 && g.size() <= 2) {
            return List.of();
        }
        if (g.size() != 2 + 2 * count) {
            throw new DecodeException(
                    Kind.MALFORMED,
                    count + " events announced, " + Math.max(0, g.size() - 2) + " values sent",
                    field,
                    frame,
                    line.offset());
        }
        List<PowerFailure> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String end = g.get(2 + 2 * i);
            String duration = g.get(3 + 2 * i);
            if (!DURATION.matcher(duration).matches()) {
                throw new DecodeException(
                        Kind.MALFORMED, "duration '" + duration + "' is not NNN*s", field, frame, line.offset());
            }
            out.add(new PowerFailure(
                    end, DsmrTimestamp.parseOrNull(end), Long.parseLong(duration.substring(0, duration.length() - 2))));
        }
        return out;
    }

    private static String version(Map<String, DsmrLine> byCode) {
        DsmrLine v = byCode.get("1-3:0.2.8");
        DsmrLine be = byCode.get("0-0:96.1.4");
        if (be != null) {
            return "e-MUCS " + be.groups().get(0);
        }
        if (v != null) {
            String s = v.groups().get(0);
            return s.length() == 2 ? s.charAt(0) + "." + s.charAt(1) : s;
        }
        return null;
    }

    private static String meterId(Map<String, DsmrLine> byCode) {
        for (String code : METER_ID_CODES) {
            DsmrLine line = byCode.get(code);
            if (line != null && !line.groups().get(0).isEmpty()) {
                return HexText.decode(line.groups().get(0));
            }
        }
        return null;
    }

    /** Offset of the '!' that starts a line, or TRUNCATED. */
    private static int findBang(byte[] frame, int from) throws DecodeException {
        for (int i = Math.max(from, 1); i < frame.length; i++) {
            if (frame[i] == '!' && frame[i - 1] == '\n') {
                return i;
            }
        }
        throw new DecodeException(Kind.TRUNCATED, "no '!' end line", "end", frame, frame.length);
    }

    /** The CRC hex after '!': empty for telegrams without CRC, 1-4 hex digits otherwise. */
    private static String crcText(byte[] frame, int bang) throws DecodeException {
        int end = bang + 1;
        while (end < frame.length && frame[end] != '\r' && frame[end] != '\n') {
            end++;
        }
        String crc = new String(frame, bang + 1, end - bang - 1, StandardCharsets.US_ASCII);
        // some heat meters (Warmtelink) drop leading zeros of the CRC: accept 1..4 digits
        if (!crc.isEmpty() && !CRC.matcher(crc).matches()) {
            throw new DecodeException(Kind.MALFORMED, "'" + crc + "' after '!' is not a CRC", "crc", frame, bang + 1);
        }
        return crc;
    }

    private static int indexOf(byte[] data, byte b, int from) {
        for (int i = from; i < data.length; i++) {
            if (data[i] == b) {
                return i;
            }
        }
        return -1;
    }

    /** Collects one M-Bus channel's lines. */
    private static final class MBus {
        private final int channel;
        private String deviceType;
        private String equipmentId;
        private OffsetDateTime capturedAt;
        private ObisValue value;

        MBus(int channel) {
            this.channel = channel;
        }

        void add(DsmrLine line, byte[] frame) throws DecodeException {
            ObisCode c = line.code();
            List<String> g = line.groups();
            if (c.is(24, 1, 0)) {
                deviceType = g.get(0);
            } else if (c.c() == 96 && c.d() == 1 && (c.e() == 0 || c.e() == 1)) {
                equipmentId = g.get(0).isEmpty() ? null : HexText.decode(g.get(0));
            } else if (c.c() == 24 && c.d() == 2 && value == null) {
                if (g.size() == 2) {
                    capturedAt = DsmrTimestamp.parseOrNull(g.get(0));
                }
                value = valueOf(line, frame);
            } else if (c.is(24, 3, 0)) {
                capturedAt = DsmrTimestamp.parseOrNull(g.get(0));
                value = valueOf(line, frame);
            }
        }

        SubMeterReading reading() {
            return new SubMeterReading(channel, deviceType, equipmentId, capturedAt, value);
        }
    }
}
