package org.gridshare.drivers.sml;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import org.gridshare.drivers.transport.Framed;

/**
 * Cuts an SML byte stream into transport frames (start escape to end escape with CRC), whatever the
 * chunking; resynchronizes on the next start escape. Frames are checked by {@link SmlTransport#unwrap}.
 */
public final class SmlFramer {

    /** eHZ frames are a few hundred bytes; anything above this is a broken stream. */
    public static final int MAX_FRAME = 64 * 1024;

    private final ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    private long bufferOffset;
    private long position;
    private boolean inFrame;
    private final byte[] word = new byte[8];
    private int wordFill;
    private final byte[] tail = new byte[8];
    private int tailFill;

    /** Feeds bytes; returns completed frames and skipped bytes, in stream order. */
    public List<Framed> feed(byte[] chunk, int off, int len) {
        List<Framed> events = new ArrayList<>();
        for (int i = off; i < off + len; i++) {
            if (inFrame) {
                inFrameByte(chunk[i], events);
            } else {
                idleByte(chunk[i], events);
            }
            position++;
        }
        return events;
    }

    /** End of stream. */
    public List<Framed> finish() {
        List<Framed> events = new ArrayList<>();
        for (int i = 0; i < wordFill; i++) {
            buffer.write(word[i]);
        }
        wordFill = 0;
        if (buffer.size() > 0) {
            events.add(new Framed.Skipped(bufferOffset, buffer.toByteArray(), inFrame));
        }
        buffer.reset();
        inFrame = false;
        return events;
    }

    private void idleByte(byte b, List<Framed> events) {
        if (buffer.size() == 0) {
            bufferOffset = position;
        }
        buffer.write(b);
        System.arraycopy(tail, 1, tail, 0, 7);
        tail[7] = b;
        tailFill = Math.min(8, tailFill + 1);
        if (tailFill == 8 && SmlTransport.startsWith(tail, 0, SmlTransport.START)) {
            int n = buffer.size();
            if (n > 8) {
                events.add(
                        new Framed.Skipped(bufferOffset, java.util.Arrays.copyOf(buffer.toByteArray(), n - 8), false));
            }
            tailFill = 0;
            startFrame(position - 7);
        } else if (buffer.size() > MAX_FRAME) {
            // keep the last 7 bytes: they may be the beginning of a start escape
            byte[] data = buffer.toByteArray();
            events.add(new Framed.Skipped(bufferOffset, java.util.Arrays.copyOf(data, data.length - 7), false));
            buffer.reset();
            buffer.write(data, data.length - 7, 7);
            bufferOffset = position - 6;
        }
    }

    private void startFrame(long offset) {
        tailFill = 0;
        buffer.reset();
        buffer.write(SmlTransport.START, 0, 8);
        bufferOffset = offset;
        inFrame = true;
        wordFill = 0;
    }

    private void inFrameByte(byte b, List<Framed> events) {
        System.arraycopy(tail, 1, tail, 0, 7);
        tail[7] = b;
        tailFill = Math.min(8, tailFill + 1);
        if (tailFill == 8 && wordFill != 7 && SmlTransport.startsWith(tail, 0, SmlTransport.START)) {
            // a start escape off the 4-byte grid: the frame before it was cut (or its meter ignores the
            // alignment rule); report it truncated and resynchronize here
            for (int i = 0; i < wordFill; i++) {
                buffer.write(word[i]);
            }
            byte[] data = buffer.toByteArray();
            events.add(new Framed.Skipped(
                    bufferOffset, java.util.Arrays.copyOf(data, Math.max(0, data.length - 7)), true));
            wordFill = 0;
            tailFill = 0;
            startFrame(position - 7);
            return;
        }
        word[wordFill++] = b;
        if (wordFill == 4 && !SmlTransport.isEscape(word, 0)) {
            buffer.write(word, 0, 4);
            wordFill = 0;
        } else if (wordFill == 8) {
            wordFill = 0;
            if (SmlTransport.startsWith(word, 0, SmlTransport.START)) {
                events.add(new Framed.Skipped(bufferOffset, buffer.toByteArray(), true));
                startFrame(position - 7);
                return;
            }
            buffer.write(word, 0, 8);
            boolean doubledEscape = SmlTransport.isEscape(word, 4);
            if (!doubledEscape) {
                // end escape (1A) or an unknown command: either way the frame ends here; unwrap judges it
                events.add(new Framed.Frame(bufferOffset, buffer.toByteArray()));
                buffer.reset();
                inFrame = false;
                return;
            }
        }
        if (buffer.size() > MAX_FRAME) {
            events.add(new Framed.Skipped(bufferOffset, buffer.toByteArray(), true));
            buffer.reset();
            inFrame = false;
            wordFill = 0;
        }
    }
}
