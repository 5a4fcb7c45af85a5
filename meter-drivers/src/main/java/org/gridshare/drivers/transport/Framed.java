package org.gridshare.drivers.transport;

/**
 * What a framer (cutting a byte stream into frames, below any decoder) found: a whole frame, or bytes
 * that are not one. Shared by the DSMR, Smarty and SML framers.
 */
public sealed interface Framed {

    /** Offset of the first byte in the stream. */
    long offset();

    byte[] bytes();

    /** A complete frame, ready for its decoder. */
    // bytes handed to one decoder: never compared or hashed
    @SuppressWarnings("ArrayRecordComponent")
    record Frame(long offset, byte[] bytes) implements Framed {}

    /** Bytes that are not (part of) a complete frame: {@code truncated} when a frame had begun. */
    // bytes handed to one decoder: never compared or hashed
    @SuppressWarnings("ArrayRecordComponent")
    record Skipped(long offset, byte[] bytes, boolean truncated) implements Framed {}
}
