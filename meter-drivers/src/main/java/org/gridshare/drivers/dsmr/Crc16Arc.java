package org.gridshare.drivers.dsmr;

/** CRC-16/ARC (reflected polynomial 0xA001, initial value 0), the P1 telegram checksum of DSMR 4 and 5. */
public final class Crc16Arc {

    private Crc16Arc() {}

    /** CRC of {@code data[from, to)}. */
    public static int of(byte[] data, int from, int to) {
        int crc = 0;
        for (int i = from; i < to; i++) {
            crc ^= data[i] & 0xFF;
            for (int bit = 0; bit < 8; bit++) {
                crc = (crc & 1) != 0 ? (crc >>> 1) ^ 0xA001 : crc >>> 1;
            }
        }
        return crc;
    }
}
