package org.gridshare.drivers.serial;

import java.util.Objects;

/**
 * Line settings of a serial port: baud rate, data bits, parity, stop bits.
 *
 * @param baud bits per second
 * @param dataBits 7 or 8
 * @param parity NONE, EVEN or ODD
 * @param stopBits 1 or 2
 */
public record SerialSettings(int baud, int dataBits, Parity parity, int stopBits) {

    /** Parity of each character. */
    public enum Parity {
        NONE,
        EVEN,
        ODD
    }

    /** DSMR 4 and 5 P1 port. */
    public static final SerialSettings DSMR5 = new SerialSettings(115_200, 8, Parity.NONE, 1);
    /** DSMR 2.2 and 3 P1 port. */
    public static final SerialSettings DSMR22 = new SerialSettings(9_600, 7, Parity.EVEN, 1);
    /** SML on the optical eHZ interface. */
    public static final SerialSettings SML = new SerialSettings(9_600, 8, Parity.NONE, 1);
    /** IEC 62056-21 mode D pushes at the standard's 2400 baud (EasyMeter sends mode D at 9600 7E1, as DSMR22). */
    public static final SerialSettings IEC_MODE_D = new SerialSettings(2_400, 7, Parity.EVEN, 1);
    /** IEC 62056-21 sign-on (mode A to C start at 300 baud). */
    public static final SerialSettings IEC_SIGN_ON = new SerialSettings(300, 7, Parity.EVEN, 1);

    public SerialSettings {
        if (baud <= 0) {
            throw new IllegalArgumentException("baud " + baud);
        }
        if (dataBits < 5 || dataBits > 8) {
            throw new IllegalArgumentException("data bits " + dataBits);
        }
        if (stopBits != 1 && stopBits != 2) {
            throw new IllegalArgumentException("stop bits " + stopBits);
        }
        Objects.requireNonNull(parity, "parity");
    }

    /** The same framing at another baud rate. */
    public SerialSettings withBaud(int newBaud) {
        return new SerialSettings(newBaud, dataBits, parity, stopBits);
    }

    /** As installers write it: {@code 9600 7E1}. */
    @Override
    public String toString() {
        return baud + " " + dataBits + parity.name().charAt(0) + stopBits;
    }
}
