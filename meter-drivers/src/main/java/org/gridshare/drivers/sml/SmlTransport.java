package org.gridshare.drivers.sml;

import java.io.ByteArrayOutputStream;
import org.gridshare.drivers.DecodeException;
import org.gridshare.drivers.DecodeException.Kind;

/**
 * SML transport protocol version 1 (the framing of an SML file on a serial line): start escape
 * {@code 1B1B1B1B 01010101}, payload in 4-byte words with {@code 1B1B1B1B} doubled when it occurs in the
 * data, end escape {@code 1B1B1B1B 1A <padding count> <CRC16/X.25, 2 bytes>}.
 */
public final class SmlTransport {

    static final byte[] START = {0x1B, 0x1B, 0x1B, 0x1B, 0x01, 0x01, 0x01, 0x01};

    private SmlTransport() {}

    /** Checks the CRC and escapes of one transport frame and returns the SML file bytes (unescaped, unpadded). */
    public static byte[] unwrap(byte[] frame) throws DecodeException {
        if (frame.length < START.length || !startsWith(frame, 0, START)) {
            throw new DecodeException(Kind.MALFORMED, "no SML start escape 1B1B1B1B 01010101", "transport", frame, 0);
        }
        ByteArrayOutputStream payload = new ByteArrayOutputStream(frame.length);
        int pos = START.length;
        while (true) {
            if (pos + 4 > frame.length) {
                throw new DecodeException(
                        Kind.TRUNCATED, "frame ends without end escape", "transport", frame, frame.length);
            }
            if (!isEscape(frame, pos)) {
                payload.write(frame, pos, 4);
                pos += 4;
                continue;
            }
            if (pos + 8 > frame.length) {
                throw new DecodeException(Kind.TRUNCATED, "escape sequence cut off", "transport", frame, frame.length);
            }
            if (isEscape(frame, pos + 4)) {
                payload.write(frame, pos, 4);
                pos += 8;
                continue;
            }
            if (frame[pos + 4] != 0x1A) {
                throw new DecodeException(
                        Kind.MALFORMED,
                        String.format("unknown escape command 0x%02X", frame[pos + 4] & 0xFF),
                        "transport",
                        frame,
                        pos + 4);
            }
            int padding = frame[pos + 5] & 0xFF;
            int sent = ((frame[pos + 6] & 0xFF) << 8) | (frame[pos + 7] & 0xFF);
            int computed = Crc16X25.of(frame, 0, pos + 6);
            // the CRC goes low byte first on the wire (little-endian), as libsml and the meters do
            int computedOnWire = ((computed & 0xFF) << 8) | (computed >>> 8);
            if (sent != computedOnWire) {
                throw new DecodeException(
                        Kind.CORRUPT,
                        String.format("CRC %04X sent, %04X computed", sent, computedOnWire),
                        "crc",
                        frame,
                        pos + 6);
            }
            byte[] data = payload.toByteArray();
            if (padding > 3 || padding > data.length) {
                throw new DecodeException(
                        Kind.MALFORMED, "padding count " + padding + " is not 0..3", "transport", frame, pos + 5);
            }
            for (int i = data.length - padding; i < data.length; i++) {
                if (data[i] != 0) {
                    throw new DecodeException(
                            Kind.MALFORMED,
                            "padding byte is not 00",
                            "transport",
                            frame,
                            pos - padding + (i - data.length + padding));
                }
            }
            return java.util.Arrays.copyOf(data, data.length - padding);
        }
    }

    static boolean isEscape(byte[] b, int at) {
        return b[at] == 0x1B && b[at + 1] == 0x1B && b[at + 2] == 0x1B && b[at + 3] == 0x1B;
    }

    static boolean startsWith(byte[] b, int at, byte[] prefix) {
        if (at + prefix.length > b.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if (b[at + i] != prefix[i]) {
                return false;
            }
        }
        return true;
    }
}
