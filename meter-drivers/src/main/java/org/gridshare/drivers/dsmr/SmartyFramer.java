package org.gridshare.drivers.dsmr;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.gridshare.drivers.DecodeException;
import org.gridshare.drivers.transport.Framed;

/**
 * Cuts a stream of encrypted Smarty frames (binary, length-prefixed) into frames, resynchronizing on the
 * next {@code DB 08} header after garbage. Events have the same shape as {@link DsmrFramer}'s.
 */
public final class SmartyFramer {

    /** Smarty frames are about 1.3 kB; a longer announced length is not a header. */
    public static final int MAX_FRAME = 8 * 1024;

    private final ByteArrayOutputStream pending = new ByteArrayOutputStream();
    private long pendingOffset;
    private long position;

    /** Feeds bytes; returns frames and skipped garbage completed by them. */
    public List<Framed> feed(byte[] chunk, int off, int len) {
        if (pending.size() == 0) {
            pendingOffset = position;
        }
        pending.write(chunk, off, len);
        position += len;
        return drain(false);
    }

    /** End of stream: what is left is reported as skipped (truncated when it began with a header). */
    public List<Framed> finish() {
        return drain(true);
    }

    private List<Framed> drain(boolean end) {
        List<Framed> events = new ArrayList<>();
        byte[] data = pending.toByteArray();
        int pos = 0;
        int garbageFrom = 0;
        while (pos < data.length) {
            if ((data[pos] & 0xFF) != 0xDB) {
                pos++;
                continue;
            }
            int total;
            try {
                total = SmartyDecryptor.frameLength(data, pos, data.length - pos);
            } catch (DecodeException notAHeader) {
                pos++;
                continue;
            }
            if (total > MAX_FRAME) {
                pos++;
                continue;
            }
            if (total < 0 || data.length - pos < total) {
                break;
            }
            if (pos > garbageFrom) {
                events.add(new Framed.Skipped(
                        pendingOffset + garbageFrom, Arrays.copyOfRange(data, garbageFrom, pos), false));
            }
            events.add(new Framed.Frame(pendingOffset + pos, Arrays.copyOfRange(data, pos, pos + total)));
            pos += total;
            garbageFrom = pos;
        }
        if (end) {
            if (data.length > garbageFrom) {
                boolean started = (data[garbageFrom] & 0xFF) == 0xDB;
                events.add(new Framed.Skipped(
                        pendingOffset + garbageFrom, Arrays.copyOfRange(data, garbageFrom, data.length), started));
            }
            garbageFrom = data.length;
        } else if (pos >= data.length && garbageFrom < data.length) {
            // keep at most a possible header start; older garbage is reported now
            int keep = lastHeaderCandidate(data, garbageFrom);
            if (keep > garbageFrom) {
                events.add(new Framed.Skipped(
                        pendingOffset + garbageFrom, Arrays.copyOfRange(data, garbageFrom, keep), false));
                garbageFrom = keep;
            }
        }
        byte[] rest = Arrays.copyOfRange(data, garbageFrom, data.length);
        pendingOffset += garbageFrom;
        pending.reset();
        pending.write(rest, 0, rest.length);
        return events;
    }

    private static int lastHeaderCandidate(byte[] data, int from) {
        int start = Math.max(from, data.length - SmartyDecryptor.HEADER + 1);
        for (int i = start; i < data.length; i++) {
            if ((data[i] & 0xFF) == 0xDB) {
                return i;
            }
        }
        return data.length;
    }
}
