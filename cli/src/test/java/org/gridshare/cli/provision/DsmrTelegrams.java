package org.gridshare.cli.provision;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Locale;
import java.util.function.IntFunction;
import org.gridshare.drivers.dsmr.Crc16Arc;
import org.gridshare.drivers.serial.SerialLink;
import org.gridshare.drivers.serial.SerialPorts;
import org.gridshare.drivers.serial.SerialSettings;
import org.gridshare.testsupport.TestClock;

/**
 * DSMR 5 telegrams whose registers and power a test chooses, with a valid CRC, and a serial port that sends
 * them one per second of a test clock (frame {@code i} on the {@code i}-th second since the port was first
 * opened, whichever open reads it): a meter whose registers move, which a fixed capture cannot show.
 */
final class DsmrTelegrams {
    static final String METER_ID = "K8EG004046395507";

    private DsmrTelegrams() {}

    /** One telegram; registers in Wh, powers in W. */
    static byte[] telegram(long importWh, long exportWh, long importW, long exportW) {
        String body = "/ISk5\\2MT382-1000\r\n\r\n"
                + "1-3:0.2.8(50)\r\n"
                + "0-0:1.0.0(261202090000W)\r\n"
                + "0-0:96.1.1(4B384547303034303436333935353037)\r\n"
                + "1-0:1.8.1(" + kWh(importWh) + "*kWh)\r\n"
                + "1-0:1.8.2(000000.000*kWh)\r\n"
                + "1-0:2.8.1(" + kWh(exportWh) + "*kWh)\r\n"
                + "1-0:2.8.2(000000.000*kWh)\r\n"
                + "0-0:96.14.0(0001)\r\n"
                + "1-0:1.7.0(" + kW(importW) + "*kW)\r\n"
                + "1-0:2.7.0(" + kW(exportW) + "*kW)\r\n"
                + "!";
        byte[] b = body.getBytes(StandardCharsets.US_ASCII);
        String crc = String.format(Locale.ROOT, "%04X\r\n", Crc16Arc.of(b, 0, b.length));
        return (body + crc).getBytes(StandardCharsets.US_ASCII);
    }

    private static String kWh(long wh) {
        return String.format(Locale.ROOT, "%06d.%03d", wh / 1000, wh % 1000);
    }

    private static String kW(long w) {
        return String.format(Locale.ROOT, "%02d.%03d", w / 1000, w % 1000);
    }

    /** A port that sends {@code frame.apply(i)} at 115200 8N1 and nothing at any other setting. */
    static final class Meter implements SerialPorts {
        final TestClock clock = TestClock.at(1_796_000_000_000L);
        private final IntFunction<byte[]> frame;
        private int next;

        Meter(IntFunction<byte[]> frame) {
            this.frame = frame;
        }

        @Override
        public SerialLink open(String port, SerialSettings settings) {
            return new SerialLink() {
                private final ArrayDeque<Byte> line = new ArrayDeque<>();

                @Override
                public void reconfigure(SerialSettings s) {}

                @Override
                public int read(byte[] buffer, int off, int len, long timeoutMillis) throws IOException {
                    if (!settings.equals(SerialSettings.DSMR5)) {
                        clock.advanceMillis(timeoutMillis);
                        return 0;
                    }
                    if (line.isEmpty()) {
                        clock.advanceMillis(1_000);
                        for (byte b : frame.apply(next++)) {
                            line.add(b);
                        }
                    }
                    int n = Math.min(len, line.size());
                    for (int i = 0; i < n; i++) {
                        buffer[off + i] = line.poll();
                    }
                    return n;
                }

                @Override
                public void write(byte[] data) {}

                @Override
                public void close() {}
            };
        }
    }
}
