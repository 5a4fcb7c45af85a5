package org.gridshare.drivers.sml;

/** CRC-16/X-25 (reflected polynomial 0x8408, initial and final XOR 0xFFFF), SML's transport checksum. */
public final class Crc16X25 {

    private Crc16X25() {}

    /** CRC of {@code data[from, to)}. */
    public static int of(byte[] data, int from, int to) {
        int crc = 0xFFFF;
        for (int i = from; i < to; i++) {
            crc ^= data[i] & 0xFF;
            for (int bit = 0; bit < 8; bit++) {
                crc = (crc & 1) != 0 ? (crc >>> 1) ^ 0x8408 : crc >>> 1;
            }
        }
        return crc ^ 0xFFFF;
    }
}
