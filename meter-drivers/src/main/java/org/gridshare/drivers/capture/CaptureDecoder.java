package org.gridshare.drivers.capture;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.gridshare.drivers.DecodeException;
import org.gridshare.drivers.StreamDecoder;
import org.gridshare.drivers.bthome.BthomeDecoder;
import org.gridshare.drivers.dsmr.DsmrStreamDecoder;
import org.gridshare.drivers.dsmr.SmartyDecryptor;
import org.gridshare.drivers.iec62056.IecStreamDecoder;
import org.gridshare.drivers.sml.SmlStreamDecoder;

/**
 * Decodes a whole captured file: the frames it holds, the frames that failed and the bytes outside any
 * frame, in file order. A serial capture goes through the protocol's stream decoder; a BTHome capture
 * is one advertisement per line, {@code [MAC ]HEX} of the service data for UUID 0xFCD2.
 */
public final class CaptureDecoder {
    private CaptureDecoder() {}

    /**
     * The events of {@code data}. {@code key} is the Smarty AES-128 key for DSMR (frames are then expected
     * encrypted) or the BTHome bind key, null for plain captures; {@code authenticationKey} is Smarty's.
     *
     * @throws IllegalArgumentException when a key does not fit its decoder
     */
    public static List<StreamDecoder.Event> decode(
            CaptureProtocol protocol, byte[] data, byte[] key, byte[] authenticationKey) {
        if (protocol == CaptureProtocol.BTHOME) {
            return decodeBthome(data, key);
        }
        StreamDecoder decoder = switch (protocol) {
            case DSMR ->
                key == null
                        ? DsmrStreamDecoder.plain()
                        : DsmrStreamDecoder.encrypted(new SmartyDecryptor(key, authenticationKey));
            case SML -> new SmlStreamDecoder();
            case IEC62056_21 -> new IecStreamDecoder();
            case BTHOME -> throw new AssertionError("decoded per line above");
        };
        List<StreamDecoder.Event> events = new ArrayList<>(decoder.feed(data, 0, data.length));
        events.addAll(decoder.finish());
        return events;
    }

    private static List<StreamDecoder.Event> decodeBthome(byte[] data, byte[] key) {
        List<StreamDecoder.Event> events = new ArrayList<>();
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
                events.add(new StreamDecoder.Decoded(at, BthomeDecoder.decode(payload, mac, key)));
            } catch (DecodeException ex) {
                events.add(new StreamDecoder.Failed(at, ex));
            } catch (IllegalArgumentException ex) {
                events.add(new StreamDecoder.Failed(
                        at, new DecodeException(DecodeException.Kind.MALFORMED, ex.getMessage(), "line", null, -1)));
            }
        }
        return events;
    }
}
