package org.gridshare.protocol;

import java.util.Arrays;

/** A 32-byte value (digest, Merkle root, zone id). Immutable: the array is copied in and out. */
// the array is copied in and out and equals/hashCode compare its contents
@SuppressWarnings("ArrayRecordComponent")
public record Bytes32(byte[] bytes) {
    public static final int LENGTH = 32;
    public static final Bytes32 ZERO = new Bytes32(new byte[LENGTH]);

    public Bytes32 {
        if (bytes == null || bytes.length != LENGTH) {
            throw new MalformedValueException(
                    "bytes32", -1, "expected 32 bytes, got " + (bytes == null ? "null" : bytes.length));
        }
        bytes = bytes.clone();
    }

    /** Parses {@code 0x} + 64 hex digits, any case. */
    public static Bytes32 fromHex(String hex) {
        return new Bytes32(Hex.decode("bytes32", hex, LENGTH));
    }

    /** Wraps an array this package just produced and will not touch again (no copy). */
    static Bytes32 wrap(byte[] fresh) {
        return new Bytes32(fresh);
    }

    @Override
    public byte[] bytes() {
        return bytes.clone();
    }

    /** Lower-case {@code 0x}-prefixed hex. */
    public String toHex() {
        return Hex.encode(bytes);
    }

    void writeTo(byte[] out, int offset) {
        System.arraycopy(bytes, 0, out, offset, LENGTH);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Bytes32 b && Arrays.equals(bytes, b.bytes);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(bytes);
    }

    @Override
    public String toString() {
        return toHex();
    }
}
