package org.gridshare.drivers.iec62056;

import java.nio.charset.StandardCharsets;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.gridshare.drivers.DecodeException;
import org.gridshare.drivers.DecodeException.Kind;
import org.gridshare.drivers.NormalizedReading;
import org.gridshare.drivers.ObisValue;
import org.gridshare.drivers.StatusFlag;
import org.gridshare.drivers.obis.ElectricityRegisters;
import org.gridshare.drivers.obis.ObisCode;

/**
 * Pure decoder of one IEC 62056-21 readout: an optional identification line {@code /XXXZ<ident>}, then
 * either a data message {@code STX <data block> ! CR LF ETX BCC} (modes A, B, C and the readout of E)
 * whose block check character is verified, or a mode D push of data lines ending with {@code !}
 * (no checksum: flagged {@link StatusFlag#NO_CHECKSUM}).
 *
 * <p>Addresses in full OBIS form ({@code 1-0:1.8.0*255}) keep their A-B; the short form {@code C.D.E}
 * of electricity meters is keyed {@code 1-0:C.D.E}; letter codes ({@code F.F}, {@code C.1.0}) are kept
 * as sent. Stored values ({@code *F}, F not 255) are keyed with their F and never count as current.
 */
public final class IecDecoder {

    static final byte STX = 0x02;
    static final byte ETX = 0x03;

    private static final Pattern SHORT = Pattern.compile("(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})(?:[*&](\\d{1,3}))?");
    private static final Pattern NUMBER = Pattern.compile("[+-]?\\d+(\\.\\d+)?");

    private IecDecoder() {}

    /** Decodes one readout (identification line optional). */
    public static NormalizedReading decode(byte[] frame) throws DecodeException {
        if (frame.length == 0) {
            throw new DecodeException(Kind.TRUNCATED, "empty readout", null, frame, 0);
        }
        int pos = 0;
        String identification = null;
        if (frame[0] == '/') {
            int lf = indexOf(frame, (byte) '\n', 0, frame.length);
            if (lf < 0) {
                throw new DecodeException(
                        Kind.TRUNCATED, "identification line not terminated", "identification", frame, frame.length);
            }
            identification = new String(frame, 1, lf - 1, StandardCharsets.ISO_8859_1).strip();
            // Z is the baud rate character: a digit in modes A and C, 'A'..'I' in mode B
            if (!identification.matches("[A-Za-z]{3}[0-9A-I].*")) {
                throw new DecodeException(
                        Kind.MALFORMED,
                        "identification '" + identification + "' is not XXXZ<ident>",
                        "identification",
                        frame,
                        1);
            }
            pos = lf + 1;
            while (pos < frame.length && (frame[pos] == '\r' || frame[pos] == '\n')) {
                pos++;
            }
        }
        Set<StatusFlag> status = EnumSet.noneOf(StatusFlag.class);
        int from;
        int to;
        if (pos < frame.length && frame[pos] == STX) {
            int etx = indexOf(frame, ETX, pos + 1, frame.length);
            if (etx < 0 || etx + 1 >= frame.length) {
                throw new DecodeException(
                        Kind.TRUNCATED, etx < 0 ? "no ETX" : "no BCC after ETX", "bcc", frame, frame.length);
            }
            int bcc = 0;
            for (int i = pos + 1; i <= etx; i++) {
                bcc ^= frame[i];
            }
            // 7-bit even-parity lines may keep or strip the parity bit: compare the 7 data bits
            if ((bcc & 0x7F) != (frame[etx + 1] & 0x7F)) {
                throw new DecodeException(
                        Kind.CORRUPT,
                        String.format("BCC %02X sent, %02X computed", frame[etx + 1] & 0xFF, bcc & 0xFF),
                        "bcc",
                        frame,
                        etx + 1);
            }
            from = pos + 1;
            to = etx;
        } else {
            status.add(StatusFlag.NO_CHECKSUM);
            from = pos;
            to = frame.length;
        }
        int end = findEnd(frame, from, to);
        if (end < 0 && !status.contains(StatusFlag.NO_CHECKSUM)) {
            end = to; // a data message without '!' (answer to a single read)
        } else if (end < 0) {
            throw new DecodeException(Kind.TRUNCATED, "no '!' end line", "end", frame, frame.length);
        }
        Map<String, ObisValue> obis = parseBlock(frame, from, end);
        return normalize(obis, status, identification);
    }

    private static NormalizedReading normalize(
            Map<String, ObisValue> obis, Set<StatusFlag> status, String identification) throws DecodeException {
        String meterId = meterId(obis);
        for (Map.Entry<String, ObisValue> e : obis.entrySet()) {
            if (e.getKey().endsWith("F.F") && !e.getValue().value().matches("0*")) {
                status.add(StatusFlag.METER_ERROR);
            }
        }
        status.add(StatusFlag.CLOCK_UNSYNCHRONISED); // IEC readouts carry local date and time without a zone
        ElectricityRegisters registers = ElectricityRegisters.of(obis);
        return new NormalizedReading(
                "iec62056-21",
                identification,
                meterId,
                null,
                registers.importMilliWh(),
                registers.exportMilliWh(),
                registers.powerMilliW(),
                registers.phases(),
                obis,
                status,
                List.of(),
                List.of(),
                null);
    }

