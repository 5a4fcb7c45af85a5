package org.gridshare.drivers.serial;

import com.fazecast.jSerialComm.SerialPort;
import com.fazecast.jSerialComm.SerialPortInvalidPortException;
import java.io.IOException;

/** Serial ports through jSerialComm (UART, USB serial adapters, RS-485 dongles, pseudo-terminals). */
public final class JSerialCommPorts implements SerialPorts {

    @Override
    public SerialLink open(String port, SerialSettings settings) throws IOException {
        SerialPort p;
        try {
            p = SerialPort.getCommPort(port);
        } catch (SerialPortInvalidPortException ex) {
            throw new IOException("no serial port '" + port + "': " + ex.getMessage(), ex);
        }
        apply(p, settings);
        if (!p.openPort()) {
            throw new IOException("cannot open serial port '" + port + "' (jSerialComm error " + p.getLastErrorCode()
                    + " at source line " + p.getLastErrorLocation() + ")");
        }
        // P1 cables power the meter's request line from DTR/RTS; a pseudo-terminal has neither, so failure is fine
        p.setDTR();
        p.setRTS();
        return new Link(p, port);
    }

    private static void apply(SerialPort p, SerialSettings s) throws IOException {
        int parity = switch (s.parity()) {
            case NONE -> SerialPort.NO_PARITY;
            case EVEN -> SerialPort.EVEN_PARITY;
            case ODD -> SerialPort.ODD_PARITY;
        };
        int stop = s.stopBits() == 2 ? SerialPort.TWO_STOP_BITS : SerialPort.ONE_STOP_BIT;
        if (!p.setComPortParameters(s.baud(), s.dataBits(), stop, parity)) {
            throw new IOException("serial port '" + p.getSystemPortPath() + "' refused " + s + " (jSerialComm error "
                    + p.getLastErrorCode() + ")");
        }
    }

    private static final class Link implements SerialLink {

        private final SerialPort port;
        private final String name;
        private long timeoutMillis = -1;

        Link(SerialPort port, String name) {
            this.port = port;
            this.name = name;
        }

        @Override
        public void reconfigure(SerialSettings settings) throws IOException {
            apply(port, settings);
        }

        @Override
        public int read(byte[] buffer, int off, int len, long timeout) throws IOException {
            if (timeout != timeoutMillis) {
                int ms = (int) Math.max(1, Math.min(Integer.MAX_VALUE, timeout));
                port.setComPortTimeouts(SerialPort.TIMEOUT_READ_SEMI_BLOCKING, ms, 0);
                timeoutMillis = timeout;
            }
            int n = port.readBytes(buffer, len, off);
            if (n < 0) {
                throw new IOException("reading serial port '" + name + "' failed (jSerialComm error "
                        + port.getLastErrorCode() + ")");
            }
            return n;
        }

        @Override
        public void write(byte[] data) throws IOException {
            int done = 0;
            while (done < data.length) {
                int n = port.writeBytes(data, data.length - done, done);
                if (n <= 0) {
                    throw new IOException("writing serial port '" + name + "' failed (jSerialComm error "
                            + port.getLastErrorCode() + ")");
                }
                done += n;
            }
            // wait (bounded) until the driver has sent it all, so a baud switch right after does not cut it off
            long deadline = System.nanoTime() + 2_000_000_000L;
            while (port.bytesAwaitingWrite() > 0 && System.nanoTime() < deadline) {
                java.util.concurrent.locks.LockSupport.parkNanos(1_000_000L);
            }
        }

        @Override
        public void close() {
            port.closePort();
        }
    }
}
