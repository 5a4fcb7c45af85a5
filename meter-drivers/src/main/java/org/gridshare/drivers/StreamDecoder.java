package org.gridshare.drivers;

import java.util.List;

/**
 * Decodes a meter's byte stream frame by frame, whatever the chunking. Never throws for bad input: a bad
 * frame becomes a {@link Failed} event, bytes between frames a {@link Skipped} event, and decoding goes on
 * with the next frame. One instance per stream; not thread-safe.
 */
public interface StreamDecoder {

    /** Something found in the stream, at a byte offset from the stream's start. */
    sealed interface Event {
        long offset();
    }

    /** A frame decoded into a reading. */
    record Decoded(long offset, NormalizedReading reading) implements Event {}

    /** A frame that could not be decoded; the exception's offset is relative to the stream. */
    record Failed(long offset, DecodeException error) implements Event {}

    /** Bytes outside any frame (noise, a partial frame at the start of a capture). */
    record Skipped(long offset, int length) implements Event {}

    /** Feeds bytes; returns the events they complete, in stream order. */
    List<Event> feed(byte[] chunk, int off, int len);

    /** End of stream: reports what is left (a frame cut off is {@link Failed} with TRUNCATED). */
    List<Event> finish();
}
