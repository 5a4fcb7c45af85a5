package org.gridshare.drivers.dsmr;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import org.gridshare.drivers.transport.Framed;

/**
 * Cuts a P1 byte stream into telegrams, whatever the chunking (one byte at a time or large reads).
 * A telegram runs from a '/' to the end of its '!' line. Bytes outside a telegram are reported as
 * garbage; a telegram interrupted by a new '/' (which never occurs inside a telegram), or longer than
 * {@link #MAX_TELEGRAM} bytes, is reported as truncated, and framing resynchronizes on the next '/'.
 * Not thread-safe; one framer per stream.
 */
public final class DsmrFramer {

    /** Telegrams are a few kilobytes at most; anything longer is a broken stream. */
    public static final int MAX_TELEGRAM = 16 * 1024;

    private static final int MAX_CRC_LINE = 8;

    private enum State {
        IDLE,
        BODY,
        CRC_LINE
    }

    private State state = State.IDLE;
    private final ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    private long bufferOffset;
    private long position;
    private boolean lineStart = true;
    private int crcLineLength;

    /** Feeds bytes; returns the events completed by them, in stream order. */
    public List<Framed> feed(byte[] chunk, int off, int len) {
        List<Framed> events = new ArrayList<>();
        for (int i = off; i < off + len; i++) {
            step(chunk[i], events);
            position++;
        }
        return events;
    }

    /** Feeds a whole array. */
    public List<Framed> feed(byte[] chunk) {
        return feed(chunk, 0, chunk.length);
    }

    /** End of stream: a telegram in progress is reported truncated, pending garbage as garbage. */
    public List<Framed> finish() {
        List<Framed> events = new ArrayList<>();
        if (state == State.CRC_LINE) {
            emitFrame(events);
        } else {
            flushSkipped(events, state == State.BODY);
        }
        state = State.IDLE;
        return events;
    }

    private void step(byte b, List<Framed> events) {
        switch (state) {
            case IDLE -> {
                if (b == '/') {
                    flushSkipped(events, false);
                    begin(b);
                } else {
                    append(b);
                }
            }
            case BODY -> {
                // '/' never occurs inside a telegram: it means the current one was cut off
                if (b == '/') {
                    flushSkipped(events, true);
                    begin(b);
                } else if (b == '!' && lineStart) {
                    append(b);
                    state = State.CRC_LINE;
                    crcLineLength = 0;
                } else {
                    append(b);
                    lineStart = b == '\n';
                    if (buffer.size() > MAX_TELEGRAM) {
                        flushSkipped(events, true);
                        state = State.IDLE;
                    }
                }
            }
            case CRC_LINE -> {
                if (b == '/') {
                    emitFrame(events);
                    begin(b);
                } else {
                    append(b);
                    crcLineLength++;
                    if (b == '\n' || crcLineLength > MAX_CRC_LINE) {
                        emitFrame(events);
                    }
                }
            }
        }
    }

    private void begin(byte slash) {
        buffer.reset();
        bufferOffset = position;
        buffer.write(slash);
        state = State.BODY;
        lineStart = false;
    }

    private void append(byte b) {
        if (buffer.size() == 0) {
            bufferOffset = position;
        }
        buffer.write(b);
    }

    private void emitFrame(List<Framed> events) {
        events.add(new Framed.Frame(bufferOffset, buffer.toByteArray()));
        buffer.reset();
        state = State.IDLE;
        lineStart = true;
    }

    private void flushSkipped(List<Framed> events, boolean truncated) {
        if (buffer.size() > 0) {
            events.add(new Framed.Skipped(bufferOffset, buffer.toByteArray(), truncated));
            buffer.reset();
        }
    }
}
