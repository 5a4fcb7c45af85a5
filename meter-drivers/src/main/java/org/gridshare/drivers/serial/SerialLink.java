package org.gridshare.drivers.serial;

import java.io.IOException;

/** An open serial port: the only I/O the meter detector and readers need. Not thread-safe. */
public interface SerialLink extends AutoCloseable {

    /** Changes the line settings of the open port (the IEC 62056-21 baud switch). */
    void reconfigure(SerialSettings settings) throws IOException;

    /**
     * Reads what has arrived, waiting at most {@code timeoutMillis} for the first byte.
     *
     * @return the number of bytes read, 0 when nothing arrived in time
     * @throws IOException when the port failed or was closed
     */
    int read(byte[] buffer, int off, int len, long timeoutMillis) throws IOException;

    /** Writes every byte, waiting until they are handed to the port. */
    void write(byte[] data) throws IOException;

    @Override
    void close() throws IOException;
}
