package org.gridshare.protocol;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.web3j.crypto.Hash;

/** A 20-byte Ethereum address. Immutable: the array is copied in and out. */
// the array is copied in and out and equals/hashCode/toString compare and print its contents
@SuppressWarnings("ArrayRecordComponent")
public record Address(byte[] bytes) {
    public static final int LENGTH = 20;

    public Address {
        if (bytes == null || bytes.length != LENGTH) {
            throw new MalformedValueException(
                    "address", -1, "expected 20 bytes, got " + (bytes == null ? "null" : bytes.length));
        }
        bytes = bytes.clone();
    }

    /** Parses {@code 0x} + 40 hex digits, any case (the EIP-55 checksum is not enforced). */
    public static Address fromHex(String hex) {
        return new Address(Hex.decode("address", hex, LENGTH));
    }

    @Override
    public byte[] bytes() {
        return bytes.clone();
    }

    /** Lower-case {@code 0x}-prefixed hex. */
    public String toHex() {
        return Hex.encode(bytes);
    }

    /** Mixed-case EIP-55 checksum form. */
    public String toChecksumHex() {
        String lower = Hex.encode(bytes).substring(2);
        byte[] hash = Hash.sha3(lower.getBytes(StandardCharsets.US_ASCII));
        StringBuilder out = new StringBuilder(42).append("0x");
        for (int i = 0; i < lower.length(); i++) {
            char c = lower.charAt(i);
            int nibble = (hash[i / 2] >> (i % 2 == 0 ? 4 : 0)) & 0xf;
            out.append(c >= 'a' && nibble >= 8 ? Character.toUpperCase(c) : c);
        }
        return out.toString();
    }

    /** Copies the address into {@code out} as a right-aligned 32-byte ABI word at {@code offset}. */
    void writeWord(byte[] out, int offset) {
        System.arraycopy(bytes, 0, out, offset + 12, LENGTH);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Address a && Arrays.equals(bytes, a.bytes);
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
