package org.gridshare.drivers.iec62056;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import org.gridshare.drivers.DecodeException;
import org.gridshare.drivers.StreamDecoder;

/**
 * An IEC 62056-21 byte stream (what the meter sends on the optical head), decoded readout by readout,
 * whatever the chunking. Recognizes identification lines, STX..ETX BCC data messages and mode D pushes;
 * request and acknowledgement echoes ({@code /?!}, ACK) and noise are skipped.
 */
public final class IecStreamDecoder implements StreamDecoder {

    /** A readout larger than this is a broken stream. */
    public static final int MAX_READOUT = 64 * 1024;

    private enum State {
        IDLE,
        IDENT,
        AFTER_IDENT,
        BLOCK,
        BCC,
        MODE_D
    }

    private State state = State.IDLE;
    private final ByteArrayOutputStream frame = new ByteArrayOutputStream();
    private final ByteArrayOutputStream skipped = new ByteArrayOutputStream();
    private long frameOffset;
    private long skippedOffset;
    private long position;
    private boolean lineStart;
    private boolean endSeen;

    @Override
    public List<Event> feed(byte[] chunk, int off, int len) {
        List<Event> events = new ArrayList<>();
        for (int i = off; i < off + len; i++) {
            step(chunk[i], events);
            position++;
        }
        return events;
    }

    @Override
    public List<Event> finish() {
        List<Event> events = new ArrayList<>();
        flushSkipped(events);
        if (state != State.IDLE && frame.size() > 0) {
            byte[] bytes = frame.toByteArray();
            if (state == State.AFTER_IDENT) {
                events.add(new Skipped(frameOffset, bytes.length));
            } else {
                events.add(new Failed(
                        frameOffset,
                        new DecodeException(
                                        DecodeException.Kind.TRUNCATED,
                                        "readout cut off after " + bytes.length + " bytes",
                                        null,
                                        bytes,
                                        bytes.length)
                                .shifted(frameOffset)));
            }
        }
        frame.reset();
        state = State.IDLE;
        return events;
    }

    private void step(byte b, List<Event> events) {
        switch (state) {
            case IDLE -> {
                if (b == '/' || b == IecDecoder.STX) {
                    begin(b, events);
                } else {
                    skip(b);
                }
            }
            case IDENT -> {
                frame.write(b);
                if (frame.size() == 2 && b == '?') {
                    // a request echo "/?...!": not ours
                    moveFrameToSkipped();
                    state = State.IDLE;
                } else if (b == '\n') {
                    state = State.AFTER_IDENT;
                }
            }
            case AFTER_IDENT -> {
                if (b == '\r' || b == '\n') {
                    frame.write(b);
                } else if (b == IecDecoder.STX) {
                    frame.write(b);
                    state = State.BLOCK;
                } else if (b == '/') {
                    moveFrameToSkipped();
                    begin(b, events);
                } else if (b == 0x06) {
                    // the reader's acknowledgement/option select echoed on the line: the data message follows
                    frame.write(b);
                    state = State.AFTER_IDENT;
                } else {
                    frame.write(b);
                    lineStart = false;
                    state = State.MODE_D;
                }
            }
            case BLOCK -> {
                frame.write(b);
                if (b == IecDecoder.ETX) {
                    state = State.BCC;
                }
            }
            case BCC -> {
                frame.write(b);
                emit(events);
            }
            case MODE_D -> {
                if (b == '/') {
                    events.add(cut());
                    begin(b, events);
                    return;
                }
                frame.write(b);
                if (b == '!' && lineStart) {
                    endSeen = true; // the frame ends with this line
                } else if (b == '\n' && endSeen) {
                    emit(events);
                    return;
                }
                lineStart = b == '\n';
            }
        }
        if (state != State.IDLE && frame.size() > MAX_READOUT) {
            events.add(cut());
            state = State.IDLE;
        }
    }

    private void begin(byte b, List<Event> events) {
        flushSkipped(events);
        frame.reset();
        frame.write(b);
        frameOffset = position;
        endSeen = false;
        state = b == '/' ? State.IDENT : State.BLOCK;
    }

    private Event cut() {
        byte[] bytes = frame.toByteArray();
        frame.reset();
        return new Failed(
                frameOffset,
                new DecodeException(
                                DecodeException.Kind.TRUNCATED,
                                "readout cut off after " + bytes.length + " bytes",
                                null,
                                bytes,
                                bytes.length)
                        .shifted(frameOffset));
    }

    private void emit(List<Event> events) {
        byte[] bytes = frame.toByteArray();
        frame.reset();
        state = State.IDLE;
        try {
            events.add(new Decoded(frameOffset, IecDecoder.decode(bytes)));
        } catch (DecodeException ex) {
            events.add(new Failed(frameOffset, ex.shifted(frameOffset)));
        }
    }

    private void skip(byte b) {
        if (skipped.size() == 0) {
            skippedOffset = position;
        }
        skipped.write(b);
    }

    private void moveFrameToSkipped() {
        byte[] bytes = frame.toByteArray();
        if (skipped.size() == 0) {
            skippedOffset = frameOffset;
        }
        skipped.write(bytes, 0, bytes.length);
        frame.reset();
    }

    private void flushSkipped(List<Event> events) {
        if (skipped.size() > 0) {
            events.add(new Skipped(skippedOffset, skipped.size()));
            skipped.reset();
        }
    }
}