    /**
     * The device id, by preference: manufacturer serial (96.1.x), SML-style server id (0.0.9), letter code
     * C.1.0 / C.1, then the property number 0.0.0.
     */
    private static String meterId(Map<String, ObisValue> obis) {
        int[][] preferred = {{96, 1, 255}, {96, 1, 0}, {0, 0, 9}};
        for (int[] cde : preferred) {
            for (Map.Entry<String, ObisValue> e : obis.entrySet()) {
                ObisCode c = e.getKey().indexOf('*') >= 0 ? null : ObisCode.parse(e.getKey());
                if (c != null
                        && c.is(cde[0], cde[1], cde[2])
                        && !e.getValue().value().isEmpty()) {
                    return e.getValue().value();
                }
            }
        }
        for (String letter : new String[] {"C.1.0", "C.1"}) {
            ObisValue v = obis.get(letter);
            if (v != null && !v.value().isEmpty()) {
                return v.value();
            }
        }
        for (Map.Entry<String, ObisValue> e : obis.entrySet()) {
            ObisCode c = e.getKey().indexOf('*') >= 0 ? null : ObisCode.parse(e.getKey());
            if (c != null && c.is(0, 0, 0) && !e.getValue().value().isEmpty()) {
                return e.getValue().value();
            }
        }
        return null;
    }

    /** Data lines of {@code frame[from, to)}: data sets {@code address(value*unit)}, several per line allowed. */
    private static Map<String, ObisValue> parseBlock(byte[] frame, int from, int to) throws DecodeException {
        Map<String, ObisValue> obis = new LinkedHashMap<>();
        int pos = from;
        String lastKey = null;
        while (pos < to) {
            byte b = frame[pos];
            if (b == '\r' || b == '\n') {
                pos++;
                continue;
            }
            int open = pos;
            while (open < to && frame[open] != '(') {
                byte c = frame[open];
                if (c == ')' || c == '\r' || c == '\n' || c < 0x20 || c > 0x7E) {
                    throw new DecodeException(Kind.MALFORMED, "expected an address followed by '('", null, frame, open);
                }
                open++;
            }
            if (open == to) {
                throw new DecodeException(Kind.MALFORMED, "address without a value", null, frame, pos);
            }
            int close = open + 1;
            while (close < to && frame[close] != ')') {
                byte c = frame[close];
                if (c == '(' || c == '\r' || c == '\n' || c < 0x20 || c > 0x7E) {
                    throw new DecodeException(Kind.MALFORMED, "value not closed by ')'", null, frame, close);
                }
                close++;
            }
            if (close == to) {
                throw new DecodeException(Kind.MALFORMED, "value not closed by ')'", null, frame, to);
            }
            String address = new String(frame, pos, open - pos, StandardCharsets.US_ASCII);
            String content = new String(frame, open + 1, close - open - 1, StandardCharsets.US_ASCII);
            if (address.isEmpty()) {
                // a further value of the previous data set (e.g. the time of a maximum): kept with the set
                if (lastKey == null) {
                    throw new DecodeException(Kind.MALFORMED, "value without an address", null, frame, pos);
                }
            } else {
                lastKey = key(address);
                if (!obis.containsKey(lastKey)) {
                    obis.put(lastKey, value(content, lastKey, frame, open));
                }
            }
            pos = close + 1;
        }
        return obis;
    }

    private static ObisValue value(String content, String key, byte[] frame, int at) throws DecodeException {
        int star = content.indexOf('*');
        if (star < 0) {
            return new ObisValue(content.strip(), null);
        }
        String value = content.substring(0, star).strip();
        String unit = content.substring(star + 1).strip();
        if (!NUMBER.matcher(value).matches() || unit.isEmpty()) {
            throw new DecodeException(Kind.MALFORMED, "'" + content + "' is not a number with a unit", key, frame, at);
        }
        return new ObisValue(value, unit);
    }

    static String key(String address) {
        String full = ObisCode.key(address);
        if (full != null) {
            return full;
        }
        var m = SHORT.matcher(address);
        if (m.matches()) {
            String shortKey = ObisCode.key("1-0:" + m.group(1) + "." + m.group(2) + "." + m.group(3)
                    + (m.group(4) == null ? "" : "*" + m.group(4)));
            if (shortKey != null) {
                return shortKey;
            }
        }
        return address;
    }

    /** Offset of the '!' line ending the data, or -1. */
    private static int findEnd(byte[] frame, int from, int to) {
        for (int i = from; i < to; i++) {
            if (frame[i] == '!' && (i == from || frame[i - 1] == '\n')) {
                return i;
            }
        }
        return -1;
    }

    private static int indexOf(byte[] data, byte b, int from, int to) {
        for (int i = from; i < to; i++) {
            if (data[i] == b) {
                return i;
            }
        }
        return -1;
    }

    /** For tests and simulators: the BCC of a data block as it would follow ETX. */
    static byte bcc(byte[] blockWithEtx) {
        byte bcc = 0;
        for (byte b : blockWithEtx) {
            bcc ^= b;
        }
        return bcc;
    }
}
