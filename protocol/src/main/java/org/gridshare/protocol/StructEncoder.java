package org.gridshare.protocol;

import java.nio.charset.StandardCharsets;
import org.web3j.crypto.Hash;

/**
 * ABI encoding of the static fields of a fixed struct (EIP-712 {@code encodeData}): one 32-byte
 * word per field after the type hash, then keccak256. Only the static types gridshare uses.
 */
final class StructEncoder {
    private final byte[] buf;
    private int word;

    StructEncoder(byte[] typeHash, int fields) {
        buf = new byte[32 * (fields + 1)];
        System.arraycopy(typeHash, 0, buf, 0, 32);
        word = 1;
    }

    static byte[] typeHash(String typeString) {
        return Hash.sha3(typeString.getBytes(StandardCharsets.US_ASCII));
    }

    /** uintN held in a long, read as unsigned 64-bit; zero-padded on the left. */
    StructEncoder uint(long value) {
        writeLong(value, (byte) 0);
        return this;
    }

    /** intN held in a long: two's complement, sign-extended to 32 bytes. */
    StructEncoder int64(long value) {
        writeLong(value, value < 0 ? (byte) 0xff : (byte) 0);
        return this;
    }

    StructEncoder address(Address a) {
        a.writeWord(buf, 32 * word++);
        return this;
    }

    StructEncoder bytes32(Bytes32 b) {
        b.writeTo(buf, 32 * word++);
        return this;
    }

    Bytes32 hash() {
        if (word * 32 != buf.length) {
            throw new IllegalStateException("struct has " + (buf.length / 32 - 1) + " fields, wrote " + (word - 1));
        }
        return Bytes32.wrap(Hash.sha3(buf));
    }

    private void writeLong(long value, byte pad) {
        int at = 32 * word++;
        for (int i = 0; i < 24; i++) {
            buf[at + i] = pad;
        }
        for (int i = 0; i < 8; i++) {
            buf[at + 31 - i] = (byte) (value >>> (8 * i));
        }
    }
}
